/**
 * Which record numbers of one page load are stored, so that a batch the bridge
 * sends again (after a lost reply, or regrouped with newer records) stores nothing
 * twice. Page records are stored many to a row (see db.ts, schema v3), so IndexedDB's
 * own key can no longer refuse a record id twice; this does, with one small row per
 * page load instead of one key per record.
 *
 * The numbers are kept as sorted, disjoint, non-adjacent ranges, flattened as
 * [first0, last0, first1, last1, …]. The hook numbers its records 1, 2, 3… and sends
 * them in order, so a whole page load is usually one range, and a new record extends
 * the last range in constant time.
 */
export type SeenNumbers = number[];

/** The page load and number a page record id names (`<pageLoadId>:<n>`); an id of another shape is its own page load. */
export function splitRecordId(id: string): { readonly document: string; readonly number: number } {
  const colon = id.lastIndexOf(':');
  if (colon > 0) {
    const suffix = id.slice(colon + 1);
    if (/^\d{1,15}$/.test(suffix)) return { document: id.slice(0, colon), number: Number(suffix) };
  }
  return { document: id, number: 0 };
}

/** The index of the range that holds `n`, or of the first range after it (even indexes only). */
function rangeAtOrAfter(ranges: SeenNumbers, n: number): number {
  let low = 0;
  let high = ranges.length / 2;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((ranges[middle * 2 + 1] as number) < n) low = middle + 1;
    else high = middle;
  }
  return low * 2;
}

export function hasSeen(ranges: SeenNumbers, n: number): boolean {
  const last = ranges.length - 1;
  // The common case, a number past everything seen, without a search.
  if (last < 0 || n > (ranges[last] as number)) return false;
  const at = rangeAtOrAfter(ranges, n);
  return at < ranges.length && (ranges[at] as number) <= n;
}

/** Adds `n` (in place), merging ranges it joins. */
export function markSeen(ranges: SeenNumbers, n: number): void {
  const last = ranges.length - 1;
  if (last >= 0 && n === (ranges[last] as number) + 1) {
    ranges[last] = n;
    return;
  }
  if (last < 0 || n > (ranges[last] as number) + 1) {
    ranges.push(n, n);
    return;
  }
  const at = rangeAtOrAfter(ranges, n);
  const first = ranges[at];
  if (first !== undefined && first <= n) return; // seen already
  const joinsPrevious = at > 0 && ranges[at - 1] === n - 1;
  const joinsNext = first === n + 1;
  if (joinsPrevious && joinsNext) ranges.splice(at - 1, 2); // [a, n-1] + [n+1, b] → [a, b]
  else if (joinsPrevious) ranges[at - 1] = n;
  else if (joinsNext) ranges[at] = n;
  else ranges.splice(at, 0, n, n);
}
