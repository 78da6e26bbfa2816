/** What the inspector view may ask of its host: in DevTools, opening the Sources panel; elsewhere, nothing. */
export interface ViewPlatform {
  copy(text: string): void;
  /** Opens a call site (`url:line:col`) in the Sources panel, where the host can. */
  openCallSite?(callSite: string): void;
  now(): number;
}
