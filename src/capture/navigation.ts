import type { NavigationKind } from '../protocol/records';

/** webNavigation's transition type and qualifiers → what kind of navigation the user would call it. */
export function classifyCommit(transitionType: string | undefined, qualifiers: readonly string[] | undefined): NavigationKind {
  if (qualifiers?.includes('forward_back')) return 'back-forward';
  if (transitionType === 'reload') return 'reload';
  return 'load';
}
