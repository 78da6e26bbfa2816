import type {
  CallRecord,
  CapturedMethod,
  Cloned,
  InstanceRef,
  InstanceShape,
  PageRecord,
  StorageRecord,
  StorageSnapshot,
} from '../protocol/records';
import { captureCallStack, createCallSiteBudget, resolveCallSite, type CallStack } from './call-site';
import { createForwardingLedger, type ForwardingLedger } from './forwarding';
import { append, isArray, weakMapGet, weakMapSet } from './intrinsics';
import type { Recorder } from './recorder';
import { safeClone } from './safe-clone';
import { diffSnapshots, readIdentityStorage, type StorageSource } from './storage-reader';

/** Shared state of one hook installation (one page load in one frame). */
export interface HookContext {
  readonly recorder: Recorder;
  readonly forwarding: ForwardingLedger;
  frameUrl(): string;
  /**
   * Depth of library-internal execution we are inside: our own wrappers around
   * page-facing methods and the library's plugins. Reads of `user()` made at depth
   * > 0 are the library's, not the page's, and are not recorded.
   */
  internalDepth: number;
  /** The call currently executing inside a wrapper, for emitters that fire synchronously (classic `invoke`). */
  currentCallId: string | null;
  /** Registers an instance once and returns its reference; `null` means it was seen already. */
  registerInstance(target: object, shape: InstanceShape, global: string | null): InstanceRef | null;
  /** An instance first seen through the inspector is later assigned to a window global: name it. */
  noteGlobal(target: object, global: string): void;
  /** The instance's reference now: the snippet learns its writeKey only when `load()` runs. */
  instanceRef(target: object): InstanceRef | undefined;
  recordCall(input: {
    method: CapturedMethod;
    args: readonly unknown[];
    instance: InstanceRef;
    queued: boolean;
    /** null: not captured, the call being one of a burst (see CALL_SITES_PER_RUN). */
    stack: CallStack | null;
    returned?: unknown;
    storedBefore?: string | null;
  }): string;
  recordResult(callId: string, outcome: 'resolved' | 'rejected' | 'returned' | 'threw', messageId: string | null, error: unknown): void;
  /** Schedules one passive storage read at the end of the current task. */
  watchStorage(trigger: StorageRecord['trigger']): void;
  readStorageNow(trigger: StorageRecord['trigger']): void;
  storage(): StorageSnapshot;
  /** Runs `fn`, never letting an exception of ours reach the page. */
  guard<T>(where: string, fn: () => T, fallback: T): T;
  /**
   * The page's call site for a call of `method` to `wrapper`, made now; null when the call
   * is one of a burst. Call from inside `wrapper`, before it returns.
   */
  callStack(method: string, wrapper: (...args: never[]) => unknown): CallStack | null;
}

export interface HookContextOptions {
  readonly recorder: Recorder;
  readonly storage: StorageSource;
  readonly frameUrl: () => string;
  readonly defer: (fn: () => void) => void;
  /** URL of the hook's own script, so call sites skip our frames; asked for at flush, when first needed. */
  readonly ownScript: () => string | null;
  /** Optional describer for the writeKey and other facts of an instance. */
  readonly describeWriteKey: (target: object, shape: InstanceShape) => string | null;
}

function optionsIdentity(method: CapturedMethod, args: readonly unknown[]): { anonymousId: Cloned; userId: Cloned } {
  // The options object's position depends on the method's overload; take the last
  // plain object argument after the ones that cannot be options.
  const firstOptionsIndex: Partial<Record<CapturedMethod, number>> = {
    identify: 1,
    track: 2,
    page: 1,
    screen: 1,
    group: 1,
    alias: 2,
  };
  const from = firstOptionsIndex[method];
  let anonymousId: Cloned = null;
  let userId: Cloned = null;
  if (from === undefined) return { anonymousId, userId };
  for (let i = args.length - 1; i >= from; i -= 1) {
    const arg = args[i];
    if (typeof arg !== 'object' || arg === null) continue;
    try {
      // Inside the try: Array.isArray throws on a revoked Proxy.
      if (isArray(arg)) continue;
      const options = arg as { anonymousId?: unknown; userId?: unknown; __t?: unknown };
      if (options.__t === 'bpc') continue;
      if ('anonymousId' in options) anonymousId = safeClone(options.anonymousId);
      if ('userId' in options && method !== 'identify') userId = safeClone(options.userId);
    } catch {
      // A Proxy whose `has` trap throws: no identity to report.
    }
    break;
  }
  return { anonymousId, userId };
}

export function createHookContext(options: HookContextOptions): HookContext {
  const { recorder } = options;
  const instances = new WeakMap<object, { ref: InstanceRef; shape: InstanceShape }>();
  let instanceCount = 0;
  let lastSnapshot: StorageSnapshot | null = null;
  let storageCheckScheduled: StorageRecord['trigger'] | null = null;
  const callSites = createCallSiteBudget(options.defer);

  const guard = <T>(where: string, fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (error) {
      recorder.countError(where, error);
      return fallback;
    }
  };

  const readStorageNow = (trigger: StorageRecord['trigger']): void => {
    guard(
      'storage',
      () => {
        const snapshot = readIdentityStorage(options.storage);
        const changed = diffSnapshots(lastSnapshot, snapshot);
        const first = lastSnapshot === null;
        lastSnapshot = snapshot;
        if (changed.length === 0 && !first) return;
        recorder.emit({ kind: 'storage', frameUrl: options.frameUrl(), snapshot, changed, trigger });
      },
      undefined,
    );
  };

  const context: HookContext = {
    recorder,
    forwarding: createForwardingLedger(),
    frameUrl: options.frameUrl,
    internalDepth: 0,
    currentCallId: null,
    guard,
    callStack: (method, wrapper) => (callSites.allows(method) ? captureCallStack(wrapper) : null),
    registerInstance(target, shape, global) {
      if (weakMapGet(instances, target) !== undefined) return null;
      instanceCount += 1;
      const ref: InstanceRef = {
        key: `i${instanceCount}`,
        shape,
        writeKey: guard('writeKey', () => options.describeWriteKey(target, shape), null),
        global,
      };
      weakMapSet(instances, target, { ref, shape });
      recorder.activate();
      return ref;
    },
    noteGlobal(target, global) {
      const entry = weakMapGet(instances, target);
      if (entry && entry.ref.global === null) entry.ref = { ...entry.ref, global };
    },
    instanceRef(target) {
      const entry = weakMapGet(instances, target);
      if (!entry || entry.ref.writeKey !== null) return entry?.ref;
      const writeKey = guard('writeKey', () => options.describeWriteKey(target, entry.shape), null);
      if (writeKey !== null) entry.ref = { ...entry.ref, writeKey };
      return entry.ref;
    },
    recordCall(input) {
      const { anonymousId, userId } = optionsIdentity(input.method, input.args);
      const args: Cloned[] = [];
      for (let i = 0; i < input.args.length; i += 1) append(args, safeClone(input.args[i]));
      const draft: Omit<CallRecord, 'id' | 'seq' | 'at'> = {
        kind: 'call',
        method: input.method,
        args,
        callSite: null,
        frameUrl: options.frameUrl(),
        instance: input.instance,
        queued: input.queued,
        optionsAnonymousId: anonymousId,
        optionsUserId: userId,
        ...('returned' in input ? { returned: safeClone(input.returned) } : {}),
        ...(input.storedBefore !== undefined ? { storedBefore: input.storedBefore } : {}),
        ...(input.stack === null ? { callSiteSkipped: true as const } : {}),
      };
      const stack = input.stack;
      // A call of a burst: no stack to format at flush.
      if (stack === null) return recorder.emit(draft);
      return recorder.emit(draft, (record: PageRecord) => {
        // Formatting the stack is the expensive part; it happens here, at flush, off the page's call.
        const callSite = resolveCallSite(stack.stack, options.ownScript());
        return { ...(record as CallRecord), callSite };
      });
    },
    recordResult(callId, outcome, messageId, error) {
      let message: string | null = null;
      if (error !== undefined && error !== null) {
        try {
          message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        } catch {
          message = 'unprintable error';
        }
      }
      recorder.emit({ kind: 'call-result', callId, outcome, messageId, error: message });
    },
    watchStorage(trigger) {
      if (storageCheckScheduled !== null) return;
      storageCheckScheduled = trigger;
      options.defer(() => {
        const scheduled = storageCheckScheduled ?? trigger;
        storageCheckScheduled = null;
        readStorageNow(scheduled);
      });
    },
    readStorageNow,
    storage: () => readIdentityStorage(options.storage),
  };
  return context;
}
