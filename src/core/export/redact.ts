import type { Cloned } from '../../protocol/records';
import type { ExportedRecord, SessionFile } from './session-file';

/**
 * Redaction for sharing a capture: trait and property values, and anything that
 * looks like an email address anywhere, become a stable hash. Equal values stay
 * equal (the same email is the same hash in every record), keys stay, and IDs that
 * are not emails stay readable, so the identity story can still be followed.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** 64-bit FNV-1a as 16 hex digits: the same in Node and in every browser, no async crypto needed. */
export function stableHash(text: string): string {
  let low = 0x811c9dc5;
  let high = 0xcbf29ce4;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    low = Math.imul(low ^ c, 0x01000193) >>> 0;
    high = Math.imul(high ^ (c + low), 0x01000193) >>> 0;
  }
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}

const redactEmails = (text: string): string => text.replace(EMAIL, (email) => `redacted-${stableHash(email.toLowerCase())}@email.invalid`);

/** A value under traits or properties: leaves become hashes of themselves, structure stays. */
function redactValue(value: Cloned): Cloned {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(redactValue);
  if (typeof value === 'object') {
    if (typeof value.$il === 'string') return value; // our own markers carry no page data
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v)]));
  }
  return `redacted:${stableHash(JSON.stringify(value))}`;
}

const VALUE_KEYS: ReadonlySet<string> = new Set(['traits', 'properties']);
const STORED_VALUE_KEYS: ReadonlySet<string> = new Set(['ajs_user_traits', 'ajs_group_properties']);

/** Walks any value: traits/properties become hashes, emails anywhere become hashed emails. */
function redactTree(value: unknown, key: string | null): unknown {
  if (typeof value === 'string') {
    if (key !== null && STORED_VALUE_KEYS.has(key)) {
      try {
        return JSON.stringify(redactValue(JSON.parse(value) as Cloned));
      } catch {
        return redactEmails(value);
      }
    }
    return redactEmails(value);
  }
  if (Array.isArray(value)) return value.map((item) => redactTree(item, null));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, VALUE_KEYS.has(k) ? redactTree(redactValue(v as Cloned), k) : redactTree(v, k)]),
    );
  }
  return value;
}

/** Call arguments that are traits or properties by position (identify's traits, track's properties…). */
function redactCallArgs(record: ExportedRecord): ExportedRecord {
  if (record.kind !== 'call' || !Array.isArray(record.args)) return record;
  const args = record.args as Cloned[];
  const method = record.method;
  const objectIndexes = new Set<number>();
  if (method === 'identify' || method === 'group') {
    const index = typeof args[0] === 'object' && args[0] !== null ? 0 : 1;
    objectIndexes.add(index);
  } else if (method === 'track') objectIndexes.add(1);
  else if (method === 'page' || method === 'screen') {
    const index = args.findIndex((a) => typeof a === 'object' && a !== null && !Array.isArray(a));
    if (index >= 0) objectIndexes.add(index);
  }
  return { ...record, args: args.map((arg, i) => (objectIndexes.has(i) ? redactValue(arg) : arg)) };
}

export function redactSessionFile(file: SessionFile): SessionFile {
  return {
    ...file,
    sessions: file.sessions.map((session) => {
      const redacted = redactTree({ ...session, records: session.records.map(redactCallArgs) }, null) as typeof session;
      return { ...redacted, identity: { ...redacted.identity, traits: redactValue(session.identity.traits as Cloned) as Record<string, Cloned> } };
    }),
  };
}
