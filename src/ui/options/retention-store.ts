import { signal } from '@preact/signals';
import { DEFAULT_RETENTION, RETENTION_LIMITS, type RetentionSettings } from '../../capture/settings';
import { createStoredSetting, type SettingStorage } from './stored-setting';

export type RetentionStorage = SettingStorage<RetentionSettings>;

export type SaveResult = { ok: true } | { ok: false; error: string };

const grouped = (n: number): string => n.toLocaleString('en');

/** A whole number typed by the user, or why it is not one in range. */
function readWhole(text: string, what: string, example: number, { min, max }: { min: number; max: number }, unit: (n: number) => string): number | string {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return `${what}: enter a whole number, like ${example}.`;
  const value = Number(trimmed);
  if (value < min) return `${what}: at least ${unit(min)}.`;
  if (value > max) return `${what}: at most ${unit(max)}.`;
  return value;
}

/**
 * The options page's retention limits: validated as the user typed them, saved
 * together. The background follows storage.local and evicts at once when they are lowered.
 */
export function createRetentionStore(storage: RetentionStorage, usage: () => Promise<number | null> = async () => null) {
  const setting = createStoredSetting<RetentionSettings>(storage, DEFAULT_RETENTION);
  const usageBytes = signal<number | null>(null);
  const saved = signal(false);

  return {
    settings: setting.value,
    error: setting.error,
    loaded: setting.loaded,
    usageBytes,
    /** True after a save, until the next edit: the page says it took. */
    saved,
    async load(): Promise<void> {
      await setting.load();
      usageBytes.value = await usage().catch(() => null);
    },
    edited(): void {
      saved.value = false;
    },
    async save(sessionsText: string, megabytesText: string): Promise<SaveResult> {
      const maxSessions = readWhole(sessionsText, 'Sessions to keep', DEFAULT_RETENTION.maxSessions, RETENTION_LIMITS.maxSessions, (n) => `${grouped(n)} session${n === 1 ? '' : 's'}`);
      const maxMegabytes = readWhole(megabytesText, 'Storage limit', DEFAULT_RETENTION.maxMegabytes, RETENTION_LIMITS.maxMegabytes, (n) => `${grouped(n)} MB`);
      const problems = [maxSessions, maxMegabytes].filter((v): v is string => typeof v === 'string');
      if (problems.length > 0) {
        const message = problems.join(' ');
        setting.error.value = message;
        saved.value = false;
        return { ok: false, error: message };
      }
      const ok = await setting.save({ maxSessions: maxSessions as number, maxMegabytes: maxMegabytes as number });
      saved.value = ok;
      return ok ? { ok: true } : { ok: false, error: setting.error.value ?? 'not saved' };
    },
  };
}

export type RetentionStore = ReturnType<typeof createRetentionStore>;
