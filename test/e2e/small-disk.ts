import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A browser profile whose IndexedDB directory is a small filesystem of its own
 * (tmpfs), so a test can fill it up for real. Identity Lens holds
 * `unlimitedStorage`, so in Chromium its quota never runs out (a DevTools quota
 * override is ignored for it); a full disk is how storage really runs out for it.
 * Mounting needs root with CAP_SYS_ADMIN (a container run with --cap-add SYS_ADMIN,
 * or a VM); without it the test fails with these instructions, never passes silently.
 */
export interface SmallDisk {
  /** The profile to launch Chromium with. */
  readonly profileDir: string;
  /** Fills the filesystem up to the last byte, as another program writing a large file would. */
  fill(): void;
  /** Removes what fill() wrote. */
  free(): void;
  /** Unmounts and removes the profile (after the browser closed). */
  remove(): void;
}

export function createSmallDisk(megabytes: number): SmallDisk {
  const profileDir = mkdtempSync(join(tmpdir(), 'identity-lens-small-disk-'));
  const mountPoint = join(profileDir, 'Default', 'IndexedDB');
  mkdirSync(mountPoint, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', mountPoint], { stdio: 'pipe' });
  } catch (error) {
    rmSync(profileDir, { recursive: true, force: true });
    throw new Error(
      `The storage-full test needs a small filesystem of its own and could not mount one (${String((error as { stderr?: unknown }).stderr ?? error).trim()}). ` +
        'Run the real-browser tests as root with CAP_SYS_ADMIN (for a container: docker run --cap-add SYS_ADMIN), or in a VM.',
    );
  }
  const filler = join(mountPoint, 'filler');
  return {
    profileDir,
    fill() {
      const { bavail, bsize } = statfsSync(mountPoint);
      writeFileSync(filler, Buffer.alloc(Number(bavail) * Number(bsize)));
    },
    free() {
      rmSync(filler, { force: true });
    },
    remove() {
      try {
        execFileSync('umount', ['--lazy', mountPoint], { stdio: 'pipe' });
      } finally {
        rmSync(profileDir, { recursive: true, force: true });
      }
    },
  };
}
