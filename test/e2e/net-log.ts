import { readFileSync } from 'node:fs';

/** One request Chromium's network service started, as its NetLog tells it. */
export interface NetRequest {
  readonly url: string;
  readonly method: string;
  /** The origin that asked (`chrome-extension://<id>` for the extension), or `not an origin` for the browser itself. */
  readonly initiator: string;
  /** `main frame`, `sub frame` (navigations) or `other`. */
  readonly requestType: string;
}

export interface NetLog {
  /** Every URL request, each redirect hop included (each hop starts a job of its own). */
  readonly requests: readonly NetRequest[];
  /** Every host name the browser resolved (`scheme://host[:port]`), whether or not a request followed. */
  readonly resolvedHosts: readonly string[];
}

interface RawNetLog {
  constants: { logEventTypes: Record<string, number> };
  events: Array<{ type: number; params?: Record<string, unknown> }>;
}

/**
 * Reads the NetLog that `--log-net-log` wrote (the file is complete once the browser has
 * closed; one cut short by a crash lacks its closing brackets, which are added back).
 */
export function readNetLog(path: string): NetLog {
  const text = readFileSync(path, 'utf8');
  let raw: RawNetLog;
  try {
    raw = JSON.parse(text) as RawNetLog;
  } catch {
    raw = JSON.parse(`${text.trimEnd().replace(/,$/, '')}]}`) as RawNetLog;
  }
  const startJob = raw.constants.logEventTypes.URL_REQUEST_START_JOB;
  const resolve = raw.constants.logEventTypes.HOST_RESOLVER_MANAGER_REQUEST;
  if (startJob === undefined || resolve === undefined) throw new Error(`${path} is not a NetLog this test understands (no URL_REQUEST_START_JOB)`);
  const requests: NetRequest[] = [];
  const resolvedHosts: string[] = [];
  for (const event of raw.events) {
    const params = event.params ?? {};
    if (event.type === startJob && typeof params.url === 'string') {
      requests.push({
        url: params.url,
        method: String(params.method ?? ''),
        initiator: String(params.initiator ?? 'not an origin'),
        requestType: String(params.request_type ?? ''),
      });
    } else if (event.type === resolve && typeof params.host === 'string') {
      resolvedHosts.push(params.host);
    }
  }
  return { requests, resolvedHosts };
}
