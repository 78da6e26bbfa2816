/**
 * The built-ins the hook uses once the page runs, taken when this module is evaluated: at
 * document_start, before any script of the page. A page may replace `JSON.stringify`,
 * `Array.prototype.push`, `Reflect.apply`, `WeakMap.prototype.get`… after that, or make them
 * throw; the hook neither calls the page's versions nor breaks.
 *
 * Methods are "uncurried" (`weakMapGet(map, key)` is the original `map.get(key)`): calling one
 * looks nothing up on the page's prototypes. Loops over arrays are index loops, never `for…of`,
 * spread or destructuring, which call the page's `Array.prototype[Symbol.iterator]`.
 */
const { bind, call } = Function.prototype;

/** `uncurry(Array.prototype.slice)(list, 1)` is the original `list.slice(1)`. */
export const uncurry = bind.bind(call) as <T, A extends unknown[], R>(method: (this: T, ...args: A) => R) => (self: T, ...args: A) => R;

export const reflectApply = Reflect.apply;
export const { defineProperty, getOwnPropertyDescriptor, getPrototypeOf, keys: objectKeys, is: objectIs } = Object;
export const { isArray } = Array;
export const { isFinite: numberIsFinite } = Number;
export const { stringify: jsonStringify, parse: jsonParse } = JSON;
export const NativeError = Error as ErrorConstructor & { stackTraceLimit?: unknown };
/** V8's `Error.captureStackTrace` (absent or different elsewhere; only used where V8's stackTraceLimit is). */
export const nativeCaptureStackTrace = (Error as { captureStackTrace?: (target: object, below?: (...args: never[]) => unknown) => void }).captureStackTrace;
export const { create: objectCreate } = Object;
export const decodeUriComponent = decodeURIComponent;
const ArrayPrototype = Array.prototype;

export const objectToString = uncurry(Object.prototype.toString);
export const arraySlice = uncurry(Array.prototype.slice) as <T>(list: ArrayLike<T>, start?: number, end?: number) => T[];
export const arraySplice = uncurry(Array.prototype.splice) as <T>(list: T[], start: number, deleteCount: number) => T[];
export const arrayShift = uncurry(Array.prototype.shift) as <T>(list: T[]) => T | undefined;
export const weakMapGet = uncurry(WeakMap.prototype.get) as <K extends object, V>(map: WeakMap<K, V>, key: K) => V | undefined;
export const weakMapSet = uncurry(WeakMap.prototype.set) as <K extends object, V>(map: WeakMap<K, V>, key: K, value: V) => WeakMap<K, V>;
export const weakSetHas = uncurry(WeakSet.prototype.has) as <T extends object>(set: WeakSet<T>, value: T) => boolean;
export const weakSetAdd = uncurry(WeakSet.prototype.add) as <T extends object>(set: WeakSet<T>, value: T) => WeakSet<T>;

/** `list.push(value)`, without the page's `Array.prototype.push`. */
export function append<T>(list: T[], value: T): void {
  list[list.length] = value;
}

/**
 * `list.slice(from)` for arrays the page made (the snippet's queue and its items): a plain
 * copy, which reads nothing but indexes, where `slice` would ask the array for its
 * constructor and species.
 */
export function copyList<T>(list: ArrayLike<T>, from = 0): T[] {
  const out: T[] = [];
  for (let i = from; i < list.length; i += 1) out[i - from] = list[i] as T;
  return out;
}

/** Whether `list` holds `value`, without the page's `includes` or `Set.prototype.has`. */
export function listHas(list: readonly unknown[], value: unknown): boolean {
  for (let i = 0; i < list.length; i += 1) if (list[i] === value) return true;
  return false;
}

/** A call-bound getter of `prototype[key]`, taken now: `getterOf(Document.prototype, 'cookie')(document)`. */
export function getterOf<T>(prototype: object, key: string): ((self: T) => unknown) | null {
  const get = getOwnPropertyDescriptor(prototype, key)?.get;
  return get ? (uncurry(get) as (self: T) => unknown) : null;
}

/**
 * JSON text of the hook's own data (plain objects and arrays of strings, finite numbers,
 * booleans and null). `JSON.stringify` calls any `toJSON` it finds on Object.prototype or
 * Array.prototype (Prototype.js defines one that returns text, which double-encodes every
 * array); when the page has one, the text is written here instead.
 */
export function jsonText(value: unknown): string {
  return 'toJSON' in ArrayPrototype ? writeJson(value) : (jsonStringify(value) as string);
}

function writeJson(value: unknown): string {
  // Primitives never consult toJSON.
  if (typeof value !== 'object' || value === null) return jsonStringify(value) ?? 'null';
  let out: string;
  if (isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i > 0 ? ',' : '') + writeJson(value[i]);
    return `${out}]`;
  }
  const keys = objectKeys(value);
  out = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function') continue;
    out += (out.length > 1 ? ',' : '') + jsonStringify(key) + ':' + writeJson(item);
  }
  return `${out}}`;
}
