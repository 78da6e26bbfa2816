import { TRACKED_METHODS, type TrackedMethod } from '../../protocol/records';
import { captureCallStack, type CallStack } from '../call-site';
import { withoutPageContext } from '../forwarding';
import type { HookContext } from '../hook-context';
import { copyList, isArray, listHas, reflectApply } from '../intrinsics';
import { defineHidden, isOurWrapper } from '../wrap-methods';

const nativePush = Array.prototype.push;

/** The snippet stub: `window.analytics = []` with methods that push `[method, ...args]`. */
export function isSnippetStub(value: unknown): value is unknown[] {
  return isArray(value);
}

export function snippetWriteKey(stub: object): string | null {
  const key = (stub as { _writeKey?: unknown })._writeKey;
  return typeof key === 'string' ? key : null;
}

/**
 * Captures calls queued on the stub before the library loads, in order, including
 * those queued before the hook saw the stub. Each is remembered so that its replay
 * on the loaded instance is linked to it rather than captured again.
 */
export function hookSnippetStub(context: HookContext, stub: unknown[], global: string | null): void {
  if (context.registerInstance(stub, 'snippet', global) === null) return;

  const capture = (item: unknown, stack: CallStack | null): void => {
    if (!isArray(item) || typeof item[0] !== 'string' || !listHas(TRACKED_METHODS, item[0])) return;
    const method = item[0] as TrackedMethod;
    const args = withoutPageContext(copyList(item, 1));
    const instance = context.instanceRef(stub);
    if (instance === undefined) return;
    const callId = context.recordCall({ method, args, instance, queued: true, stack });
    // The replay passes the arguments array's values; keep the originals, page context included.
    context.forwarding.remember({ callId, method, args: copyList(item, 1) });
  };

  const existing = copyList(stub);
  const stack = captureCallStack();
  for (let i = 0; i < existing.length; i += 1) context.guard('snippet-existing', () => capture(existing[i], stack), undefined);

  let currentPush: unknown;
  try {
    currentPush = stub.push;
  } catch {
    return;
  }
  if (isOurWrapper(currentPush)) return;
  const pushTarget = typeof currentPush === 'function' ? (currentPush as typeof nativePush) : nativePush;
  const push = function identityLensSnippetPush(this: unknown, ...items: unknown[]): number {
    // One stack for everything pushed at once; a burst of calls goes without (see CALL_SITES_PER_RUN).
    const first = items[0];
    const method = isArray(first) && typeof first[0] === 'string' ? first[0] : '';
    const callStack = context.callStack(method, push);
    for (let i = 0; i < items.length; i += 1) context.guard('snippet-push', () => capture(items[i], callStack), undefined);
    return reflectApply(pushTarget, this, items) as number;
  };
  defineHidden(stub, 'push', push);
}
