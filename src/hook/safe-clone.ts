import type { Cloned, CloneMarkerKind } from '../protocol/records';
import { append, defineProperty, getPrototypeOf, isArray, listHas, numberIsFinite, objectKeys, objectToString } from './intrinsics';

/**
 * Copies a page value into JSON-safe data without ever throwing and without
 * running more page code than reading properties (getters run; a getter that
 * throws becomes a marker). Budgets keep a multi-megabyte argument from stalling
 * the page: what does not fit is truncated with a marker that says so.
 */
export interface CloneLimits {
  readonly maxDepth: number;
  readonly maxStringLength: number;
  readonly maxKeys: number;
  /** Total nodes copied per value; the rest becomes `truncated` markers. */
  readonly maxNodes: number;
}

export const DEFAULT_CLONE_LIMITS: CloneLimits = {
  maxDepth: 12,
  maxStringLength: 16_384,
  maxKeys: 200,
  maxNodes: 5_000,
};

const ObjectPrototype = Object.prototype;

const marker = (kind: CloneMarkerKind, extra: Record<string, Cloned> = {}): Cloned => ({
  $il: kind,
  ...extra,
});

function describeDomNode(value: object): string | null {
  const NodeCtor = (globalThis as { Node?: typeof Node }).Node;
  if (NodeCtor === undefined || !(value instanceof NodeCtor)) return null;
  const node = value as Node;
  if (node.nodeType === 1) {
    const el = node as Element;
    const id = el.id ? `#${el.id}` : '';
    return `<${el.tagName.toLowerCase()}${id}>`;
  }
  return node.nodeName;
}

function errorMessage(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return String(error);
  } catch {
    return 'unprintable error';
  }
}

export function safeClone(value: unknown, limits: CloneLimits = DEFAULT_CLONE_LIMITS): Cloned {
  let nodes = 0;
  // The objects on the path from the root: a cycle leads back to one of them. At most
  // maxDepth long, so a scan is as quick as a Set and needs none of the page's Set methods.
  const ancestors: object[] = [];

  const cloneString = (s: string): Cloned =>
    s.length > limits.maxStringLength
      ? marker('truncated', { length: s.length, head: s.slice(0, limits.maxStringLength) })
      : s;

  const visit = (v: unknown, depth: number): Cloned => {
    nodes += 1;
    if (nodes > limits.maxNodes) return marker('truncated', { reason: 'size' });
    switch (typeof v) {
      case 'string':
        return cloneString(v);
      case 'number':
        return numberIsFinite(v) ? v : marker('non-finite', { value: `${v}` });
      case 'boolean':
        return v;
      case 'undefined':
        return marker('undefined');
      case 'bigint':
        return marker('bigint', { value: v.toString() });
      case 'symbol':
        return marker('symbol', { description: v.description ?? null });
      case 'function':
        return marker('function', { name: safeName(v) });
    }
    if (v === null) return null;
    const obj = v as object;
    if (listHas(ancestors, obj)) return marker('circular');
    if (depth >= limits.maxDepth) return marker('depth');
    const dom = describeDomNode(obj);
    if (dom !== null) return marker('dom', { node: dom });
    if (obj instanceof Date) {
      const time = obj.getTime();
      return numberIsFinite(time) ? obj.toISOString() : marker('non-finite', { value: 'Invalid Date' });
    }
    append(ancestors, obj);
    try {
      if (isArray(obj)) {
        const out: Cloned[] = [];
        const length = obj.length < limits.maxKeys ? obj.length : limits.maxKeys;
        for (let i = 0; i < length; i += 1) append(out, readProperty(obj, i, depth));
        if (obj.length > length) append(out, marker('truncated', { length: obj.length }));
        return out;
      }
      if (obj instanceof Error) {
        return { name: obj.name, message: cloneString(String(obj.message)) };
      }
      const tag = objectToString(obj);
      if (tag !== '[object Object]' && getPrototypeOf(obj) !== null && !isPlainLike(obj)) {
        // Maps, Sets, typed arrays, class instances from other realms: their own
        // enumerable keys say little, so keep a readable tag and the keys there are.
        const out: Record<string, Cloned> = { $il: 'unserialisable', type: tag.slice(8, -1) };
        copyKeys(obj, out, depth);
        return out;
      }
      const out: Record<string, Cloned> = {};
      copyKeys(obj, out, depth);
      return out;
    } catch (error) {
      return marker('thrown', { message: errorMessage(error) });
    } finally {
      ancestors.length -= 1;
    }
  };

  const readProperty = (obj: object, key: string | number, depth: number): Cloned => {
    let child: unknown;
    try {
      child = (obj as Record<string | number, unknown>)[key];
    } catch (error) {
      return marker('thrown', { message: errorMessage(error) });
    }
    return visit(child, depth + 1);
  };

  const copyKeys = (obj: object, out: Record<string, Cloned>, depth: number): void => {
    const keys = objectKeys(obj);
    const length = keys.length < limits.maxKeys ? keys.length : limits.maxKeys;
    for (let i = 0; i < length; i += 1) {
      const key = keys[i] as string;
      // An own `__proto__` key is kept as data under another name: copied as is, later code
      // could make it a prototype, and the bridge drops any record that holds one.
      defineProperty(out, key === '__proto__' ? '$il:__proto__' : key, {
        value: readProperty(obj, key, depth),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (keys.length > length) out.$il_truncatedKeys = keys.length - length;
  };

  try {
    return visit(value, 0);
  } catch (error) {
    // A Proxy can throw from any trap, even `typeof`-adjacent ones like getPrototypeOf.
    return marker('thrown', { message: errorMessage(error) });
  }
}

function isPlainLike(obj: object): boolean {
  const proto = getPrototypeOf(obj) as object | null;
  return proto === null || proto === ObjectPrototype || getPrototypeOf(proto) === null;
}

function safeName(fn: unknown): string {
  try {
    const name = (fn as { name?: unknown }).name;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}
