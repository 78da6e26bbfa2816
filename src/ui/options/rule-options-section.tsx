import { ErrorNote } from './error-note';
import type { RuleOptionsStore } from './rule-options-store';

export function RuleOptionsSection({ store }: { store: RuleOptionsStore }) {
  const options = store.options.value;
  return (
    <section aria-labelledby="rules-heading">
      <h2 id="rules-heading">Rules</h2>
      <p>Switch off the rules your integration does not need; the open tabs are checked again at once.</p>
      <ul class="rule-list">
        {store.rules.map((rule) => (
          <li key={rule.id}>
            <label>
              <input
                type="checkbox"
                name={rule.id}
                checked={!options.disabledRules.includes(rule.id)}
                onChange={(event) => void store.setEnabled(rule.id, (event.currentTarget as HTMLInputElement).checked)}
              />
              <span class={`severity severity-${rule.severity}`}>{rule.severity}</span>
              <code>{rule.id}</code>
              <span class="rule-title">{rule.title}</span>
            </label>
          </li>
        ))}
      </ul>
      <label for="signup-events">Sign-up and log-in event names (one per line), for track-before-identify</label>
      <textarea
        id="signup-events"
        rows={6}
        value={options.signupEvents.join('\n')}
        onChange={(event) => void store.setSignupEvents((event.currentTarget as HTMLTextAreaElement).value)}
      />
      <button type="button" onClick={() => void store.restoreDefaults()}>
        Restore defaults
      </button>
      <ErrorNote error={store.error} />
    </section>
  );
}
