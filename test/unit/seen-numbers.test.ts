import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasSeen, markSeen, splitRecordId, type SeenNumbers } from '../../src/capture/seen-numbers';

describe('seen record numbers', () => {
  it('names the page load and number of a record id, and treats any other id as its own page load', () => {
    expect(splitRecordId('pl-1a2b:17')).toEqual({ document: 'pl-1a2b', number: 17 });
    expect(splitRecordId('a:b:3')).toEqual({ document: 'a:b', number: 3 });
    expect(splitRecordId('odd')).toEqual({ document: 'odd', number: 0 });
    expect(splitRecordId(':5')).toEqual({ document: ':5', number: 0 });
    expect(splitRecordId('x:1e3')).toEqual({ document: 'x:1e3', number: 0 });
    expect(splitRecordId('x:-1')).toEqual({ document: 'x:-1', number: 0 });
    expect(splitRecordId('x:9999999999999999')).toEqual({ document: 'x:9999999999999999', number: 0 });
  });

  it('keeps numbers sent in order as one range', () => {
    const ranges: SeenNumbers = [];
    for (let n = 1; n <= 1000; n += 1) markSeen(ranges, n);
    expect(ranges).toEqual([1, 1000]);
    expect(hasSeen(ranges, 500)).toBe(true);
    expect(hasSeen(ranges, 1001)).toBe(false);
    expect(hasSeen(ranges, 0)).toBe(false);
  });

  it('merges the ranges a number joins, and knows a number seen in the middle', () => {
    const ranges: SeenNumbers = [];
    for (const n of [1, 2, 5, 6, 9]) markSeen(ranges, n);
    expect(ranges).toEqual([1, 2, 5, 6, 9, 9]);
    markSeen(ranges, 4);
    expect(ranges).toEqual([1, 2, 4, 6, 9, 9]);
    markSeen(ranges, 3);
    expect(ranges).toEqual([1, 6, 9, 9]);
    markSeen(ranges, 6);
    expect(ranges).toEqual([1, 6, 9, 9]);
    markSeen(ranges, 0);
    expect(ranges).toEqual([0, 6, 9, 9]);
    expect([7, 8, 10].map((n) => hasSeen(ranges, n))).toEqual([false, false, false]);
  });

  it('answers like a set for any numbers in any order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 200 }), fc.array(fc.integer({ min: 0, max: 60 })), (added, asked) => {
        const ranges: SeenNumbers = [];
        const set = new Set<number>();
        for (const n of added) {
          expect(hasSeen(ranges, n)).toBe(set.has(n));
          markSeen(ranges, n);
          set.add(n);
        }
        for (const n of asked) expect(hasSeen(ranges, n)).toBe(set.has(n));
        // Sorted, disjoint and not adjacent: the smallest form.
        for (let i = 0; i < ranges.length; i += 2) {
          expect(ranges[i]!).toBeLessThanOrEqual(ranges[i + 1]!);
          if (i > 0) expect(ranges[i]!).toBeGreaterThan(ranges[i - 1]! + 1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
