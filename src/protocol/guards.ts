import { PROTOCOL_VERSION, WINDOW_TAG, type BridgeToBackground, type PageToBridge } from './messages';
import { TRACKED_METHODS, type PageRecord } from './records';

/** Records in one window message at most; the hook flushes far fewer. */
export const MAX_RECORDS_PER_MESSAGE = 5000;

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const CAPTURED_METHODS: ReadonlySet<string> = new Set([
  ...TRACKED_METHODS,
  'user.anonymousId',
  'user.id',
]);
const SHAPES: ReadonlySet<string> = new Set(['snippet', 'analytics-next', 'classic', 'buffered']);
const LIFECYCLE: ReadonlySet<string> = new Set([
  'hook-installed',
  'dom-content-loaded',
  'load',
  'pagehide',
  'pageshow',
  'visibility-hidden',
]);

function isInstanceRef(v: unknown): boolean {
  return (
    isObject(v) &&
    isString(v.key) &&
    isString(v.shape) &&
    SHAPES.has(v.shape) &&
    isNullableString(v.writeKey) &&
    isNullableString(v.global)
  );
}

/**
 * `__proto__` only. JSON.parse makes it a plain own key, harmless as it is, but any later
 * code that copies data key by key (`target[key] = value`) would set a prototype with it.
 * `constructor` and `prototype` are kept: assigning them makes an own property and
 * nothing more, and they are real names a site can give a trait or a property, whose
 * calls must not be lost.
 */
export const isForbiddenKey = (key: string): boolean => key === '__proto__';

/**
 * Whether JSON data holds a `__proto__` key at any depth. It runs on every record that
 * comes in (bridge and background) and on whole imported files, so it allocates nothing
 * but its stack: no paths, no key arrays.
 */
export function hasForbiddenKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i -= 1) stack.push(node[i]);
      continue;
    }
    for (const key in node) {
      if (!Object.prototype.hasOwnProperty.call(node, key)) continue;
      if (isForbiddenKey(key)) return true;
      stack.push((node as Obj)[key]);
    }
  }
  return false;
}

/** The path of the first `__proto__` key in JSON data, or null: no record and no exported file holds one. */
export function forbiddenKeyPath(value: unknown): string | null {
  if (!hasForbiddenKey(value)) return null;
  // Only now, with one known to be there, is the path worth building.
  type Entry = { node: unknown; parent: Entry | null; step: string };
  const stack: Entry[] = [{ node: value, parent: null, step: '' }];
  const pathOf = (entry: Entry, key: string): string => {
    const steps = [key];
    for (let at: Entry | null = entry; at !== null && at.parent !== null; at = at.parent) steps.push(at.step);
    return steps.reverse().join('').replace(/^\./, '');
  };
  while (stack.length > 0) {
    const entry = stack.pop() as Entry;
    const node = entry.node;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i -= 1) stack.push({ node: node[i], parent: entry, step: `[${i}]` });
      continue;
    }
    for (const key of Object.keys(node)) {
      if (isForbiddenKey(key)) return pathOf(entry, `.${key}`);
      stack.push({ node: (node as Obj)[key], parent: entry, step: `.${key}` });
    }
  }
  return null;
}

/** Checks per record kind: only the fields later stages rely on, so a page cannot crash them. */
const RECORD_CHECKS: Readonly<Record<PageRecord['kind'], (r: Obj) => boolean>> = {
  call: (r) =>
    isString(r.method) &&
    CAPTURED_METHODS.has(r.method) &&
    Array.isArray(r.args) &&
    isNullableString(r.callSite) &&
    (r.callSiteSkipped === undefined || r.callSiteSkipped === true) &&
    isString(r.frameUrl) &&
    isInstanceRef(r.instance) &&
    typeof r.queued === 'boolean',
  'call-result': (r) =>
    isString(r.callId) &&
    isString(r.outcome) &&
    ['resolved', 'rejected', 'returned', 'threw'].includes(r.outcome) &&
    isNullableString(r.messageId) &&
    isNullableString(r.error),
  event: (r) =>
    isString(r.phase) &&
    ['dispatched', 'enriched', 'delivered', 'failed'].includes(r.phase) &&
    isInstanceRef(r.instance) &&
    isNullableString(r.messageId) &&
    isNullableString(r.type) &&
    isNullableString(r.reason),
  instance: (r) =>
    isInstanceRef(r.instance) &&
    isString(r.origin) &&
    isNullableString(r.version) &&
    isNullableString(r.apiHost) &&
    isString(r.frameUrl),
  storage: (r) =>
    isString(r.frameUrl) &&
    isObject(r.snapshot) &&
    isObject(r.snapshot.cookie) &&
    isObject(r.snapshot.localStorage) &&
    Array.isArray(r.changed) &&
    isString(r.trigger),
  lifecycle: (r) =>
    isString(r.event) && LIFECYCLE.has(r.event) && isString(r.frameUrl) && typeof r.topFrame === 'boolean',
  'hook-error': (r) => isString(r.where) && isString(r.message) && isFiniteNumber(r.count),
};

/** Validates one record that came from a page. The page is untrusted: anything off is rejected, never repaired. */
export function validatePageRecord(value: unknown): Validation<PageRecord> {
  if (!isObject(value)) return { ok: false, reason: 'record-not-object' };
  if (!isString(value.id) || value.id.length === 0 || value.id.length > 200) {
    return { ok: false, reason: 'record-bad-id' };
  }
  if (!isFiniteNumber(value.at) || !isFiniteNumber(value.seq)) {
    return { ok: false, reason: 'record-bad-time' };
  }
  const kind = value.kind;
  if (!isString(kind) || !Object.hasOwn(RECORD_CHECKS, kind)) {
    return { ok: false, reason: 'record-unknown-kind' };
  }
  // Provenance is the background's to add; a page that sends it is forging.
  if ('sessionId' in value || 'tabId' in value || 'frameId' in value) {
    return { ok: false, reason: 'record-forged-provenance' };
  }
  const check = RECORD_CHECKS[kind as PageRecord['kind']];
  if (!check(value)) return { ok: false, reason: `record-bad-${kind}` };
  if (hasForbiddenKey(value)) return { ok: false, reason: 'record-forbidden-key' };
  return { ok: true, value: value as unknown as PageRecord };
}

/** Recognises our window messages; `null` means "not ours" (ignored silently, not counted). */
export function parsePageMessage(data: unknown): Validation<PageToBridge> | null {
  if (!isObject(data) || !(WINDOW_TAG in data)) return null;
  if (data[WINDOW_TAG] !== PROTOCOL_VERSION) return { ok: false, reason: 'message-bad-version' };
  if (data.type === 'hello') return { ok: true, value: data as unknown as PageToBridge };
  // The bridge's own announcement comes back to its window listener too.
  if (data.type === 'bridge-ready') return null;
  if (data.type !== 'records') return { ok: false, reason: 'message-unknown-type' };
  if (!Array.isArray(data.records)) return { ok: false, reason: 'message-bad-records' };
  if (data.records.length > MAX_RECORDS_PER_MESSAGE) return { ok: false, reason: 'message-too-many-records' };
  return { ok: true, value: data as unknown as PageToBridge };
}

/** The background's view of a runtime message: only the bridge's shape is accepted. */
export function parseBridgeMessage(data: unknown): Validation<BridgeToBackground> {
  if (!isObject(data) || data.channel !== 'identity-lens') return { ok: false, reason: 'not-ours' };
  if (data.version !== PROTOCOL_VERSION) return { ok: false, reason: 'bad-version' };
  if (data.type !== 'page-records') return { ok: false, reason: 'unknown-type' };
  if (!isFiniteNumber(data.batch) || !Array.isArray(data.records) || !isObject(data.dropped)) {
    return { ok: false, reason: 'malformed' };
  }
  if (data.records.length > MAX_RECORDS_PER_MESSAGE) return { ok: false, reason: 'too-many-records' };
  return { ok: true, value: data as unknown as BridgeToBackground };
}
