/**
 * Page scripts for hostile-environments.test.ts. Each is passed to the page whole (as the first
 * script of <head>, or through `page.evaluate`), so none may use anything from this module's
 * scope.
 */

/**
 * Replaces the built-ins the hook relies on with spies that behave exactly like the originals
 * for the page, and record (then throw) when their immediate caller is the extension's script.
 * A hook that took its own references at document_start never calls them; one that looks them
 * up when it runs does, and the test sees it in `window.__foreignCalls`.
 */
export function installSpies(): void {
  const holder = window as unknown as { __foreignCalls?: string[] };
  const foreign: string[] = holder.__foreignCalls ?? (holder.__foreignCalls = []);
  const apply = Reflect.apply;
  const construct = Reflect.construct;
  const define = Object.defineProperty;
  const ErrorCtor = Error;
  let checking = false;

  /** Whether the first non-native frame below the spy is the extension's. */
  const fromExtension = (): boolean => {
    if (checking) return false;
    checking = true;
    try {
      const lines = `${new ErrorCtor().stack}`.split('\n');
      // 0: "Error", 1: fromExtension, 2: the spy, then its callers.
      for (let i = 3; i < lines.length; i += 1) {
        const line = lines[i] as string;
        if (line.includes('(<anonymous>)') || line.includes('(native)')) continue;
        return line.includes('chrome-extension://');
      }
      return false;
    } finally {
      checking = false;
    }
  };
  /**
   * The snippet stub's `push` is the page's own method: the hook's wrapper of it must call it
   * to pass the page's call on, and that is the page's call, not the hook's.
   */
  const isPagesOwnCall = (label: string, self: unknown): boolean =>
    label === 'Array.prototype.push' && self === (window as unknown as { analytics?: unknown }).analytics;
  const caught = (label: string): never => {
    if (!foreign.includes(label)) foreign[foreign.length] = label;
    throw new ErrorCtor(`${label} was called by the extension`);
  };
  const spyOn = (owner: object, key: PropertyKey, label: string): void => {
    const original = (owner as Record<PropertyKey, unknown>)[key] as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') return;
    const spy = function (this: unknown, ...args: unknown[]): unknown {
      if (fromExtension() && !isPagesOwnCall(label, this)) caught(label);
      return new.target ? construct(original, args, new.target) : apply(original, this, args);
    };
    define(spy, 'name', { value: original.name });
    if (original.prototype !== undefined) {
      // A constructor: instances, `instanceof` and static methods as before.
      spy.prototype = original.prototype;
      Object.setPrototypeOf(spy, original);
    }
    define(owner, key, { value: spy, writable: true, configurable: true, enumerable: false });
  };

  const methods: Array<[object, PropertyKey[], string]> = [
    [JSON, ['stringify', 'parse'], 'JSON'],
    [Object, ['defineProperty', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'keys', 'is', 'assign', 'create', 'freeze'], 'Object'],
    [Object.prototype, ['toString', 'hasOwnProperty'], 'Object.prototype'],
    [Reflect, ['apply', 'construct', 'defineProperty', 'ownKeys'], 'Reflect'],
    [Function.prototype, ['call', 'apply', 'bind'], 'Function.prototype'],
    [Array, ['isArray', 'from', 'of'], 'Array'],
    [
      Array.prototype,
      ['push', 'pop', 'shift', 'unshift', 'slice', 'splice', 'map', 'forEach', 'filter', 'join', 'indexOf', 'includes', 'concat', 'some', 'every', 'find', Symbol.iterator, 'values', 'entries'],
      'Array.prototype',
    ],
    [WeakMap.prototype, ['get', 'set', 'has', 'delete'], 'WeakMap.prototype'],
    [WeakSet.prototype, ['add', 'has', 'delete'], 'WeakSet.prototype'],
    [Map.prototype, ['get', 'set', 'has', 'delete', 'clear', 'forEach', Symbol.iterator, 'entries', 'values', 'keys'], 'Map.prototype'],
    [Set.prototype, ['add', 'has', 'delete', 'clear', 'forEach', Symbol.iterator, 'values'], 'Set.prototype'],
    [Promise.prototype, ['then', 'catch', 'finally'], 'Promise.prototype'],
    [Promise, ['resolve', 'reject', 'all', 'race'], 'Promise'],
    [EventTarget.prototype, ['dispatchEvent', 'addEventListener', 'removeEventListener'], 'EventTarget.prototype'],
    [MessagePort.prototype, ['postMessage'], 'MessagePort.prototype'],
    [window, ['postMessage', 'dispatchEvent', 'queueMicrotask', 'setTimeout', 'CustomEvent', 'Event', 'MessageChannel', 'Promise', 'Error', 'WeakMap', 'WeakSet', 'Map', 'Set'], 'window'],
  ];
  for (let i = 0; i < methods.length; i += 1) {
    const [owner, keys, prefix] = methods[i] as [object, PropertyKey[], string];
    for (let k = 0; k < keys.length; k += 1) {
      const key = keys[k] as PropertyKey;
      spyOn(owner, key, `${prefix}.${typeof key === 'symbol' ? `[${key.description ?? ''}]` : key}`);
    }
  }
  // A toJSON on Array.prototype (as Prototype.js defines one) is called by every JSON.stringify
  // of an array. This one changes nothing in the output; it only sees who serialises.
  const toJSON = function (this: unknown[]): unknown[] {
    if (fromExtension()) caught('Array.prototype.toJSON');
    const copy: unknown[] = [];
    for (let i = 0; i < this.length; i += 1) copy[i] = this[i];
    return copy;
  };
  define(Array.prototype, 'toJSON', { value: toJSON, writable: true, configurable: true, enumerable: false });
}

export type BrokenBuiltIns = 'json' | 'events' | 'messaging' | 'stack-trace-limit' | 'prototype-js';

/** Built-ins replaced by versions that fail for everybody, page included. */
export function breakBuiltIns(kinds: readonly BrokenBuiltIns[]): void {
  const refuse = (name: string) =>
    function refused(): never {
      throw new TypeError(`${name} is disabled on this page`);
    };
  const replace = (owner: object, key: string, value: unknown): void => {
    Object.defineProperty(owner, key, { value, writable: true, configurable: true, enumerable: false });
  };
  for (const kind of kinds) {
    switch (kind) {
      case 'json':
        replace(JSON, 'stringify', refuse('JSON.stringify'));
        replace(JSON, 'parse', refuse('JSON.parse'));
        break;
      case 'events':
        replace(EventTarget.prototype, 'dispatchEvent', refuse('dispatchEvent'));
        replace(window, 'dispatchEvent', refuse('window.dispatchEvent'));
        replace(window, 'CustomEvent', refuse('CustomEvent'));
        replace(window, 'Event', refuse('Event'));
        break;
      case 'messaging':
        replace(MessagePort.prototype, 'postMessage', refuse('MessagePort.postMessage'));
        replace(window, 'postMessage', refuse('window.postMessage'));
        replace(window, 'MessageChannel', refuse('MessageChannel'));
        replace(window, 'queueMicrotask', refuse('queueMicrotask'));
        break;
      case 'stack-trace-limit':
        // V8 reads stackTraceLimit as a data property only; as an accessor it throws for whoever touches it.
        Object.defineProperty(Error, 'stackTraceLimit', { get: refuse('Error.stackTraceLimit'), set: refuse('Error.stackTraceLimit'), configurable: true });
        break;
      case 'prototype-js':
        // Prototype.js 1.6: Array.prototype.toJSON returns JSON *text*, so JSON.stringify of any
        // object holding an array double-encodes it.
        replace(Array.prototype, 'toJSON', function (this: unknown[]): string {
          let out = '[';
          for (let i = 0; i < this.length; i += 1) out += (i > 0 ? ', ' : '') + JSON.stringify(this[i]);
          return `${out}]`;
        });
        break;
    }
  }
}

export type GlobalHostility =
  | 'getter-throws'
  | 'getter-owned-by-page'
  | 'proxy-throws'
  | 'frozen-empty-stub';

/** `window.analytics` as a hostile page defines it, before the snippet runs. */
export function defineHostileGlobal(kind: GlobalHostility): void {
  const boom = () => {
    throw new Error('window.analytics is not available');
  };
  switch (kind) {
    case 'getter-throws':
      Object.defineProperty(window, 'analytics', { get: boom, set: boom, configurable: true });
      break;
    case 'getter-owned-by-page': {
      // The page keeps the value itself: a hook watching the property is replaced, not called.
      let value: unknown;
      Object.defineProperty(window, 'analytics', {
        get: () => value,
        set: (next: unknown) => {
          value = next;
        },
        configurable: true,
      });
      break;
    }
    case 'proxy-throws':
      (window as unknown as { analytics: unknown }).analytics = new Proxy([], {
        get: boom,
        has: boom,
        set: boom,
        ownKeys: boom,
        getOwnPropertyDescriptor: boom,
        getPrototypeOf: boom,
        defineProperty: boom,
      });
      break;
    case 'frozen-empty-stub':
      (window as unknown as { analytics: unknown }).analytics = Object.freeze([]);
      break;
  }
}

/** Freezes whatever `window.analytics` holds now (the snippet stub, or the loaded instance). */
export function freezeAnalytics(): void {
  Object.freeze((window as unknown as { analytics: object }).analytics);
}

/**
 * Replaces `window.analytics` a hundred times with every kind of value, calling a method on
 * each as a page would, then puts the real instance back. Returns what each call did.
 */
export function replaceAnalyticsHundredTimes(): string[] {
  const holder = window as unknown as { analytics: unknown };
  const real = holder.analytics;
  const boom = () => {
    throw new Error('trap');
  };
  const makers: Array<(i: number) => unknown> = [
    () => [],
    (i) => Object.assign([], { track: (...args: unknown[]) => ['stub', i, args.length] }),
    (i) => ({ track: 'not a function', identify: i, page: null, user: {}, queue: { on: 'nope' } }),
    (i) => ({ track: () => i, initialize: () => i, on: () => i }), // looks like classic analytics.js
    (i) => ({ track: () => i, queue: { on: () => i } }), // looks like analytics-next
    (i) => ({ then: (resolve: (v: unknown) => void) => resolve(i), track: () => i }), // looks like AnalyticsBrowser
    () => Object.freeze({ track: () => 'frozen' }),
    () => new Proxy({}, { get: boom, has: boom, getPrototypeOf: boom, ownKeys: boom }),
    () => null,
    () => undefined,
    (i) => i,
    () => real,
  ];
  const results: string[] = [];
  for (let i = 0; i < 100; i += 1) {
    const maker = makers[i % makers.length] as (i: number) => unknown;
    try {
      holder.analytics = maker(i);
      const current = holder.analytics as { track?: (...args: unknown[]) => unknown } | null | undefined;
      const returned = current?.track?.('Replaced', { i });
      results.push(`${i}: ${returned instanceof Promise ? 'promise' : JSON.stringify(returned) ?? 'undefined'}`);
    } catch (error) {
      results.push(`${i}: threw ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  holder.analytics = real;
  return results;
}
