import { GUIDE_URL } from '../../core/rules/rule';
import { ruleById } from '../../core/rules/catalogue';
import type { InspectorStore } from './inspector-store';

/** Every finding with why it matters, how to fix it, the guide's section and the records it rests on. */
export function FindingsPane({ store }: { store: InspectorStore }) {
  const findings = store.findings.value;
  const severities = store.filters.value.severities;
  const shown = severities.length === 0 ? findings : findings.filter((f) => severities.includes(f.severity));
  if (shown.length === 0) return <p class="empty">No findings{severities.length > 0 ? ' of this severity' : ''}: nothing in this session breaks the guide's advice.</p>;
  return (
    <ul class="findings">
      {shown.map((finding) => {
        const rule = ruleById(finding.rule);
        return (
          <li class={`finding severity-${finding.severity}`} data-rule={finding.rule}>
            <div class="finding-head">
              <span class={`severity-badge severity-${finding.severity}`}>{finding.severity}</span>
              <span class="finding-message">{finding.message}</span>
            </div>
            {rule ? (
              <details>
                <summary>
                  {rule.title} <code>{rule.id}</code>
                </summary>
                <p>
                  <strong>Why it matters.</strong> {rule.why}
                </p>
                <p>
                  <strong>How to fix it.</strong> {rule.fix}
                </p>
                <pre>
                  <code>{rule.fixCode}</code>
                </pre>
                <p>
                  <a href={`${GUIDE_URL}#${rule.guide.anchor}`} target="_blank" rel="noreferrer noopener">
                    Guide: {rule.guide.title}
                  </a>
                </p>
              </details>
            ) : null}
            <div class="finding-records">
              {finding.recordIds.map((id) => (
                <button type="button" class="link record-link" onClick={() => store.select(id)}>
                  {store.record(id)?.kind ?? 'record'} {id.split(':').pop()}
                </button>
              ))}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
