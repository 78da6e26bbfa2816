import { describe, expect, it } from 'vitest';
import { safeClone } from '../../src/hook/safe-clone';
import { forbiddenKeyPath } from '../../src/protocol/guards';

describe('safeClone', () => {
  it('copies plain JSON data unchanged', () => {
    const value = { a: 1, b: 'two', c: [true, null, { d: 4.5 }] };
    expect(safeClone(value)).toEqual(value);
  });

  it('replaces what JSON cannot hold with typed markers', () => {
    const fn = function checkout() {};
    expect(safeClone({ f: fn, u: undefined, b: 10n, s: Symbol('x'), n: Number.NaN })).toEqual({
      f: { $il: 'function', name: 'checkout' },
      u: { $il: 'undefined' },
      b: { $il: 'bigint', value: '10' },
      s: { $il: 'symbol', description: 'x' },
      n: { $il: 'non-finite', value: 'NaN' },
    });
  });

  it('marks cycles but copies shared, acyclic references twice', () => {
    const shared = { k: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    expect(safeClone(cyclic)).toEqual({ shared: { k: 1 }, again: { k: 1 }, self: { $il: 'circular' } });
  });

  it('turns throwing getters and proxies into markers instead of throwing', () => {
    const hostile = Object.defineProperty({ ok: 1 }, 'boom', {
      enumerable: true,
      get() {
        throw new Error('nope');
      },
    });
    expect(safeClone(hostile)).toEqual({ ok: 1, boom: { $il: 'thrown', message: 'Error: nope' } });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new TypeError('trap');
        },
      },
    );
    expect(safeClone(proxy)).toEqual({ $il: 'thrown', message: 'TypeError: trap' });
  });

  it('truncates multi-megabyte strings, long arrays and deep nesting with markers', () => {
    const big = 'x'.repeat(5_000_000);
    const cloned = safeClone({ big }) as { big: { $il: string; length: number; head: string } };
    expect(cloned.big.$il).toBe('truncated');
    expect(cloned.big.length).toBe(5_000_000);
    expect(cloned.big.head.length).toBe(16_384);

    const long = safeClone(Array.from({ length: 1000 }, (_, i) => i)) as unknown[];
    expect(long).toHaveLength(201);
    expect(long[200]).toEqual({ $il: 'truncated', length: 1000 });

    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 50; i += 1) deep = (deep.next = {}) as Record<string, unknown>;
    expect(JSON.stringify(safeClone(root))).toContain('"$il":"depth"');
  });

  it('keeps a `__proto__` own key as data under `$il:__proto__`, never as a prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const cloned = safeClone(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(cloned)).toBe(Object.prototype);
    // The bridge drops any record holding a `__proto__` key: the call would be lost.
    expect(Object.hasOwn(cloned, '__proto__')).toBe(false);
    expect(forbiddenKeyPath(cloned)).toBeNull();
    expect(cloned).toEqual({ '$il:__proto__': { polluted: true }, a: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('describes dates, errors and collections readably', () => {
    expect(safeClone(new Date('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(safeClone(new RangeError('bad'))).toEqual({ name: 'RangeError', message: 'bad' });
    expect(safeClone(new Map([[1, 2]]))).toEqual({ $il: 'unserialisable', type: 'Map' });
  });

  it('bounds the total work on huge objects', () => {
    const wide = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, Array.from({ length: 150 }, (_, j) => j)]));
    const text = JSON.stringify(safeClone(wide));
    expect(text).toContain('"reason":"size"');
    expect(text.length).toBeLessThan(200_000);
  });
});
