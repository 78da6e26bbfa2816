import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ErrorNote } from './error-note';
import type { RetentionStore } from './retention-store';

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/** How much Identity Lens keeps before it removes the oldest sessions. */
export function RetentionSection({ store }: { store: RetentionStore }) {
  const settings = store.settings.value;
  const sessions = useSignal(String(settings.maxSessions));
  const size = useSignal(String(settings.maxMegabytes));
  // The stored values arrive after the first render.
  useEffect(() => {
    sessions.value = String(settings.maxSessions);
    size.value = String(settings.maxMegabytes);
  }, [settings.maxSessions, settings.maxMegabytes]);
  const edit = (target: typeof sessions) => (event: Event) => {
    target.value = (event.currentTarget as HTMLInputElement).value;
    store.edited();
  };
  return (
    <section aria-labelledby="storage-heading">
      <h2 id="storage-heading">Storage</h2>
      <p>
        Identity Lens keeps the newest sessions. When either limit is reached it removes the oldest ended sessions, and says so in the
        popup and the session library. A session still recording is removed only when the size limit cannot be kept otherwise.
      </p>
      {store.usageBytes.value !== null ? <p class="usage">Stored now: {megabytes(store.usageBytes.value)}.</p> : null}
      <form
        class="retention-form"
        onSubmit={(event) => {
          event.preventDefault();
          void store.save(sessions.value, size.value);
        }}
      >
        <label for="max-sessions">Sessions to keep</label>
        <input id="max-sessions" name="maxSessions" inputMode="numeric" autocomplete="off" value={sessions.value} onInput={edit(sessions)} />
        <label for="max-megabytes">Storage limit (MB)</label>
        <input id="max-megabytes" name="maxMegabytes" inputMode="numeric" autocomplete="off" value={size.value} onInput={edit(size)} />
        <button type="submit">Save limits</button>
      </form>
      {store.saved.value ? (
        <p class="saved" role="status">
          Saved: up to {store.settings.value.maxSessions} sessions and {store.settings.value.maxMegabytes} MB.
        </p>
      ) : null}
      <ErrorNote error={store.error} />
    </section>
  );
}
