/** What the inspector view may ask of its host: in DevTools, opening the Sources panel; elsewhere, nothing. */
export interface ViewPlatform {
  copy(text: string): void;
  /** Opens a call site (`url:line:col`) in the Sources panel, where the host can. */
  openCallSite?(callSite: string): void;
  now(): number;
}

/**
 * Opening a call site (`url:line:col`) through DevTools' `panels.openResource`, or
 * undefined where there is none (Firefox): the call site then stays plain text
 * rather than a link that does nothing.
 */
export function callSiteOpener(panels: unknown): ((callSite: string) => void) | undefined {
  // openResource is missing from the polyfill's types.
  const openResource = (panels as { openResource?: unknown } | null | undefined)?.openResource;
  if (typeof openResource !== 'function') return undefined;
  return (callSite) => {
    const match = /^(.*):(\d+):(\d+)$/.exec(callSite);
    // The call site is page data: only a script URL the page could have loaded is opened.
    if (match && /^(https?|file|blob):/i.test(match[1] as string)) openResource.call(panels, match[1] as string, Number(match[2]) - 1);
  };
}
