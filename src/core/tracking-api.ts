import type { Cloned, WireMessage, WireRecord } from '../protocol/records';

/**
 * Recognising Segment tracking API requests. Pure: the background feeds it what
 * webRequest saw; tests and the CLI feed it recorded requests.
 */

/** Segment's own tracking API hosts (US and EU). */
export const SEGMENT_API_HOSTS: readonly string[] = ['api.segment.io', 'events.eu1.segmentapis.com'];

/** `/v1/t`, `/v1/batch`, `/v1/track`… the metrics endpoint `/m` carries no messages and is left out. */
const TRACKING_PATH = /\/(?:t|i|p|s|g|a|b|batch|track|identify|page|screen|group|alias|import)\/?$/;
const PATH_TYPES: Readonly<Record<string, string>> = {
  t: 'track',
  i: 'identify',
  p: 'page',
  s: 'screen',
  g: 'group',
  a: 'alias',
  track: 'track',
  identify: 'identify',
  page: 'page',
  screen: 'screen',
  group: 'group',
  alias: 'alias',
};
const MESSAGE_TYPES: ReadonlySet<string> = new Set(['track', 'identify', 'page', 'screen', 'group', 'alias']);

export function isTrackingPath(pathname: string): boolean {
  return TRACKING_PATH.test(pathname);
}

/**
 * `api.segment.io/v1`, `https://proxy.example.com/seg/v1`, `127.0.0.1:8787` → the
 * host (with port) and path prefix a request URL must have.
 */
export function parseApiHost(apiHost: string): { host: string; pathPrefix: string } | null {
  const trimmed = apiHost.trim().replace(/^[a-z]+:\/\//i, '');
  if (trimmed === '') return null;
  const slash = trimmed.indexOf('/');
  const host = (slash < 0 ? trimmed : trimmed.slice(0, slash)).toLowerCase();
  const pathPrefix = slash < 0 ? '' : trimmed.slice(slash).replace(/\/+$/, '');
  if (!/^[a-z0-9.-]+(?::\d+)?$/.test(host) && !/^\[[0-9a-f:]+\](?::\d+)?$/.test(host)) return null;
  return { host, pathPrefix };
}

export function matchesApiHost(url: URL, apiHost: string): boolean {
  const parsed = parseApiHost(apiHost);
  if (parsed === null) return false;
  return url.host.toLowerCase() === parsed.host && url.pathname.startsWith(parsed.pathPrefix);
}

export interface HostLists {
  /** Hosts the page's own analytics settings named (learned from `instance` records). */
  readonly pageHosts: readonly string[];
  /** Hosts the user added in the options page. */
  readonly userHosts: readonly string[];
}

export type Recognition = WireRecord['recognisedBy'];

/** Decides, from the URL alone, whether a request should have its body read. */
export function recogniseUrl(rawUrl: string, hosts: HostLists): Recognition | 'maybe' | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (!isTrackingPath(url.pathname)) return null;
  if (SEGMENT_API_HOSTS.includes(url.hostname.toLowerCase())) return 'known-host';
  if (hosts.userHosts.some((host) => matchesApiHost(url, host))) return 'user-host';
  if (hosts.pageHosts.some((host) => matchesApiHost(url, host))) return 'page-settings';
  // A proxy we were not told about: the body's shape decides.
  return 'maybe';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function looksLikeMessage(value: unknown): value is Record<string, unknown> {
  return (
    isObject(value) &&
    typeof value.type === 'string' &&
    MESSAGE_TYPES.has(value.type) &&
    typeof value.messageId === 'string' &&
    ('anonymousId' in value || 'userId' in value)
  );
}

export interface ParsedTrackingBody {
  readonly batch: boolean;
  readonly messages: WireMessage[];
}

/**
 * Splits a tracking request body into its messages. A single-event body's type
 * comes from the path when the body leaves it out (classic analytics.js does not).
 * Returns null when the body is not Segment's (for `maybe` URLs that settles it).
 */
export function parseTrackingBody(rawUrl: string, body: string, strict: boolean): ParsedTrackingBody | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isObject(parsed)) return null;
  if (Array.isArray(parsed.batch)) {
    const messages = parsed.batch.filter(isObject) as WireMessage[];
    if (strict && !messages.some(looksLikeMessage)) return null;
    return { batch: true, messages };
  }
  if (typeof parsed.type !== 'string') {
    let pathType: string | undefined;
    try {
      const last = new URL(rawUrl).pathname.replace(/\/+$/, '').split('/').pop() ?? '';
      pathType = PATH_TYPES[last];
    } catch {
      pathType = undefined;
    }
    if (pathType !== undefined) parsed = { ...parsed, type: pathType };
  }
  if (strict && !looksLikeMessage(parsed)) return null;
  return { batch: false, messages: [parsed as WireMessage] };
}

export function messageIdsOf(messages: readonly WireMessage[]): string[] {
  const ids: string[] = [];
  for (const message of messages) {
    const id: Cloned | undefined = message.messageId;
    if (typeof id === 'string') ids.push(id);
  }
  return ids;
}
