import type { FieldChange } from '../../core/identity/identity-model';
import { ruleById } from '../../core/rules/catalogue';
import type { CallRecord } from '../../protocol/records';
import { CopyButton } from './copy-button';
import { CAUSE_LABELS } from './format';
import type { InspectorStore } from './inspector-store';
import { JsonTree } from './json-tree';
import type { ViewPlatform } from './platform';

function Section({ title, children }: { title: string; children: preact.ComponentChildren }) {
  return (
    <section class="detail-section">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** Traits before → after as a diff: what was added, removed or changed, key by key. */
function TraitsDiff({ change }: { change: FieldChange }) {
  const before = (change.from ?? {}) as Record<string, unknown>;
  const after = (change.to ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'undefined');
  const lines = keys.flatMap((key) => {
    const had = Object.hasOwn(before, key);
    const has = Object.hasOwn(after, key);
    if (had && !has) return [{ key, kind: 'removed', text: `${key}: ${show(before[key])}` }];
    if (!had && has) return [{ key, kind: 'added', text: `${key}: ${show(after[key])}` }];
    if (show(before[key]) !== show(after[key])) return [{ key, kind: 'changed', text: `${key}: ${show(before[key])} → ${show(after[key])}` }];
    return [];
  });
  return (
    <tr>
      <th>traits</th>
      <td colSpan={3}>
        <ul class="traits-diff">
          {lines.map((line) => (
            <li class={`diff-${line.kind}`}>
              {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '− ' : '~ '}
              {line.text}
            </li>
          ))}
        </ul>
      </td>
      <td class="cause">{CAUSE_LABELS[change.cause] ?? change.cause}</td>
    </tr>
  );
}

function ChangeRow({ change }: { change: FieldChange }) {
  if (change.field === 'traits') return <TraitsDiff change={change} />;
  const show = (v: unknown) => (v === null ? 'none' : typeof v === 'string' ? v : JSON.stringify(v));
  return (
    <tr>
      <th>{change.field}</th>
      <td class="before">{show(change.from)}</td>
      <td>→</td>
      <td class="after">{show(change.to)}</td>
      <td class="cause">{CAUSE_LABELS[change.cause] ?? change.cause}</td>
    </tr>
  );
}

/** Everything about the selected call: what the page passed, what analytics.js made of it, what went out. */
export function DetailPane({ store, platform }: { store: InspectorStore; platform: ViewPlatform }) {
  void store.version.value;
  const record = store.selected.value;
  if (!record) return <p class="empty">Select a call to see its arguments, the event as analytics.js finalised it and what went over the wire.</p>;
  if (record.kind !== 'call') {
    return (
      <Section title={record.kind}>
        <JsonTree value={record} />
      </Section>
    );
  }
  const call: CallRecord = record;
  const events = store.eventsOf(call);
  const finalised = events.find((e) => e.phase === 'delivered') ?? events.find((e) => e.phase === 'enriched') ?? events[0];
  const wires = store.wiresOf(call);
  const transition = store.transitionOf(call);
  const own = store.findingsByRecord.value.get(call.id) ?? [];
  return (
    <div class="detail">
      <Section title={`${call.method}()`}>
        <div class="call-site">
          {call.callSite ? (
            platform.openCallSite ? (
              <button type="button" class="link" onClick={() => platform.openCallSite?.(call.callSite as string)}>
                {call.callSite}
              </button>
            ) : (
              <code>{call.callSite}</code>
            )
          ) : call.callSiteSkipped ? (
            <span class="muted" title="The page made over 100 calls in one go; to keep its cost low, only the first 100 and every identity call record where they were made.">
              call site not recorded (one of a burst of calls)
            </span>
          ) : (
            <span class="muted">call site unknown</span>
          )}
          {call.queued ? <span class="queued">queued before load</span> : null}
        </div>
        <div class="with-copy">
          <JsonTree label="arguments" value={call.args} />
          <CopyButton text={JSON.stringify(call.args, null, 2)} platform={platform} label="arguments" />
        </div>
      </Section>
      {transition ? (
        <Section title="Identity before → after">
          <table class="changes">
            <tbody>
              {transition.changes.map((change) => (
                <ChangeRow change={change} />
              ))}
            </tbody>
          </table>
        </Section>
      ) : null}
      <Section title="Event as analytics.js finalised it">
        {finalised ? (
          <div class="with-copy">
            <JsonTree value={finalised.event} />
            <CopyButton text={JSON.stringify(finalised.event, null, 2)} platform={platform} label="event" />
          </div>
        ) : (
          <p class="muted">No event: {call.method === 'reset' || call.method === 'setAnonymousId' || call.method.startsWith('user.') ? 'this call sends nothing' : 'the library has not produced one (yet)'}.</p>
        )}
      </Section>
      <Section title="On the wire">
        {wires.length === 0 ? (
          <p class="muted">No tracking request seen for this call.</p>
        ) : (
          wires.map((wire) => (
            <div class="wire">
              <div class="wire-head">
                <code>
                  {wire.method} {wire.url}
                </code>{' '}
                <span class={wire.state === 'completed' && (wire.statusCode ?? 500) < 400 ? 'delivery-ok' : 'delivery-failed'}>
                  {wire.state === 'completed' ? wire.statusCode : wire.state === 'failed' ? wire.error : 'pending'}
                </span>{' '}
                {wire.endedAt !== null ? <span class="muted">{Math.round(wire.endedAt - wire.startedAt)} ms</span> : null}
              </div>
              <div class="with-copy">
                <JsonTree value={wire.messages} label="messages" />
                <CopyButton text={JSON.stringify(wire.messages, null, 2)} platform={platform} label="wire messages" />
              </div>
            </div>
          ))
        )}
      </Section>
      {own.length > 0 ? (
        <Section title="Findings">
          {own.map((finding) => (
            <p class={`finding-line severity-${finding.severity}`}>
              <strong>{ruleById(finding.rule)?.title ?? finding.rule}</strong>: {finding.message}
            </p>
          ))}
        </Section>
      ) : null}
    </div>
  );
}
