import { Validator } from '@cfworker/json-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import harSchema from '../fixtures/schemas/har-1.2.schema.json';
import fileSchema from '../../docs/identity-lens-sessions.schema.json';
import { evaluateSession } from '../../src/core/engine';
import { checkRecordFields, MAX_IMPORT_BYTES, parseSessionFile } from '../../src/core/export/import-file';
import { redactSessionFile, stableHash } from '../../src/core/export/redact';
import { createSessionFile, sessionFileName, type SessionData } from '../../src/core/export/session-file';
import { toHar, toNdjson } from '../../src/core/export/wire-formats';
import { sessionOf } from './helpers/fake-ui-transport';
import { createSessionBuilder } from './helpers/session-builder';

function capturedSession(): SessionData {
  const s = createSessionBuilder();
  s.page.instanceRecord();
  s.page.page();
  s.page.identify(null, { email: 'joe@example.com', firstName: 'Joe' });
  s.page.identify('97980cfea0067', { plan: 'premium', email: 'peter@example.com' });
  s.page.track('Signed Up', { plan: 'premium', contact: 'peter@example.com' });
  s.page.identify('user-2-b6f1');
  s.page.track('Failed', {}, { deliver: 400 });
  s.navigate('/cart');
  s.page.track('Product Added', { sku: 'LCC-ESP-250' });
  const { session, records } = sessionOf(s.records);
  return { session, records, findings: evaluateSession(records).findings };
}

const exportText = (data: SessionData[]) => JSON.stringify(createSessionFile(data, '0.1.0', 1_790_000_500_000));

describe('session file', () => {
  it('round-trips: import gives back the same records, and the same findings when recomputed', () => {
    const data = capturedSession();
    const result = parseSessionFile(exportText([data]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [imported] = result.sessions;
    expect(imported?.session).toMatchObject({ id: data.session.id, title: data.session.title, imported: true, recordCount: data.records.length });
    expect(imported?.records.map(({ tabId: _t, ...r }) => r)).toEqual(data.records.map(({ tabId: _t, ...r }) => r));
    expect(evaluateSession(imported?.records ?? []).findings).toEqual(data.findings);
  });

  it('validates against its JSON Schema and names the identity at the end', () => {
    const file = createSessionFile([capturedSession()], '0.1.0', 1_790_000_500_000);
    expect(new Validator(fileSchema as object, '7').validate(JSON.parse(JSON.stringify(file))).valid).toBe(true);
    expect(file.sessions[0]?.identity).toMatchObject({ anonymousId: 'anon-2', userId: 'user-2-b6f1', groupId: null });
    expect(file.sessions[0]?.findings.map((f) => f.rule)).toContain('userid-overwrite');
    expect(sessionFileName(file.sessions, 1_790_000_500_000)).toMatch(/^shop\.example-2026-\d\d-\d\dT\d\d-\d\d-\d\dZ\.identity-lens\.json$/);
  });

  it.each([
    ['malformed JSON', (t: string) => t.slice(0, 10) + '}' + t.slice(10), /^Not valid JSON at line 1, column \d+/],
    ['a truncated file', (t: string) => t.slice(0, Math.floor(t.length / 2)), /^Not valid JSON/],
    ['an empty file', () => '   ', /^The file is empty\.$/],
    ['another format', (t: string) => t.replace('"identity-lens/sessions"', '"har"'), /^format: expected "identity-lens\/sessions"/],
    ['a newer version', (t: string) => t.replace('"version":1', '"version":2'), /^version: this file is version 2; this Identity Lens reads version 1\.$/],
    ['a __proto__ key', (t: string) => t.replace('"identity":{', '"identity":{"__proto__":{"polluted":true},'), /^sessions\[0\]\.identity\.__proto__: a "__proto__" key is not allowed\.$/],
    ['10,000 levels of nesting', () => `${'['.repeat(10_000)}${']'.repeat(10_000)}`, /^line 1, column 65: nested deeper than 64 levels/],
    ['a missing field', (t: string) => t.replace('"startedAt"', '"startedOn"'), /^sessions\[0\]/],
    ['an unknown record kind', (t: string) => t.replace('"kind":"lifecycle"', '"kind":"teleport"'), /^sessions\[0\]\.records\[0\]\.kind/],
    ['a record that is not what it claims', (t: string) => t.replace('"kind":"call","method":"page","args":[]', '"kind":"call","method":"page","args":"nope"'), /^sessions\[0\]\.records\[\d+\]: not a valid call record/],
  ])('refuses %s, naming the first problem and where', (_name, mutate, expected) => {
    const result = parseSessionFile(mutate(exportText([capturedSession()])));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(expected);
  });

  it('refuses an oversized file before reading it, and a file with one bad session imports none', () => {
    expect(parseSessionFile(' '.repeat(MAX_IMPORT_BYTES + 1))).toMatchObject({ ok: false, error: expect.stringMatching(/up to 100 MB/) });
    const good = capturedSession();
    const file = JSON.parse(exportText([good, { ...good, session: { ...good.session, id: 's2' } }])) as { sessions: Array<{ records: Array<Record<string, unknown>> }> };
    (file.sessions[1]?.records[3] as Record<string, unknown>).kind = 'teleport';
    expect(parseSessionFile(JSON.stringify(file))).toMatchObject({ ok: false, error: expect.stringMatching(/^sessions\[1\]\.records\[3\]\.kind/) });
  });
});

describe("a record's fields, checked by hand", () => {
  // The schema's own definition of a record, as a validator of one record (a copy: the
  // validator annotates the schema objects it is given).
  const copy = structuredClone(fileSchema) as { definitions: Record<string, object> };
  const recordSchema = { ...copy.definitions.record, definitions: copy.definitions };
  const bySchema = new Validator(recordSchema, '7', false);
  const value = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('', 'p1:7', 'x'.repeat(200), 'x'.repeat(201), 'call', 'teleport', 'wire', '2026-11-30T03:10:00.000Z', '2026-11-30T03:10:00+02:00', '2026-13-30T03:10:00Z', '2026-11-30 03:10:00', 'yesterday'),
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 2 }),
  );
  const valid = { id: 'p1:7', kind: 'call', at: '2026-11-30T03:10:00.000Z', atMs: 1, seq: 7, tabId: 3, frameId: 0 };
  const FIELDS = [...Object.keys(valid), 'extra'];

  it('accepts and refuses exactly what the schema does (property)', () => {
    // A valid record with one to three fields replaced or removed: a divergence shows only
    // when every other field is valid.
    const changes = fc.uniqueArray(fc.tuple(fc.constantFrom(...FIELDS), value), { minLength: 1, maxLength: 3, selector: ([name]) => name });
    fc.assert(
      fc.property(changes, (changed) => {
        const record: Record<string, unknown> = { ...valid };
        for (const [name, replacement] of changed) {
          if (replacement === undefined) delete record[name];
          else record[name] = replacement;
        }
        expect(checkRecordFields(record, 'r') === null).toBe(bySchema.validate(record).valid);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts every record of a captured session', () => {
    const file = JSON.parse(exportText([capturedSession()])) as { sessions: Array<{ records: unknown[] }> };
    const records = file.sessions[0]?.records ?? [];
    expect(records.length).toBeGreaterThan(10);
    for (const record of records) expect([checkRecordFields(record, 'r'), bySchema.validate(record).valid]).toEqual([null, true]);
  });
});

describe('redaction', () => {
  it('replaces every email and every trait and property value by a stable hash, keeping IDs and equality', () => {
    const file = redactSessionFile(createSessionFile([capturedSession()], '0.1.0', 1_790_000_500_000));
    const text = JSON.stringify(file);
    expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@(?!email\.invalid)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);
    expect(text).not.toContain('premium');
    expect(text).toContain('97980cfea0067');
    expect(text).toContain('user-2-b6f1');
    // The same value is the same hash wherever it appears: in the call, the event, the wire, the stored traits.
    const peter = `redacted:${stableHash('"peter@example.com"')}`;
    expect(text.split(peter).length - 1).toBeGreaterThan(3);
    expect(parseSessionFile(text).ok).toBe(true);
  });
});

describe('wire formats', () => {
  it('writes NDJSON with one Segment message per line, in send order', () => {
    const lines = toNdjson([capturedSession()]).trim().split('\n').map((line) => JSON.parse(line) as { type: string; messageId: string; event?: string });
    expect(lines.map((l) => l.type)).toEqual(['page', 'identify', 'identify', 'track', 'identify', 'track', 'track']);
    expect(lines.every((l) => typeof l.messageId === 'string')).toBe(true);
  });

  it('writes a HAR that validates against HAR 1.2, with status codes and bodies', () => {
    const har = toHar([capturedSession()], '0.1.0') as { log: { entries: Array<{ response: { status: number }; request: { postData: { text: string } } }> } };
    expect(new Validator(harSchema as object, '7').validate(har).valid).toBe(true);
    expect(har.log.entries.map((e) => e.response.status)).toContain(400);
    expect(JSON.parse(har.log.entries[0]?.request.postData.text ?? '{}')).toMatchObject({ type: 'page' });
  });
});
