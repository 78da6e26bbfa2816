/**
 * Hostile call shapes for the hook, generated in Node with fast-check. Functions, Proxies, DOM
 * nodes, cycles, BigInt and symbols cannot cross `page.evaluate`, so each value is a small JSON
 * "recipe" that the page probe (page-probe.ts) builds into the real thing inside the page.
 */
import fc from 'fast-check';

export type ProxyTrap =
  | 'get'
  | 'has'
  | 'ownKeys'
  | 'getOwnPropertyDescriptor'
  | 'getPrototypeOf'
  | 'defineProperty'
  | 'set'
  | 'apply';

export type SpecialValue =
  | 'map'
  | 'set'
  | 'regexp'
  | 'error'
  | 'typed-array'
  | 'resolved-promise'
  | 'weak-map'
  | 'arguments'
  | 'class-instance'
  | 'proto-key'
  | 'symbol-keys'
  | 'frozen'
  | 'sparse-array'
  | 'long-array'
  | 'to-json-throws'
  | 'thenable'
  | 'boxed-primitives'
  | 'location'
  | 'revoked-proxy';

export type Recipe =
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'num'; readonly v: number | 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'null' }
  | { readonly t: 'undefined' }
  | { readonly t: 'bigint'; readonly v: string }
  | { readonly t: 'symbol'; readonly v: string }
  /** A function that counts its calls (the page must see the same count with and without the hook) and may throw. */
  | { readonly t: 'function'; readonly throws: boolean }
  | { readonly t: 'dom'; readonly v: 'element' | 'text' | 'document' | 'window' | 'body' | 'fragment' }
  | { readonly t: 'array'; readonly items: readonly Recipe[] }
  | { readonly t: 'object'; readonly entries: ReadonlyArray<readonly [string, Recipe]>; readonly nullProto: boolean }
  /** An object that contains itself, directly and through a nested array and object. */
  | { readonly t: 'cyclic'; readonly entries: ReadonlyArray<readonly [string, Recipe]> }
  /** An object whose `key` is an accessor: one that always throws, or one that always returns the same value. */
  | { readonly t: 'getter'; readonly key: string; readonly throws: boolean }
  /** A Proxy whose listed traps throw (every trap when `traps` is empty). */
  | { readonly t: 'proxy'; readonly traps: readonly ProxyTrap[]; readonly target: 'object' | 'array' | 'function' }
  | { readonly t: 'long-string'; readonly length: number }
  | { readonly t: 'deep'; readonly depth: number; readonly kind: 'object' | 'array' }
  | { readonly t: 'date'; readonly v: number | null }
  | { readonly t: 'special'; readonly v: SpecialValue };

export type ProbeMethod = 'identify' | 'track' | 'page' | 'group' | 'alias' | 'reset' | 'setAnonymousId' | 'user.anonymousId' | 'user.id';

export interface ProbeCall {
  readonly m: ProbeMethod;
  readonly args: readonly Recipe[];
}

const METHODS: readonly ProbeMethod[] = ['identify', 'track', 'page', 'group', 'alias', 'reset', 'setAnonymousId', 'user.anonymousId', 'user.id'];

/** Keys that mean something to analytics.js, to the hook or to JavaScript itself. */
const LOADED_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toJSON',
  'then',
  'length',
  'anonymousId',
  'userId',
  'messageId',
  'timestamp',
  'type',
  'context',
  'integrations',
  'traits',
  'properties',
  '__t',
  '$il',
  'event',
  'name',
];

const key = fc.oneof(fc.constantFrom(...LOADED_KEYS), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }));

const num: fc.Arbitrary<Recipe> = fc.oneof(
  fc.integer().map((v) => ({ t: 'num', v }) as const),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? ({ t: 'num', v: '-0' } as const) : ({ t: 'num', v } as const))),
  fc.constantFrom<Recipe>({ t: 'num', v: 'NaN' }, { t: 'num', v: 'Infinity' }, { t: 'num', v: '-Infinity' }, { t: 'num', v: '-0' }),
);

const str: fc.Arbitrary<Recipe> = fc.oneof(
  fc.string({ maxLength: 24 }).map((v) => ({ t: 'str', v }) as const),
  fc.string({ unit: 'binary', maxLength: 24 }).map((v) => ({ t: 'str', v }) as const),
  // Lone surrogates: valid JavaScript strings that are not valid Unicode.
  fc.constantFrom<Recipe>({ t: 'str', v: '\ud800' }, { t: 'str', v: 'a\udfffb' }, { t: 'str', v: '' }, { t: 'str', v: '__proto__' }),
);

const leaf: fc.Arbitrary<Recipe> = fc.oneof(
  { arbitrary: str, weight: 4 },
  { arbitrary: num, weight: 3 },
  fc.boolean().map((v) => ({ t: 'bool', v }) as const),
  fc.constant<Recipe>({ t: 'null' }),
  fc.constant<Recipe>({ t: 'undefined' }),
  fc.bigInt().map((v) => ({ t: 'bigint', v: v.toString() }) as const),
  fc.string({ maxLength: 8 }).map((v) => ({ t: 'symbol', v }) as const),
  fc.boolean().map((throws) => ({ t: 'function', throws }) as const),
  fc.constantFrom<Recipe>(
    { t: 'dom', v: 'element' },
    { t: 'dom', v: 'text' },
    { t: 'dom', v: 'document' },
    { t: 'dom', v: 'window' },
    { t: 'dom', v: 'body' },
    { t: 'dom', v: 'fragment' },
  ),
  fc.record({ key, throws: fc.boolean() }).map(({ key: k, throws }) => ({ t: 'getter', key: k, throws }) as const),
  fc
    .record({
      traps: fc.subarray<ProxyTrap>(['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'set', 'apply']),
      target: fc.constantFrom('object', 'array', 'function'),
    })
    .map(({ traps, target }) => ({ t: 'proxy', traps, target }) as const),
  // Long strings across the hook's 16,384-character clone limit; the 5 MB ones are added separately.
  fc.integer({ min: 16_000, max: 24_000 }).map((length) => ({ t: 'long-string', length }) as const),
  // Deeper than the hook's clone depth; the 10,000-level ones are added separately, because
  // analytics.js copies a cyclic value level by level until the stack overflows.
  fc.record({ depth: fc.integer({ min: 13, max: 60 }), kind: fc.constantFrom('object', 'array') }).map(({ depth, kind }) => ({ t: 'deep', depth, kind }) as const),
  fc.option(fc.integer({ min: -8.64e15, max: 8.64e15 }), { nil: null }).map((v) => ({ t: 'date', v }) as const),
  fc
    .constantFrom<SpecialValue>(
      'map',
      'set',
      'regexp',
      'error',
      'typed-array',
      'resolved-promise',
      'weak-map',
      'arguments',
      'class-instance',
      'proto-key',
      'symbol-keys',
      'frozen',
      'sparse-array',
      'long-array',
      'to-json-throws',
      'thenable',
      'boxed-primitives',
      'location',
      'revoked-proxy',
    )
    .map((v) => ({ t: 'special', v }) as const),
);

const { value } = fc.letrec<{ value: Recipe }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: leaf, weight: 12 },
    { arbitrary: fc.array(tie('value'), { maxLength: 5 }).map((items) => ({ t: 'array', items }) as const), weight: 3 },
    {
      arbitrary: fc
        .record({ entries: fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }), nullProto: fc.boolean() })
        .map(({ entries, nullProto }) => ({ t: 'object', entries, nullProto }) as const),
      weight: 3,
    },
    // Rarer than the rest: analytics.js recurses through a cycle until the stack overflows,
    // which costs it up to half a second a call, with the extension and without.
    { arbitrary: fc.array(fc.tuple(key, tie('value')), { maxLength: 3 }).map((entries) => ({ t: 'cyclic', entries }) as const), weight: 1 },
  ),
}));

/** An ID as pages really pass them, and as they should not: numbers, objects, null, undefined, arrays… */
const id: fc.Arbitrary<Recipe> = fc.oneof({ arbitrary: str, weight: 3 }, value);

const maybe = (arbitrary: fc.Arbitrary<Recipe>) => fc.option(arbitrary, { nil: undefined });
const definedPrefix = (args: ReadonlyArray<Recipe | undefined>): Recipe[] => {
  // Trailing omitted arguments are left out, as a page would write the call.
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end -= 1;
  return args.slice(0, end).map((arg) => arg ?? { t: 'undefined' });
};

/** Calls in the order the API documents, each argument possibly hostile. */
const documentedOrder: fc.Arbitrary<ProbeCall> = fc.oneof(
  fc.tuple(maybe(id), maybe(value), maybe(value), maybe(value)).map((args) => ({ m: 'identify', args: definedPrefix(args) }) as const),
  fc.tuple(id, maybe(value), maybe(value), maybe(value)).map((args) => ({ m: 'track', args: definedPrefix(args) }) as const),
  fc.tuple(maybe(id), maybe(id), maybe(value), maybe(value), maybe(value)).map((args) => ({ m: 'page', args: definedPrefix(args) }) as const),
  fc.tuple(id, maybe(value), maybe(value), maybe(value)).map((args) => ({ m: 'group', args: definedPrefix(args) }) as const),
  fc.tuple(id, maybe(id), maybe(value), maybe(value)).map((args) => ({ m: 'alias', args: definedPrefix(args) }) as const),
  fc.constant<ProbeCall>({ m: 'reset', args: [] }),
  fc.tuple(maybe(id)).map((args) => ({ m: 'setAnonymousId', args: definedPrefix(args) }) as const),
  fc.tuple(maybe(id)).map((args) => ({ m: 'user.anonymousId', args: definedPrefix(args) }) as const),
  fc.tuple(maybe(id)).map((args) => ({ m: 'user.id', args: definedPrefix(args) }) as const),
);

/** Any method with any arguments in any order. */
const anyOrder: fc.Arbitrary<ProbeCall> = fc
  .record({ m: fc.constantFrom(...METHODS), args: fc.array(value, { maxLength: 6 }) })
  .map(({ m, args }) => ({ m, args }));

export const hostileCall: fc.Arbitrary<ProbeCall> = fc.oneof(documentedOrder, anyOrder);

/** 5,000,000 characters: under the fixture collector's 5 MiB body limit, so the library's request is received. */
export const FIVE_MB = 5_000_000;

/**
 * The expensive shapes, a few of each: 5 MB strings and 10,000 levels of nesting, made after
 * the generated ones. None is a userId or traits, which analytics.js would store and then send
 * again with every later event of the page.
 */
export const heavyCalls: readonly ProbeCall[] = [
  { m: 'track', args: [{ t: 'str', v: 'Five Megabytes' }, { t: 'object', nullProto: false, entries: [['blob', { t: 'long-string', length: FIVE_MB }]] }] },
  { m: 'page', args: [{ t: 'str', v: 'Docs' }, { t: 'long-string', length: FIVE_MB }] },
  { m: 'alias', args: [{ t: 'long-string', length: FIVE_MB }, { t: 'str', v: 'previous-id' }] },
  { m: 'track', args: [{ t: 'str', v: 'Deep Object' }, { t: 'deep', depth: 10_000, kind: 'object' }] },
  { m: 'page', args: [{ t: 'str', v: 'Deep' }, { t: 'str', v: 'Array' }, { t: 'deep', depth: 10_000, kind: 'array' }] },
  { m: 'group', args: [{ t: 'deep', depth: 10_000, kind: 'object' }] },
];

/** `count` calls from fast-check, the same for the same seed. */
export function generateCalls(seed: number, count: number): ProbeCall[] {
  return fc.sample(hostileCall, { seed, numRuns: count });
}
