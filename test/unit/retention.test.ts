import { describe, expect, it } from 'vitest';
import { BYTES_PER_MEGABYTE, planEviction, type SessionFootprint } from '../../src/capture/retention';
import { DEFAULT_RETENTION, normaliseRetention } from '../../src/capture/settings';

const MB = BYTES_PER_MEGABYTE;
/** A session started at `startedAt` with `records` records; `open` when its tab still records. */
const s = (id: string, startedAt: number, records: number, open = false): SessionFootprint => ({ id, startedAt, recordCount: records, open });

describe('planEviction', () => {
  const cases: Array<[string, SessionFootprint[], number, { maxSessions: number; maxMegabytes: number }, string[], string | null]> = [
    ['within both limits: nothing', [s('a', 1, 10), s('b', 2, 10)], 1 * MB, { maxSessions: 2, maxMegabytes: 10 }, [], null],
    ['over the count: the oldest go, whatever order they come in', [s('c', 3, 1), s('a', 1, 1), s('d', 4, 1), s('b', 2, 1)], 0, { maxSessions: 2, maxMegabytes: 10 }, ['a', 'b'], 'sessions'],
    ['over the count: open sessions are spared and the next oldest ended one goes', [s('a', 1, 1, true), s('b', 2, 1), s('c', 3, 1)], 0, { maxSessions: 2, maxMegabytes: 10 }, ['b'], 'sessions'],
    ['over the count with only open sessions: none is evicted', [s('a', 1, 1, true), s('b', 2, 1, true)], 0, { maxSessions: 1, maxMegabytes: 10 }, [], null],
    // 100 MB over 100 records: 1 MB a record. Limit 50 MB, aim 45 MB: a (40) and b (20) go, leaving 40.
    ['over the size: the oldest go until usage is 90% of the limit', [s('a', 1, 40), s('b', 2, 20), s('c', 3, 20), s('d', 4, 20)], 100 * MB, { maxSessions: 100, maxMegabytes: 50 }, ['a', 'b'], 'size'],
    // 60 MB at 1 MB a record; limit 50, aim 45: 15 MB must go. a (5) is not enough, b (10) makes it.
    ['over the size: stops as soon as the aim is reached', [s('a', 1, 5), s('b', 2, 10), s('c', 3, 45)], 60 * MB, { maxSessions: 100, maxMegabytes: 50 }, ['a', 'b'], 'size'],
    // Ended a (10) and b (10) are not enough for 100 MB → 45 MB: the oldest open session goes too, the newer one stays.
    ['over the size with ended sessions not enough: open sessions go last, oldest first', [s('open-old', 1, 50, true), s('a', 2, 10), s('open-new', 3, 30, true), s('b', 4, 10)], 100 * MB, { maxSessions: 100, maxMegabytes: 50 }, ['open-old', 'a', 'b'], 'size'],
    ['count then size: both in one plan, size named as it decided the last', [s('a', 1, 10), s('b', 2, 80), s('c', 3, 10)], 100 * MB, { maxSessions: 2, maxMegabytes: 50 }, ['a', 'b'], 'size'],
    ['no usage figure (0): size never evicts', [s('a', 1, 10)], 0, { maxSessions: 5, maxMegabytes: 10 }, [], null],
  ];
  it.each(cases)('%s', (_name, sessions, usage, settings, ids, reason) => {
    expect(planEviction(sessions, usage, settings)).toEqual({ ids, reason });
  });

  it('when storage is full, frees a tenth of what is stored from ended sessions only, even within the limits', () => {
    const sessions = [s('open', 1, 50, true), s('a', 2, 5), s('b', 3, 10), s('c', 4, 35)];
    // 100 MB, 1 MB a record, aim 90 MB: a (5) is not enough, b (10) is.
    expect(planEviction(sessions, 100 * MB, DEFAULT_RETENTION, 'storage-full')).toEqual({ ids: ['a', 'b'], reason: 'storage-full' });
    expect(planEviction([s('open', 1, 50, true)], 100 * MB, DEFAULT_RETENTION, 'storage-full')).toEqual({ ids: [], reason: null });
  });
});

describe('retention settings', () => {
  it('keeps whole numbers in range and falls back to the defaults for anything unreadable', () => {
    expect(normaliseRetention({ maxSessions: 2, maxMegabytes: 50 })).toEqual({ maxSessions: 2, maxMegabytes: 50 });
    expect(normaliseRetention({ maxSessions: 2.6, maxMegabytes: 3 })).toEqual({ maxSessions: 3, maxMegabytes: 10 });
    expect(normaliseRetention({ maxSessions: 0, maxMegabytes: 1e12 })).toEqual({ maxSessions: 1, maxMegabytes: 1_000_000 });
    expect(normaliseRetention({ maxSessions: '5', maxMegabytes: Number.NaN })).toEqual(DEFAULT_RETENTION);
    expect(normaliseRetention(undefined)).toEqual({ maxSessions: 100, maxMegabytes: 500 });
  });
});
