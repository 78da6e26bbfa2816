import { Validator } from '@cfworker/json-schema';
import schema from '../../../docs/identity-lens-sessions.schema.json';
import type { CapturedRecord, LensRecord, Session } from '../../protocol/records';
import { forbiddenKeyPath, validatePageRecord } from '../../protocol/guards';
import { FILE_FORMAT, FILE_VERSION, type ExportedRecord, type ExportedSession } from './session-file';

/** Files over this size are refused before they are read. */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
/** Deeper nesting than any real session needs: hostile files go much deeper to crash parsers. */
export const MAX_IMPORT_DEPTH = 64;

export type ImportResult =
  | { readonly ok: true; readonly sessions: ReadonlyArray<{ readonly session: Session & { imported: true }; readonly records: CapturedRecord[] }> }
  | { readonly ok: false; readonly error: string };

/**
 * The validator interprets the schema (no generated code), so it runs under the extension's
 * CSP. It checks the file down to each record; a record's own schema (`definitions.record`) is
 * checked by `checkRecordFields` instead: interpreting it for 100,000 records was a third of a
 * large import's time. The unit tests hold the two to the same answers.
 */
const envelope = structuredClone(schema) as { definitions: Record<string, unknown> };
envelope.definitions.record = { type: 'object' };
const validator = new Validator(envelope as object, '7', false);

const RECORD_KINDS: ReadonlySet<string> = new Set(schema.definitions.record.properties.kind.enum);
/** RFC 3339 date-time, as JSON Schema's `date-time` format reads it. */
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

/** What `definitions.record` of the schema asks of a record, by hand; the first problem, or null. */
export function checkRecordFields(record: unknown, where: string): string | null {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return `${where}: should be an object`;
  const r = record as Record<string, unknown>;
  for (const field of ['id', 'kind', 'at', 'atMs', 'seq']) if (!(field in r)) return `${where}: the "${field}" field is missing`;
  if (typeof r.id !== 'string' || r.id.length < 1 || r.id.length > 200) return `${where}.id: should be a string of 1 to 200 characters`;
  if (typeof r.kind !== 'string' || !RECORD_KINDS.has(r.kind)) return `${where}.kind: should be one of ${[...RECORD_KINDS].join(', ')}`;
  if (typeof r.at !== 'string' || !DATE_TIME.test(r.at)) return `${where}.at: should be a date-time`;
  for (const field of ['atMs', 'seq']) if (typeof r[field] !== 'number') return `${where}.${field}: should be a number`;
  for (const field of ['tabId', 'frameId']) if (field in r && typeof r[field] !== 'number') return `${where}.${field}: should be a number`;
  return null;
}

const PAGE_KINDS: ReadonlySet<string> = new Set(['call', 'call-result', 'event', 'instance', 'storage', 'lifecycle', 'hook-error']);

function lineAndColumn(text: string, position: number): string {
  let line = 1;
  let column = 1;
  for (let i = 0; i < position && i < text.length; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      column = 1;
    } else column += 1;
  }
  return `line ${line}, column ${column}`;
}

/**
 * Where JSON text first goes wrong. Engines word their errors differently and not
 * all give a position; this small scanner does, for the error message's "where".
 */
export function firstSyntaxError(text: string): number {
  let i = 0;
  const stack: string[] = [];
  // What may come next: a value, a key (or `}`), `:`, or `,`/closer.
  let expect: 'value' | 'key' | 'colon' | 'after' = 'value';
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i += 1;
  };
  const closeOk = (c: string) => stack[stack.length - 1] === (c === '}' ? '{' : '[');
  for (;;) {
    skipSpace();
    if (i >= text.length) return stack.length > 0 || expect !== 'after' ? text.length : -1;
    const c = text[i] as string;
    if (expect === 'value' || expect === 'key') {
      if (expect === 'key' && c === '}' && closeOk(c)) {
        stack.pop();
        i += 1;
        expect = 'after';
        continue;
      }
      if (expect === 'value' && c === ']' && closeOk(c)) {
        stack.pop();
        i += 1;
        expect = 'after';
        continue;
      }
      if (c === '"') {
        i += 1;
        while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
        if (i >= text.length) return text.length;
        i += 1;
        expect = expect === 'key' ? 'colon' : 'after';
        continue;
      }
      if (expect === 'key') return i;
      if (c === '{' || c === '[') {
        stack.push(c);
        i += 1;
        expect = c === '{' ? 'key' : 'value';
        continue;
      }
      const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!literal) return i;
      i += literal[0].length;
      expect = 'after';
      continue;
    }
    if (expect === 'colon') {
      if (c !== ':') return i;
      i += 1;
      expect = 'value';
      continue;
    }
    // after a value
    if (stack.length === 0) return i;
    if (c === ',') {
      i += 1;
      expect = stack[stack.length - 1] === '{' ? 'key' : 'value';
      continue;
    }
    if ((c === '}' || c === ']') && closeOk(c)) {
      stack.pop();
      i += 1;
      continue;
    }
    return i;
  }
}

/** Nesting depth, found without recursion so a 10,000-level file cannot exhaust the stack. */
function tooDeep(text: string): number | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i += 1; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth += 1;
      if (depth > MAX_IMPORT_DEPTH) return i;
    } else if (c === 125 || c === 93) depth -= 1;
  }
  return null;
}

const pointerToPath = (pointer: string): string =>
  pointer
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');

function checkRecord(record: ExportedRecord, where: string): string | null {
  const fields = checkRecordFields(record, where);
  if (fields !== null) return fields;
  const { at: _iso, atMs, tabId: _tab, frameId: _frame, ...rest } = record as ExportedRecord & { tabId?: number; frameId?: number };
  const candidate = { ...rest, at: atMs };
  if (PAGE_KINDS.has(record.kind)) {
    const checked = validatePageRecord(candidate);
    return checked.ok ? null : `${where}: not a valid ${record.kind} record (${checked.reason})`;
  }
  const r = candidate as Record<string, unknown>;
  const ok =
    record.kind === 'wire'
      ? Array.isArray(r.messages) && Array.isArray(r.messageIds) && (r.messageIds as unknown[]).every((id) => typeof id === 'string') && typeof r.url === 'string' && ['pending', 'completed', 'failed'].includes(String(r.state))
      : record.kind === 'cookie' || record.kind === 'server-cookie'
        ? Array.isArray(r.cookies)
        : record.kind === 'navigation'
          ? typeof r.url === 'string' && typeof r.navigation === 'string'
          : record.kind === 'bridge-stats'
            ? typeof r.dropped === 'object' && r.dropped !== null
            : false;
  return ok ? null : `${where}: not a valid ${record.kind} record`;
}

function toSession(exported: ExportedSession, index: number, now: number): { session: Session & { imported: true }; records: CapturedRecord[] } | string {
  const where = `sessions[${index}]`;
  const seen = new Set<string>();
  const records: CapturedRecord[] = [];
  for (let i = 0; i < exported.records.length; i += 1) {
    const record = exported.records[i] as ExportedRecord;
    const problem = checkRecord(record, `${where}.records[${i}]`);
    if (problem) return problem;
    if (seen.has(record.id)) return `${where}.records[${i}].id: "${record.id}" appears twice`;
    seen.add(record.id);
    const { at: _iso, atMs, ...rest } = record;
    records.push({ ...rest, at: atMs, sessionId: exported.id, tabId: typeof record.tabId === 'number' ? record.tabId : -1, frameId: typeof record.frameId === 'number' ? record.frameId : 0 } as unknown as CapturedRecord);
  }
  const started = Date.parse(exported.startedAt);
  const ended = exported.endedAt === null ? now : Date.parse(exported.endedAt);
  const session: Session & { imported: true } = {
    id: exported.id,
    tabId: -1,
    title: exported.title,
    startedAt: started,
    // An imported session is never a live tab's: it is ended, at the latest now.
    endedAt: ended,
    pages: exported.pages.map((page) => ({ url: page.url, startedAt: Date.parse(page.startedAt) })),
    currentUrl: exported.pages[exported.pages.length - 1]?.url ?? null,
    recordCount: records.length,
    apiHosts: [],
    imported: true,
  };
  return { session, records };
}

/**
 * Reads a session file from an untrusted source. Refuses, naming the first
 * problem and where it is: oversized or deeply nested text, malformed JSON,
 * another format or version, anything the schema rejects, `__proto__` keys,
 * records that are not what they claim to be. All or nothing: a file with one
 * bad session imports none.
 */
export function parseSessionFile(text: string, now: number = Date.now()): ImportResult {
  if (text.length > MAX_IMPORT_BYTES) return { ok: false, error: `The file is ${(text.length / 1048576).toFixed(0)} MB; Identity Lens imports files up to ${MAX_IMPORT_BYTES / 1048576} MB.` };
  if (text.trim() === '') return { ok: false, error: 'The file is empty.' };
  const deep = tooDeep(text);
  if (deep !== null) return { ok: false, error: `${lineAndColumn(text, deep)}: nested deeper than ${MAX_IMPORT_DEPTH} levels; this is not an Identity Lens file.` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const position = firstSyntaxError(text);
    const message = error instanceof Error ? error.message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '') : 'unreadable';
    return { ok: false, error: `Not valid JSON at ${lineAndColumn(text, position)}: ${message}` };
  }
  const forbidden = forbiddenKeyPath(parsed);
  if (forbidden !== null) return { ok: false, error: `${forbidden}: a "${forbidden.split('.').pop()}" key is not allowed.` };
  const head = parsed as { format?: unknown; version?: unknown };
  if (typeof parsed !== 'object' || parsed === null || head.format !== FILE_FORMAT) {
    return { ok: false, error: `format: expected "${FILE_FORMAT}"; this is not an Identity Lens sessions file.` };
  }
  if (head.version !== FILE_VERSION) {
    return { ok: false, error: `version: this file is version ${JSON.stringify(head.version)}; this Identity Lens reads version ${FILE_VERSION}.` };
  }
  const validation = validator.validate(parsed);
  if (!validation.valid) {
    const error = validation.errors.find((e) => e.keyword !== '$ref' && e.keyword !== 'items' && e.keyword !== 'properties') ?? validation.errors[0];
    const path = error ? pointerToPath(error.instanceLocation) : '';
    return { ok: false, error: `${path || 'file'}: ${error?.error ?? 'does not match the schema'}` };
  }
  const sessions: Array<{ session: Session & { imported: true }; records: CapturedRecord[] }> = [];
  const ids = new Set<string>();
  const file = parsed as { sessions: ExportedSession[] };
  for (let i = 0; i < file.sessions.length; i += 1) {
    const exported = file.sessions[i] as ExportedSession;
    if (ids.has(exported.id)) return { ok: false, error: `sessions[${i}].id: "${exported.id}" appears twice` };
    ids.add(exported.id);
    const result = toSession(exported, i, now);
    if (typeof result === 'string') return { ok: false, error: result };
    sessions.push(result);
  }
  return { ok: true, sessions };
}

export type { LensRecord };
