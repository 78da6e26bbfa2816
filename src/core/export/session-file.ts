import type { Finding } from '../../protocol/findings';
import type { CapturedRecord, Cloned, Session } from '../../protocol/records';
import { identityAfter } from '../identity/identity-model';
import { originOf } from '../identity/scope';
import { compareRecords } from '../link-records';

/**
 * The Identity Lens session file (`.identity-lens.json`), lossless: importing it
 * gives back the same sessions. Times are ISO-8601 for people and tools; each
 * record also keeps its exact `atMs` (sub-millisecond) so order survives the trip.
 * The schema is docs/identity-lens-sessions.schema.json; the prose docs/export-format.md.
 */
export const FILE_FORMAT = 'identity-lens/sessions';
export const FILE_VERSION = 1;

export interface ExportedFinding {
  readonly rule: string;
  readonly severity: Finding['severity'];
  readonly message: string;
  readonly recordIds: readonly string[];
  readonly at: string;
}

export type ExportedRecord = { readonly id: string; readonly kind: string; readonly at: string; readonly atMs: number; readonly seq: number; readonly [field: string]: unknown };

export interface ExportedSession {
  readonly id: string;
  readonly title: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly pages: ReadonlyArray<{ readonly url: string; readonly startedAt: string }>;
  readonly identity: { readonly anonymousId: string | null; readonly userId: string | null; readonly groupId: string | null; readonly traits: Readonly<Record<string, Cloned>> };
  readonly records: readonly ExportedRecord[];
  readonly findings: readonly ExportedFinding[];
  /** Set on sessions that came from a file. */
  readonly imported?: boolean;
}

export interface SessionFile {
  readonly format: typeof FILE_FORMAT;
  readonly version: typeof FILE_VERSION;
  readonly exportedAt: string;
  readonly generator: { readonly name: string; readonly version: string };
  readonly sessions: readonly ExportedSession[];
}

export interface SessionData {
  readonly session: Session;
  readonly records: readonly CapturedRecord[];
  readonly findings: readonly Finding[];
}

const iso = (ms: number): string => new Date(Math.round(ms)).toISOString();

/** The identity at the session's end, in the origin of its last page. */
export function finalIdentity(session: Session, records: readonly CapturedRecord[]): ExportedSession['identity'] {
  const last = identityAfter(records, originOf(session.currentUrl ?? session.pages[session.pages.length - 1]?.url ?? null));
  return { anonymousId: last.anonymousId, userId: last.userId, groupId: last.groupId, traits: last.traits };
}

export function exportSession({ session, records, findings }: SessionData): ExportedSession {
  const ordered = [...records].sort(compareRecords);
  return {
    id: session.id,
    title: session.title,
    startedAt: iso(session.startedAt),
    endedAt: session.endedAt === null ? null : iso(session.endedAt),
    pages: session.pages.map((page) => ({ url: page.url, startedAt: iso(page.startedAt) })),
    identity: finalIdentity(session, ordered),
    records: ordered.map(({ sessionId: _session, at, ...rest }) => ({ ...rest, at: iso(at), atMs: at })),
    findings: findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, recordIds: [...f.recordIds], at: iso(f.at) })),
    ...((session as { imported?: boolean }).imported ? { imported: true } : {}),
  };
}

export function createSessionFile(sessions: readonly SessionData[], generatorVersion: string, now: number): SessionFile {
  return {
    format: FILE_FORMAT,
    version: FILE_VERSION,
    exportedAt: iso(now),
    generator: { name: 'Identity Lens', version: generatorVersion },
    sessions: sessions.map(exportSession),
  };
}

/** The file name a download gets: readable, sortable, safe on every OS. */
export function sessionFileName(sessions: readonly { title: string }[], now: number, extension = 'identity-lens.json'): string {
  const stamp = iso(now).replace(/[:]/g, '-').replace(/\.\d{3}Z$/, 'Z');
  const base = sessions.length === 1 ? (sessions[0]?.title ?? 'session') : `${sessions.length}-sessions`;
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'session';
  return `${safe}-${stamp}.${extension}`;
}
