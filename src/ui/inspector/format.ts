/** Small formatting helpers shared by the inspector's components. */

/** First 8 characters of an id: enough to tell ids apart at a glance, the full value is in the title and copy button. */
export const shortId = (id: string | null | undefined): string => (id ? (id.length > 10 ? `${id.slice(0, 8)}…` : id) : '—');

/** A stable colour per id, so the same anonymousId has the same colour in the timeline and the list. */
export function colourOf(id: string): string {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  const hue = Math.abs(hash) % 360;
  return `hsl(${hue} 65% 45%)`;
}

export function relativeTime(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** "expires in 364 days", "expired 2 min ago", "session cookie". */
export function describeExpiry(expirationDate: number | null, now: number): string {
  if (expirationDate === null) return 'session cookie';
  const delta = expirationDate * 1000 - now;
  const abs = Math.abs(delta);
  const unit =
    abs >= 86_400_000 ? `${Math.round(abs / 86_400_000)} day${Math.round(abs / 86_400_000) === 1 ? '' : 's'}` : abs >= 3_600_000 ? `${Math.round(abs / 3_600_000)} h` : `${Math.max(1, Math.round(abs / 60_000))} min`;
  return delta >= 0 ? `expires in ${unit}` : `expired ${unit} ago`;
}

/** What a call is about: its event or page name, or its first argument. */
export function callLabel(method: string, args: readonly unknown[]): string {
  const first = args[0];
  if (method === 'page' || method === 'screen') {
    const names = args.filter((a) => typeof a === 'string') as string[];
    return names.join(' › ');
  }
  if (typeof first === 'string' || typeof first === 'number') return String(first);
  if (method === 'identify' && typeof first === 'object' && first !== null) return `traits: ${Object.keys(first).slice(0, 3).join(', ')}`;
  return '';
}

export const CAUSE_LABELS: Readonly<Record<string, string>> = {
  'first-generation': 'generated',
  identify: 'identify',
  'userid-change': 'userId change',
  reset: 'reset',
  setAnonymousId: 'setAnonymousId',
  'options.anonymousId': 'options.anonymousId',
  'query-string': 'query string',
  'read-generated': 'read generated',
  group: 'group',
  'storage-cleared': 'storage cleared',
  'cookie-expired': 'cookie expired',
  'server-cookie': 'server cookie',
  unexplained: 'unexplained',
};
