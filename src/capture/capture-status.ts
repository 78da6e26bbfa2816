import type { CaptureStatus } from '../protocol/ui-messages';

/** storage.local key of the status, so that a restarted service worker (and the popup through it) still knows. */
export const CAPTURE_STATUS_KEY = 'captureStatus';

export interface CaptureStatusDeps {
  /** The status a previous service worker saved (storage.local), or undefined. */
  load(): Promise<unknown>;
  /** Saves it; null removes it. A failure is ignored: on a full disk storage.local may refuse too, and memory still holds it. */
  save(status: CaptureStatus | null): Promise<void>;
  /** Tells the open UIs (the panel). */
  publish(status: CaptureStatus): void;
  now(): number;
}

const CAPTURING: CaptureStatus = { state: 'capturing' };

function parseStatus(value: unknown): CaptureStatus {
  if (typeof value !== 'object' || value === null) return CAPTURING;
  const { state, since, error } = value as Record<string, unknown>;
  if (state !== 'paused-storage-full' || typeof since !== 'number') return CAPTURING;
  return { state, since, error: typeof error === 'string' ? error.slice(0, 500) : '' };
}

const describe = (error: unknown): string =>
  (error instanceof Error || error instanceof DOMException ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);

/**
 * Whether capture is paused because the browser refused to store more. It pauses
 * on a refused write and resumes on the next write that succeeds: nothing else
 * proves there is room again. Memory is the truth while the worker lives;
 * storage.local carries it across a restart.
 */
export function createCaptureStatus(deps: CaptureStatusDeps) {
  let status: CaptureStatus = CAPTURING;
  let changed = false;
  let ready = false;
  const loaded = deps
    .load()
    .then(
      (value) => {
        if (!changed) status = parseStatus(value);
      },
      () => undefined,
    )
    .then(() => {
      ready = true;
    });

  const set = async (next: CaptureStatus): Promise<void> => {
    changed = true;
    status = next;
    deps.publish(next);
    await deps.save(next.state === 'capturing' ? null : next).catch(() => undefined);
  };

  return {
    async current(): Promise<CaptureStatus> {
      await loaded;
      return status;
    },
    /** What memory says now: a write in flight decides from it without waiting. */
    isPaused: (): boolean => status.state !== 'capturing',
    /** A write was refused for lack of room (after retention had freed what it could). */
    async paused(error: unknown): Promise<void> {
      await loaded;
      if (status.state === 'paused-storage-full') return;
      await set({ state: 'paused-storage-full', since: deps.now(), error: describe(error) });
    },
    /** A capture write succeeded: there is room again. */
    async stored(): Promise<void> {
      // Every capture write ends here: the common case costs nothing.
      if (ready && status.state === 'capturing') return;
      await loaded;
      if (status.state === 'capturing') return;
      await set(CAPTURING);
    },
  };
}

export type CaptureStatusService = ReturnType<typeof createCaptureStatus>;
