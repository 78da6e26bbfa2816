import type { WireRecord } from '../../protocol/records';
import type { SessionData } from './session-file';
import { compareRecords } from '../link-records';

const wiresOf = (sessions: readonly SessionData[]): WireRecord[] =>
  sessions
    .flatMap((s) => s.records)
    .filter((r): r is WireRecord & { sessionId: string; tabId: number; frameId: number } => r.kind === 'wire')
    .sort(compareRecords);

/** NDJSON of the Segment messages that went over the wire, one per line, in the order they were sent. */
export function toNdjson(sessions: readonly SessionData[]): string {
  const lines: string[] = [];
  for (const wire of wiresOf(sessions)) for (const message of wire.messages) lines.push(JSON.stringify(message));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** A HAR 1.2 log of the tracking requests, for tools that read HAR. The body is rebuilt from the messages seen. */
export function toHar(sessions: readonly SessionData[], generatorVersion: string): object {
  return {
    log: {
      version: '1.2',
      creator: { name: 'Identity Lens', version: generatorVersion },
      pages: [],
      entries: wiresOf(sessions).map((wire) => {
        const body = JSON.stringify(wire.batch ? { batch: wire.messages } : (wire.messages[0] ?? {}));
        const time = wire.endedAt === null ? 0 : Math.max(0, wire.endedAt - wire.startedAt);
        let queryString: Array<{ name: string; value: string }> = [];
        try {
          queryString = [...new URL(wire.url).searchParams].map(([name, value]) => ({ name, value }));
        } catch {
          queryString = [];
        }
        return {
          startedDateTime: new Date(Math.round(wire.startedAt)).toISOString(),
          time,
          request: {
            method: wire.method,
            url: wire.url,
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: [{ name: 'Content-Type', value: 'text/plain' }],
            queryString,
            postData: { mimeType: 'text/plain', text: body },
            headersSize: -1,
            bodySize: body.length,
          },
          response: {
            status: wire.statusCode ?? 0,
            statusText: wire.state === 'failed' ? (wire.error ?? 'failed') : '',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: [],
            content: { size: 0, mimeType: 'application/json' },
            redirectURL: '',
            headersSize: -1,
            bodySize: -1,
            ...(wire.state === 'failed' ? { _error: wire.error } : {}),
          },
          cache: {},
          timings: { send: 0, wait: time, receive: 0 },
        };
      }),
    },
  };
}
