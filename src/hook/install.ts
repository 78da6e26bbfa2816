import { BRIDGE_EVENT, PAGE_EVENT, PROTOCOL_VERSION, WINDOW_TAG, type PageToBridge } from '../protocol/messages';
import type { InstanceShape, LifecycleEvent } from '../protocol/records';
import { analyticsNextWriteKey, hookAnalyticsNext, isAnalyticsNext } from './adapters/analytics-next';
import { bufferedWriteKey, hookBuffered, isBuffered } from './adapters/buffered';
import { classicWriteKey, hookClassic, isClassic } from './adapters/classic';
import { hookSnippetStub, isSnippetStub, snippetWriteKey } from './adapters/snippet';
import { captureCallStack, frameScript } from './call-site';
import { createHookContext, type HookContext } from './hook-context';
import { append, arrayShift, defineProperty, getOwnPropertyDescriptor, getterOf, jsonParse, jsonText, listHas, reflectApply, uncurry } from './intrinsics';
import { createRecorder, type PageTransport } from './recorder';
import { browserStorageSource } from './storage-reader';

const INSTALLED = Symbol.for('identity-lens.hook');
const DEFAULT_GLOBAL = 'analytics';
const CUSTOM_GLOBAL_ATTRIBUTE = 'data-global-segment-analytics-key';

function describeWriteKey(target: object, shape: InstanceShape): string | null {
  switch (shape) {
    case 'snippet':
      return snippetWriteKey(target);
    case 'analytics-next':
      return analyticsNextWriteKey(target);
    case 'classic':
      return classicWriteKey(target);
    case 'buffered':
      return bufferedWriteKey(target);
  }
}

/** Hooks whatever a window global holds; unknown values are left alone. */
function hookValue(context: HookContext, value: unknown, global: string | null): void {
  if (global !== null && typeof value === 'object' && value !== null) context.noteGlobal(value, global);
  if (isSnippetStub(value)) hookSnippetStub(context, value, global);
  else if (isAnalyticsNext(value)) hookAnalyticsNext(context, value, 'global', global);
  else if (isBuffered(value)) hookBuffered(context, value, global);
  else if (isClassic(value)) hookClassic(context, value, global);
}

/**
 * Watches a window property: the snippet assigns the stub, then the library
 * replaces it with the loaded instance, and apps may replace it again. Each value
 * is hooked when assigned; reads return exactly what was written.
 */
function trapGlobal(context: HookContext, win: Window, key: string): void {
  const target = win as unknown as Record<string, unknown>;
  const descriptor = getOwnPropertyDescriptor(win, key);
  if (descriptor && (!descriptor.configurable || descriptor.get || descriptor.set)) {
    // Someone else owns this property already: hook its current value, leave it in place.
    context.guard('trap-existing', () => hookValue(context, target[key], key), undefined);
    return;
  }
  let current: unknown = descriptor?.value;
  defineProperty(win, key, {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (value: unknown) => {
      current = value;
      context.guard('global-set', () => hookValue(context, value, key), undefined);
    },
  });
  if (current !== undefined) context.guard('trap-initial', () => hookValue(context, current, key), undefined);
}

/**
 * npm builds never touch window.analytics; they call
 * `__SEGMENT_INSPECTOR__.attach(analytics)` at load. `attach` is an accessor so
 * that a tool assigning its own attach later (Segment's inspector does
 * `Object.assign`) is chained rather than replacing us, and one defined before us
 * keeps being called.
 */
function installInspectorHost(context: HookContext, win: Window): void {
  const holder = win as unknown as { __SEGMENT_INSPECTOR__?: unknown };
  const existing = holder.__SEGMENT_INSPECTOR__;
  const host = (typeof existing === 'object' && existing !== null ? existing : {}) as Record<string, unknown>;
  let chained: unknown = host.attach;
  const attach = function identityLensAttach(this: unknown, ...args: unknown[]): unknown {
    const analytics = args[0];
    context.guard(
      'inspector-attach',
      () => {
        if (isAnalyticsNext(analytics)) hookAnalyticsNext(context, analytics, 'inspector', null);
      },
      undefined,
    );
    return typeof chained === 'function' ? reflectApply(chained as (...a: unknown[]) => unknown, this, args) : undefined;
  };
  try {
    defineProperty(host, 'attach', {
      configurable: true,
      enumerable: true,
      get: () => attach,
      set: (value: unknown) => {
        if (value !== attach) chained = value;
      },
    });
  } catch (error) {
    context.recorder.countError('inspector-host', error);
    return;
  }
  if (host !== existing) holder.__SEGMENT_INSPECTOR__ = host;
}

/** Scripts may name a custom global with `data-global-segment-analytics-key`; the parser shows them to us before they run. */
function watchCustomGlobals(context: HookContext, win: Window, doc: Document): void {
  const trapped: string[] = [DEFAULT_GLOBAL];
  const consider = (element: Element): void => {
    const key = element.getAttribute(CUSTOM_GLOBAL_ATTRIBUTE);
    if (!key || listHas(trapped, key)) return;
    append(trapped, key);
    trapGlobal(context, win, key);
  };
  const scan = (): void => {
    const scripts = doc.querySelectorAll(`script[${CUSTOM_GLOBAL_ATTRIBUTE}]`);
    for (let i = 0; i < scripts.length; i += 1) consider(scripts[i] as Element);
  };
  const MutationObserverCtor = (win as unknown as { MutationObserver?: typeof MutationObserver }).MutationObserver;
  if (MutationObserverCtor) {
    const observer = new MutationObserverCtor((mutations) =>
      context.guard(
        'custom-global',
        () => {
          for (let m = 0; m < mutations.length; m += 1) {
            const added = (mutations[m] as MutationRecord).addedNodes;
            for (let n = 0; n < added.length; n += 1) {
              const node = added[n] as Node;
              if (node.nodeType === 1 && (node as Element).tagName === 'SCRIPT') consider(node as Element);
            }
          }
        },
        undefined,
      ),
    );
    observer.observe(doc, { childList: true, subtree: true });
    // After parsing, new scripts with the attribute are rare; stop paying for every DOM change.
    doc.addEventListener('DOMContentLoaded', () => {
      observer.disconnect();
      context.guard('custom-global-scan', scan, undefined);
    });
  }
  context.guard('custom-global-scan', scan, undefined);
}

function queryIdentity(search: string): { anonymousId: string | null; userId: string | null; event: string | null } | undefined {
  const params = new URLSearchParams(search);
  const anonymousId = params.get('ajs_aid');
  const userId = params.get('ajs_uid');
  const event = params.get('ajs_event');
  if (anonymousId === null && userId === null && event === null) return undefined;
  return { anonymousId, userId, event };
}

function randomHex(win: Window): string {
  const bytes = new Uint8Array(12);
  win.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createWindowTransport(win: Window): PageTransport {
  // Every intrinsic is taken now, before page scripts can replace it.
  const dispatchEvent = win.dispatchEvent.bind(win);
  const addEventListener = win.addEventListener.bind(win);
  const CustomEventCtor = (win as unknown as typeof globalThis).CustomEvent;
  const detailOf = getterOf<CustomEvent>(CustomEventCtor.prototype, 'detail');
  const queueMicrotaskFn = win.queueMicrotask.bind(win);
  const performanceNow = win.performance.now.bind(win.performance);
  const timeOrigin = win.performance.timeOrigin;
  // A private channel for "later": unlike setTimeout, it is not throttled in background
  // tabs, and the page cannot reach it.
  const channel = new (win as unknown as typeof globalThis).MessageChannel();
  const wake = uncurry(channel.port2.postMessage);
  const laterQueue: Array<() => void> = [];
  channel.port1.onmessage = () => arrayShift(laterQueue)?.();
  return {
    post: (message: PageToBridge) => {
      dispatchEvent(new CustomEventCtor(PAGE_EVENT, { detail: jsonText(message) }));
    },
    onBridgeReady(callback) {
      addEventListener(BRIDGE_EVENT, (event: Event) => {
        try {
          const detail = detailOf ? detailOf(event as CustomEvent) : (event as CustomEvent).detail;
          if (typeof detail !== 'string') return;
          const data = jsonParse(detail) as Record<string, unknown> | null;
          if (typeof data === 'object' && data !== null && data[WINDOW_TAG] === PROTOCOL_VERSION && data.type === 'bridge-ready') callback();
        } catch {
          // Not ours: a page may dispatch anything under any name.
        }
      });
    },
    defer: queueMicrotaskFn,
    later: (callback) => {
      append(laterQueue, callback);
      wake(channel.port2, null);
    },
    now: () => timeOrigin + performanceNow(),
    randomId: () => randomHex(win),
  };
}

/**
 * The first script a stack of ours names is ours. Taken with captureCallStack, as every
 * call site is: the page's own `Error` and `Error.stackTraceLimit` may have been replaced
 * by the time this runs.
 */
function ownScriptUrl(): string | null {
  const stack = captureCallStack().stack;
  if (typeof stack !== 'string') return null;
  const lines = stack.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const script = frameScript(lines[i] as string);
    if (script !== null) return script;
  }
  return null;
}

/**
 * Our script's URL, learnt from a stack of our own the first time a call site needs it.
 * Not at install: there an Error cost about 2 ms before the page's first script (with
 * DevTools attached, V8 collects source positions for the whole bundle on the first stack
 * it takes). At flush, the call being resolved has already paid for its own stack.
 */
function lazyOwnScriptUrl(): () => string | null {
  let known: { url: string | null } | null = null;
  return () => (known ??= { url: ownScriptUrl() }).url;
}

export function installHook(win: Window = window): HookContext | null {
  const marker = win as unknown as Record<symbol, unknown>;
  if (marker[INSTALLED]) return null;
  marker[INSTALLED] = true;
  const doc = win.document;
  const transport = createWindowTransport(win);
  const recorder = createRecorder(transport);
  const location = win.location;
  const context = createHookContext({
    recorder,
    storage: browserStorageSource(doc, win),
    frameUrl: () => location.href,
    defer: transport.defer,
    ownScript: lazyOwnScriptUrl(),
    describeWriteKey,
  });
  let topFrame = false;
  try {
    topFrame = win.self === win.top;
  } catch {
    // Cross-origin parent access throws: we are a frame.
  }
  const lifecycle = (event: LifecycleEvent, extra: { persisted?: boolean } = {}): void => {
    context.guard(
      'lifecycle',
      () => {
        const query = event === 'hook-installed' ? queryIdentity(location.search) : undefined;
        recorder.emit({
          kind: 'lifecycle',
          event,
          frameUrl: location.href,
          topFrame,
          ...(query ? { queryIdentity: query } : {}),
          ...extra,
        });
      },
      undefined,
    );
  };

  lifecycle('hook-installed');
  context.readStorageNow('hook-installed');
  installInspectorHost(context, win);
  trapGlobal(context, win, DEFAULT_GLOBAL);
  watchCustomGlobals(context, win, doc);

  const listen = win.addEventListener.bind(win);
  doc.addEventListener('DOMContentLoaded', () => lifecycle('dom-content-loaded'));
  listen('load', () => lifecycle('load'));
  listen('pageshow', (event: PageTransitionEvent) => {
    if (event.persisted) lifecycle('pageshow', { persisted: true });
  });
  listen('pagehide', (event: PageTransitionEvent) => {
    lifecycle('pagehide', { persisted: event.persisted });
    context.readStorageNow('pagehide');
    // The page may be gone before a microtask runs.
    recorder.flush();
  });
  doc.addEventListener('visibilitychange', () => {
    if (doc.visibilityState === 'hidden') {
      lifecycle('visibility-hidden');
      recorder.flush();
    }
  });
  listen('storage', (event: StorageEvent) =>
    context.guard(
      'storage-event',
      () => {
        if (event.key === null || event.key.startsWith('ajs_')) context.watchStorage('storage-event');
      },
      undefined,
    ),
  );
  return context;
}
