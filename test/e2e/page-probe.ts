/**
 * The page side of the hostile-input tests. `installProbe` is passed to `page.evaluate` whole,
 * so it must not use anything from this module's scope: it builds recipes (hostile-values.ts)
 * into real values, makes the calls on `window.analytics`, and describes everything the page
 * can observe (returns, exceptions, promise outcomes, callbacks invoked, unhandled rejections,
 * the snippet stub's queue) as JSON. The same probe runs with and without the extension; the
 * test compares the two descriptions.
 */
import type { ProbeCall, Recipe } from './hostile-values';

/** What the page saw of one call. */
export type CallOutcome =
  | { readonly returned: unknown }
  | { readonly threw: string }
  | { readonly resolved: unknown }
  | { readonly rejected: string }
  | { readonly pending: true };

export interface BatchOutcome {
  readonly outcomes: CallOutcome[];
  /** Calls of the recipe functions, by creation index: the hook must call none of them. */
  readonly functionCalls: Record<string, number>;
  readonly unhandledRejections: string[];
  readonly windowErrors: string[];
  /** On the snippet stub: each call's queued item, and whether it holds the very values passed. */
  readonly queued: unknown[];
}

export interface Probe {
  run(calls: readonly ProbeCall[], settleMs: number): Promise<BatchOutcome>;
}

export function installProbe(): void {
  type Loose = Record<PropertyKey, unknown>;
  const holder = window as unknown as { __identityLensProbe?: Probe; analytics?: unknown };
  if (holder.__identityLensProbe) return;

  // Taken now: the probe is installed with `addInitScript`, before the hook and the page, and
  // some tests replace these built-ins later.
  const defineProperty = Object.defineProperty;
  const objectToString = Object.prototype.toString;
  const reflectApply = Reflect.apply;

  let functionIndex = 0;
  let functionCalls: Record<string, number> = {};
  // Since the probe was installed: the page's own scripts may fail before any call is made.
  const unhandledRejections: string[] = [];
  const windowErrors: string[] = [];

  const errorText = (error: unknown): string => {
    try {
      if (error instanceof Error) return `${error.constructor.name}: ${error.message}`;
      return `non-error ${typeof error}: ${String(error)}`;
    } catch {
      return 'unprintable';
    }
  };
  window.addEventListener('unhandledrejection', (event) => unhandledRejections.push(errorText(event.reason)));
  window.addEventListener('error', (event) => windowErrors.push(errorText(event.error ?? event.message)));

  const TRAPS = ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'set', 'apply', 'deleteProperty', 'isExtensible', 'preventExtensions', 'setPrototypeOf', 'construct'];

  const define = (target: object, key: string, value: unknown): void => {
    defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  };

  const build = (recipe: Recipe): unknown => {
    switch (recipe.t) {
      case 'str':
      case 'bool':
        return recipe.v;
      case 'num':
        if (typeof recipe.v === 'number') return recipe.v;
        return { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY, '-0': -0 }[recipe.v];
      case 'null':
        return null;
      case 'undefined':
        return undefined;
      case 'bigint':
        return BigInt(recipe.v);
      case 'symbol':
        return Symbol(recipe.v);
      case 'function': {
        const name = `f${(functionIndex += 1)}`;
        const throws = recipe.throws;
        return function fuzzFunction() {
          functionCalls[name] = (functionCalls[name] ?? 0) + 1;
          if (throws) throw new Error(`${name} threw`);
          return name;
        };
      }
      case 'dom':
        switch (recipe.v) {
          case 'element': {
            const element = document.createElement('div');
            element.id = 'fuzz';
            return element;
          }
          case 'text':
            return document.createTextNode('fuzz');
          case 'document':
            return document;
          case 'window':
            return window;
          case 'body':
            return document.body;
          case 'fragment':
            return document.createDocumentFragment();
        }
        return undefined;
      case 'array':
        return recipe.items.map(build);
      case 'object': {
        const out: object = recipe.nullProto ? Object.create(null) : {};
        for (const [key, value] of recipe.entries) define(out, key, build(value));
        return out;
      }
      case 'cyclic': {
        const out: Loose = {};
        for (const [key, value] of recipe.entries) define(out, key, build(value));
        define(out, 'self', out);
        define(out, 'nested', [{ parent: out }]);
        return out;
      }
      case 'getter': {
        const out = {};
        const throws = recipe.throws;
        defineProperty(out, recipe.key, {
          enumerable: true,
          configurable: true,
          get() {
            if (throws) throw new Error('getter threw');
            return 'from a getter';
          },
        });
        return out;
      }
      case 'proxy': {
        const target = recipe.target === 'array' ? [1, 2] : recipe.target === 'function' ? function proxied() {} : { a: 1 };
        const handler: Record<string, () => never> = {};
        const traps = recipe.traps.length === 0 ? TRAPS : recipe.traps;
        for (const trap of traps) {
          handler[trap] = () => {
            throw new Error(`proxy ${trap} trap threw`);
          };
        }
        return new Proxy(target, handler);
      }
      case 'long-string':
        return 'x'.repeat(recipe.length);
      case 'deep': {
        let value: unknown = 'bottom';
        for (let i = 0; i < recipe.depth; i += 1) value = recipe.kind === 'array' ? [value] : { next: value };
        return value;
      }
      case 'date':
        return new Date(recipe.v ?? Number.NaN);
      case 'special':
        switch (recipe.v) {
          case 'map':
            return new Map<unknown, unknown>([['k', 1], [{}, 'object key']]);
          case 'set':
            return new Set([1, 'two']);
          case 'regexp':
            return /fuzz/gi;
          case 'error':
            return new TypeError('an error as a value');
          case 'typed-array':
            return new Uint8Array([1, 2, 3]);
          case 'resolved-promise':
            return Promise.resolve('a promise as a value');
          case 'weak-map':
            return new WeakMap();
          case 'arguments':
            return (function argumentsObject(..._args: unknown[]) {
              // eslint-disable-next-line prefer-rest-params
              return arguments;
            })(1, 'two');
          case 'class-instance':
            return new (class Plan {
              tier = 'gold';
              get price() {
                return 10;
              }
            })();
          case 'proto-key':
            return JSON.parse('{"__proto__":{"polluted":true},"a":1}') as unknown;
          case 'symbol-keys':
            return { [Symbol('hidden')]: 1, shown: 2 };
          case 'frozen':
            return Object.freeze({ a: Object.freeze([1, 2]) });
          case 'sparse-array': {
            const sparse: unknown[] = [];
            sparse[3000] = 'end';
            return sparse;
          }
          case 'long-array':
            return Array.from({ length: 2000 }, (_, i) => i);
          case 'to-json-throws':
            return {
              toJSON() {
                throw new Error('toJSON threw');
              },
            };
          case 'thenable': {
            const name = `f${(functionIndex += 1)}`;
            return {
              then(resolve?: (value: unknown) => void) {
                functionCalls[name] = (functionCalls[name] ?? 0) + 1;
                resolve?.('thenable');
              },
            };
          }
          case 'boxed-primitives':
            // eslint-disable-next-line no-new-wrappers
            return [new Number(1), new String('s'), new Boolean(false), Object(Symbol('boxed'))];
          case 'location':
            return location;
          case 'revoked-proxy': {
            const { proxy, revoke } = Proxy.revocable({}, {});
            revoke();
            return proxy;
          }
        }
    }
    return undefined;
  };

  /** JSON-safe, bounded, never-throwing description of what a value looks like to the page. */
  const describe = (value: unknown, depth = 0, ancestors: unknown[] = []): unknown => {
    try {
      switch (typeof value) {
        case 'string':
          if (value.length <= 200) return value;
          // Long strings: their length and a checksum of the whole, not megabytes of diff.
          let sum = 0;
          for (let i = 0; i < value.length; i += 1) sum = (sum * 31 + value.charCodeAt(i)) | 0;
          return `<string of ${value.length}, ${sum}>`;
        case 'number':
          return Object.is(value, -0) ? '<-0>' : Number.isFinite(value) ? value : `<${String(value)}>`;
        case 'boolean':
          return value;
        case 'undefined':
          return '<undefined>';
        case 'bigint':
          return `<bigint ${value.toString()}>`;
        case 'symbol':
          return `<symbol ${String(value.description)}>`;
        case 'function':
          return `<function ${(value as { name?: unknown }).name === 'fuzzFunction' ? 'from the page' : 'of the library'}>`;
      }
      if (value === null) return null;
      if (value === holder.analytics) return '<window.analytics>';
      if (value === window) return '<window>';
      if (value instanceof Node) return `<node ${value.nodeName}>`;
      if (ancestors.includes(value)) return '<cycle>';
      if (depth >= 8) return '<deeper>';
      if (value instanceof Date) return `<date ${value.getTime()}>`;
      if (value instanceof Promise) return '<promise>';
      const nested = [...ancestors, value];
      if (Array.isArray(value)) {
        const items = value.slice(0, 30).map((item) => describe(item, depth + 1, nested));
        return value.length > 30 ? [...items, `<${value.length - 30} more>`] : items;
      }
      const out: Record<string, unknown> = {};
      const tag = reflectApply(objectToString, value, []) as string;
      if (tag !== '[object Object]') out['<tag>'] = tag;
      const keys = Object.keys(value as object);
      for (const key of keys.slice(0, 40)) {
        let child: unknown;
        try {
          child = (value as Loose)[key];
        } catch (error) {
          out[key] = `<threw ${errorText(error)}>`;
          continue;
        }
        out[key] = describe(child, depth + 1, nested);
      }
      if (keys.length > 40) out['<more keys>'] = keys.length - 40;
      return out;
    } catch (error) {
      return `<threw ${errorText(error)}>`;
    }
  };

  /** analytics-next resolves with a Context: what the page can read of it is its event and its delivery. */
  const describeResult = (value: unknown): unknown => {
    try {
      const context = value as { event?: unknown; failedDelivery?: () => { reason?: unknown } | undefined } | null;
      if (typeof context === 'object' && context !== null && typeof context.failedDelivery === 'function' && 'event' in context) {
        const failed = context.failedDelivery();
        return { context: describe(context.event), failedDelivery: failed ? errorText(failed.reason) : null };
      }
    } catch (error) {
      // A call that returns a Proxy the page passed in (user().id(proxy) does).
      return `<undescribable: ${errorText(error)}>`;
    }
    return describe(value);
  };

  const invoke = (analytics: Loose, call: ProbeCall, args: unknown[]): unknown => {
    if (call.m === 'user.anonymousId' || call.m === 'user.id') {
      const user = (analytics.user as () => Loose)();
      return (user[call.m === 'user.id' ? 'id' : 'anonymousId'] as (...a: unknown[]) => unknown)(...args);
    }
    return (analytics[call.m] as (...a: unknown[]) => unknown)(...args);
  };

  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  holder.__identityLensProbe = {
    async run(calls, settleMs) {
      functionCalls = {};
      let stub: unknown[] | null = null;
      try {
        const analytics = holder.analytics;
        if (Array.isArray(analytics)) stub = analytics;
      } catch {
        // A page whose window.analytics throws: every call below throws too.
      }
      const outcomes: CallOutcome[] = [];
      const queued: unknown[] = [];
      const promises: Array<{ index: number; promise: Promise<unknown> }> = [];
      for (const call of calls) {
        const args = call.args.map(build);
        let before = 0;
        try {
          before = stub?.length ?? 0;
        } catch {
          stub = null; // an array Proxy whose traps throw: there is no queue to read
        }
        try {
          const returned = invoke(holder.analytics as Loose, call, args);
          if (returned instanceof Promise) {
            promises.push({ index: outcomes.length, promise: returned });
            outcomes.push({ pending: true });
          } else {
            outcomes.push({ returned: describeResult(returned) });
          }
        } catch (error) {
          outcomes.push({ threw: errorText(error) });
        }
        if (stub) {
          const items = stub.slice(before) as unknown[][];
          queued.push(
            items.map((item) => ({
              method: item[0],
              length: item.length,
              // The stub must hold the very values the page passed, not copies.
              same: args.every((arg, i) => Object.is(item[i + 1], arg)),
            })),
          );
        }
      }
      // Handlers are attached a few tasks later, so that a promise nobody handles is reported
      // as an unhandled rejection exactly as the page would see it without the probe.
      for (let i = 0; i < 3; i += 1) await tick(0);
      const settled = promises.map(({ index, promise }) =>
        promise.then(
          (value) => {
            outcomes[index] = { resolved: describeResult(value) };
          },
          (error: unknown) => {
            outcomes[index] = { rejected: errorText(error) };
          },
        ),
      );
      await Promise.race([Promise.all(settled), tick(settleMs)]);
      return { outcomes, functionCalls, unhandledRejections, windowErrors, queued };
    },
  };
}
