import { IDENTITY_KEYS, type CookieDetails } from '../protocol/records';

const IDENTITY_NAMES: ReadonlySet<string> = new Set(IDENTITY_KEYS);

export const isIdentityCookie = (name: string): boolean => IDENTITY_NAMES.has(name);

/** The cookies API's cookie, as much of it as we read (Chrome and Firefox agree on these). */
export interface BrowserCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: string;
  session: boolean;
  expirationDate?: number;
}

export function toCookieDetails(cookie: BrowserCookie): CookieDetails {
  return {
    name: cookie.name,
    value: cookie.value,
    domain: cookie.domain,
    hostOnly: cookie.hostOnly,
    path: cookie.path,
    secure: cookie.secure,
    httpOnly: cookie.httpOnly,
    sameSite: cookie.sameSite ?? 'unspecified',
    session: cookie.session,
    expirationDate: cookie.expirationDate ?? null,
  };
}

/** Whether a cookie set for `domain` is sent to `url`'s host (RFC 6265 domain matching). */
export function cookieDomainMatches(domain: string, url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  const bare = domain.replace(/^\./, '').toLowerCase();
  return host === bare || host.endsWith(`.${bare}`);
}

/** A stable digest of a cookie set, to record a snapshot only when something changed. */
export function cookieDigest(cookies: readonly CookieDetails[]): string {
  return JSON.stringify(
    [...cookies]
      .sort((a, b) => a.name.localeCompare(b.name) || a.domain.localeCompare(b.domain) || a.path.localeCompare(b.path))
      .map((c) => [c.name, c.value, c.domain, c.path, c.secure, c.sameSite, c.expirationDate === null ? null : Math.round(c.expirationDate)]),
  );
}
