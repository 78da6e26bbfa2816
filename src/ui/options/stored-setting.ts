import { signal, type Signal } from '@preact/signals';

/** Where one setting lives; the extension passes storage.local, tests pass memory. */
export interface SettingStorage<T> {
  load(): Promise<T>;
  save(value: T): Promise<void>;
}

const reason = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

/**
 * A setting shown at once and saved behind: a failed save puts the previous
 * value back and says why, so the page never shows what is not stored.
 */
export function createStoredSetting<T>(storage: SettingStorage<T>, initial: T) {
  const value: Signal<T> = signal(initial);
  const loaded = signal(false);
  const error = signal<string | null>(null);
  return {
    value,
    loaded,
    error,
    async load(): Promise<void> {
      try {
        value.value = await storage.load();
      } catch (cause) {
        error.value = `Could not read settings: ${reason(cause)}`;
      } finally {
        loaded.value = true;
      }
    },
    async save(next: T): Promise<boolean> {
      const previous = value.value;
      value.value = next;
      try {
        await storage.save(next);
        error.value = null;
        return true;
      } catch (cause) {
        value.value = previous;
        error.value = `Could not save: ${reason(cause)}`;
        return false;
      }
    },
  };
}
