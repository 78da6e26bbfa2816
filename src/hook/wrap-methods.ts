import type { CapturedMethod, TrackedMethod } from '../protocol/records';
import { TRACKED_METHODS } from '../protocol/records';
import { withoutPageContext } from './forwarding';
import type { HookContext } from './hook-context';
import { defineProperty, reflectApply, weakSetAdd, weakSetHas } from './intrinsics';

/** Our wrapper functions, so we never wrap a wrapper (instances are re-assigned, hooks re-run). */
const ourWrappers = new WeakSet<Function>();
export const isOurWrapper = (fn: unknown): boolean => typeof fn === 'function' && weakSetHas(ourWrappers, fn);
const markOurs = (fn: Function): void => {
  weakSetAdd(ourWrappers, fn);
};

function isThenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return (
      (typeof value === 'object' || typeof value === 'function') &&
      value !== null &&
      typeof (value as { then?: unknown }).then === 'function'
    );
  } catch {
    return false;
  }
}

/** Reads that are not calls of intent: `group()` with no arguments returns the Group object. */
function isRead(method: TrackedMethod, args: readonly unknown[]): boolean {
  return method === 'group' && args.length === 0;
}

export function defineHidden(target: object, key: string, value: unknown): boolean {
  try {
    defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
    return true;
  } catch {
    // Frozen or non-configurable: the page keeps its own method, uncaptured but intact.
    return false;
  }
}

export interface WrapOptions {
  /**
   * The target only forwards to a loaded instance we also wrap (`AnalyticsBrowser`):
   * its call is recorded here and claimed there, and the instance reports the result.
   */
  readonly forwards?: boolean;
}

/**
 * Wraps `method` on `target` with a function that records the call, calls the
 * original with the same `this` and arguments, and returns its result untouched.
 * Exceptions the original throws reach the page unchanged; ours never do.
 */
export function wrapMethod(context: HookContext, target: object, method: TrackedMethod, options: WrapOptions): void {
  let original: unknown;
  try {
    original = (target as Record<string, unknown>)[method];
  } catch {
    return;
  }
  if (typeof original !== 'function' || isOurWrapper(original)) return;
  const originalFn = original as (...args: unknown[]) => unknown;

  const wrapper = function identityLensWrapper(this: unknown, ...args: unknown[]): unknown {
    let callId: string | null = null;
    context.guard(
      'record-call',
      () => {
        if (isRead(method, args)) return;
        const forwarded = context.forwarding.claim(method, args);
        if (forwarded) {
          callId = forwarded.callId;
          return;
        }
        const instance = context.instanceRef(target);
        if (instance === undefined) return;
        // A buffered page context as the last argument means the library is replaying
        // a call the page made before it loaded (AnalyticsBrowser's own buffer).
        const pageArgs = withoutPageContext(args);
        const queued = pageArgs.length !== args.length;
        // Taken only for a call that is recorded (not for a replay, which has its record):
        // still inside the wrapper, which V8 starts the stack below.
        const stack = context.callStack(method, wrapper);
        const id = context.recordCall({ method, args: pageArgs, instance, queued, stack });
        if (options.forwards) context.forwarding.remember({ callId: id, method, args });
        else callId = id;
      },
      undefined,
    );
    const previousCall = context.currentCallId;
    context.currentCallId = callId;
    context.internalDepth += 1;
    let result: unknown;
    try {
      result = reflectApply(originalFn, this, args);
    } catch (error) {
      context.internalDepth -= 1;
      context.currentCallId = previousCall;
      if (callId !== null) context.guard('record-result', () => context.recordResult(callId as string, 'threw', null, error), undefined);
      throw error;
    }
    context.internalDepth -= 1;
    context.currentCallId = previousCall;
    // A promise is left alone: any handler we attached would mark it handled, and a page
    // whose analytics call rejects would no longer see its unhandledrejection. What became
    // of the event, analytics-next reports through its emitters (adapters/analytics-next.ts).
    if (callId !== null && !isThenable(result)) {
      const id = callId;
      context.guard('record-result', () => context.recordResult(id, 'returned', null, null), undefined);
    }
    context.watchStorage('after-call');
    return result;
  };
  markOurs(wrapper);
  defineHidden(target, method, wrapper);
}

export function wrapTrackedMethods(context: HookContext, target: object, options: WrapOptions): void {
  for (let i = 0; i < TRACKED_METHODS.length; i += 1) wrapMethod(context, target, TRACKED_METHODS[i] as TrackedMethod, options);
}

/** The user object's readers: `user().anonymousId()` creates an ID when none exists, which is worth seeing. */
export function wrapUserReads(context: HookContext, user: object, owner: object): void {
  const reads: Array<[string, CapturedMethod, 'ajs_anonymous_id' | 'ajs_user_id']> = [
    ['anonymousId', 'user.anonymousId', 'ajs_anonymous_id'],
    ['id', 'user.id', 'ajs_user_id'],
  ];
  for (let i = 0; i < reads.length; i += 1) {
    const read = reads[i] as (typeof reads)[number];
    const property = read[0];
    const method = read[1];
    const key = read[2];
    let original: unknown;
    try {
      original = (user as Record<string, unknown>)[property];
    } catch {
      continue;
    }
    if (typeof original !== 'function' || isOurWrapper(original)) continue;
    const originalFn = original as (...args: unknown[]) => unknown;
    const wrapper = function identityLensUserRead(this: unknown, ...args: unknown[]): unknown {
      if (context.internalDepth > 0) return reflectApply(originalFn, this, args);
      const stack = context.callStack(method, wrapper);
      const before = context.guard(
        'read-before',
        () => {
          const snapshot = context.storage();
          return snapshot.localStorage[key] ?? snapshot.cookie[key] ?? null;
        },
        null,
      );
      context.internalDepth += 1;
      let result: unknown;
      try {
        result = reflectApply(originalFn, this, args);
      } finally {
        context.internalDepth -= 1;
      }
      context.guard(
        'record-read',
        () => {
          // Storage is re-read now so that `storedBefore` reflects the state just before this read.
          const instance = context.instanceRef(owner);
          if (instance === undefined) return;
          context.recordCall({ method, args, instance, queued: false, stack, returned: result, storedBefore: before });
        },
        undefined,
      );
      context.watchStorage('after-call');
      return result;
    };
    markOurs(wrapper);
    defineHidden(user, property, wrapper);
  }
}

/** Wraps `user()` so the object it returns has its readers wrapped; the same object is returned. */
export function wrapUserAccessor(context: HookContext, target: object): void {
  let original: unknown;
  try {
    original = (target as Record<string, unknown>).user;
  } catch {
    return;
  }
  if (typeof original !== 'function' || isOurWrapper(original)) return;
  const originalFn = original as (...args: unknown[]) => unknown;
  const wrapper = function identityLensUser(this: unknown, ...args: unknown[]): unknown {
    const user = reflectApply(originalFn, this, args);
    if (typeof user === 'object' && user !== null && !isThenable(user)) {
      context.guard('wrap-user', () => wrapUserReads(context, user, target), undefined);
    }
    return user;
  };
  markOurs(wrapper);
  defineHidden(target, 'user', wrapper);
}
