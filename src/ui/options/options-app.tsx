import { ErrorNote } from './error-note';
import { useSignal } from '@preact/signals';
import type { OptionsStore } from './options-store';
import { RuleOptionsSection } from './rule-options-section';
import type { RuleOptionsStore } from './rule-options-store';
import { RetentionSection } from './retention-section';
import type { RetentionStore } from './retention-store';

/** Options: which hosts count as a tracking API. Every value shown is page-independent, but is still rendered as text. */
export function OptionsApp({ store, rules, retention }: { store: OptionsStore; rules: RuleOptionsStore; retention: RetentionStore }) {
  const draft = useSignal('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await store.add(draft.value);
    if (result.ok) draft.value = '';
  };
  return (
    <main class="options">
      <h1>Identity Lens options</h1>
      <section aria-labelledby="hosts-heading">
        <h2 id="hosts-heading">Tracking API hosts</h2>
        <p>
          Identity Lens reads requests to Segment's tracking API ({store.builtIn.join(', ')}) and to the
          <code> apiHost</code> a page's analytics settings name. Add the hosts of proxies it cannot learn
          that way, for example a first-party collection endpoint.
        </p>
        {store.loaded.value && store.isEmpty.value ? <p class="empty">No hosts added.</p> : null}
        <ul class="host-list" aria-label="Added hosts">
          {store.hosts.value.map((host) => (
            <li key={host}>
              <code>{host}</code>
              <button type="button" class="remove" aria-label={`Remove ${host}`} onClick={() => void store.remove(host)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
        <form onSubmit={(event) => void submit(event)}>
          <label for="new-host">Host (and optional path)</label>
          <input
            id="new-host"
            name="host"
            placeholder="collect.example.com/segment/v1"
            value={draft.value}
            onInput={(event) => (draft.value = (event.currentTarget as HTMLInputElement).value)}
            autocomplete="off"
            spellcheck={false}
          />
          <button type="submit">Add</button>
        </form>
        <ErrorNote error={store.error} />
      </section>
      <RuleOptionsSection store={rules} />
      <RetentionSection store={retention} />
    </main>
  );
}
