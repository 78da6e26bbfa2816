import { createHookContext, type HookContext } from '../../../src/hook/hook-context';
import { createRecorder, type PageTransport } from '../../../src/hook/recorder';
import type { StorageSource } from '../../../src/hook/storage-reader';
import type { PageToBridge } from '../../../src/protocol/messages';
import type { InstanceShape, PageRecord } from '../../../src/protocol/records';

/** A hook context wired to in-memory storage and a transport that collects posted records. */
export interface HookHarness {
  readonly context: HookContext;
  readonly cookies: Map<string, string>;
  readonly local: Map<string, string>;
  readonly posted: PageToBridge[];
  /** Runs pending microtasks, then returns every record posted so far. */
  records(): Promise<PageRecord[]>;
  bridgeReady(): void;
}

export function createHookHarness(options: { ready?: boolean; active?: boolean; writeKey?: (target: object, shape: InstanceShape) => string | null } = {}): HookHarness {
  const cookies = new Map<string, string>();
  const local = new Map<string, string>();
  const posted: PageToBridge[] = [];
  let onReady: (() => void) | null = null;
  let clock = 1_700_000_000_000;
  let ids = 0;
  const transport: PageTransport = {
    post: (message) => posted.push(message),
    onBridgeReady: (callback) => {
      onReady = callback;
    },
    defer: (fn) => queueMicrotask(fn),
    later: (fn) => setTimeout(fn, 0),
    now: () => (clock += 0.5),
    randomId: () => `page${(ids += 1)}`,
  };
  const storage: StorageSource = {
    readCookies: () => [...cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '),
    readLocal: (key) => local.get(key) ?? null,
  };
  const recorder = createRecorder(transport);
  const context = createHookContext({
    recorder,
    storage,
    frameUrl: () => 'https://shop.example/',
    defer: transport.defer,
    ownScript: () => 'chrome-extension://lens/content-scripts/page-hook.js',
    describeWriteKey: options.writeKey ?? (() => 'wk'),
  });
  const harness: HookHarness = {
    context,
    cookies,
    local,
    posted,
    async records() {
      // Microtasks for the first slice, then tasks for the rest of a backlog.
      for (let i = 0; i < 5; i += 1) await Promise.resolve();
      // Until three tasks in a row post nothing more (a large backlog takes one task per slice).
      for (let quiet = 0, i = 0; quiet < 3 && i < 500; i += 1) {
        const before = posted.length;
        await new Promise((resolve) => setTimeout(resolve, 0));
        quiet = posted.length === before ? quiet + 1 : 0;
      }
      return posted.flatMap((m) => (m.type === 'records' ? [...m.records] : []));
    },
    bridgeReady: () => onReady?.(),
  };
  if (options.ready !== false) harness.bridgeReady();
  if (options.active !== false) recorder.activate();
  return harness;
}

export class FakeEmitter {
  private readonly listeners = new Map<string, Array<(...args: unknown[]) => void>>();
  on(event: string, listener: (...args: unknown[]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

/**
 * A stand-in with analytics-next's observable contract: methods on the prototype,
 * an event queue emitter, promises resolving to a Context with the event, identity
 * kept in storage, and `user()` reads that generate an ID when none is stored.
 */
export class FakeNextAnalytics extends FakeEmitter {
  readonly queue = new FakeEmitter();
  readonly settings = { writeKey: 'wk-next' };
  readonly options = { integrations: { 'Segment.io': { apiHost: 'proxy.example.com/seg/v1' } } };
  readonly VERSION = '1.84.3';
  private counter = 0;
  private readonly userObject: { id: () => string | null; anonymousId: (id?: string) => string | null };
  constructor(private readonly harness: HookHarness) {
    super();
    const local = harness.local;
    this.userObject = {
      id: () => local.get('ajs_user_id') ?? null,
      anonymousId: (id?: string) => {
        if (id !== undefined) local.set('ajs_anonymous_id', id);
        if (!local.has('ajs_anonymous_id')) local.set('ajs_anonymous_id', `anon-${(this.counter += 1)}`);
        return local.get('ajs_anonymous_id') ?? null;
      },
    };
  }
  user() {
    return this.userObject;
  }
  private dispatch(type: string, fields: Record<string, unknown>) {
    // The library reads identity internally for every event; those reads are not the page's.
    const anonymousId = this.userObject.anonymousId();
    const event = { type, messageId: `ajs-next-${(this.counter += 1)}`, anonymousId, userId: this.userObject.id(), ...fields };
    const ctx = { event };
    // Synchronously, inside the call, as analytics-next's dispatch() does.
    this.emit('dispatch_start', ctx);
    this.queue.emit('message_enriched', ctx);
    return Promise.resolve().then(() => {
      this.queue.emit('message_delivered', ctx);
      return ctx;
    });
  }
  track(event: string, properties?: object) {
    return this.dispatch('track', { event, properties });
  }
  identify(userId?: string, traits?: object) {
    if (userId !== undefined) this.harness.local.set('ajs_user_id', userId);
    return this.dispatch('identify', { traits });
  }
  page(...args: unknown[]) {
    return this.dispatch('page', { properties: args[0] });
  }
  screen() {
    return this.dispatch('screen', {});
  }
  group(groupId?: string) {
    if (groupId === undefined) return { id: () => null };
    return this.dispatch('group', { groupId });
  }
  alias(to: string) {
    return this.dispatch('alias', { userId: to });
  }
  reset() {
    this.harness.local.clear();
  }
  setAnonymousId(id?: string) {
    return this.userObject.anonymousId(id);
  }
  register(..._plugins: unknown[]) {
    return Promise.resolve();
  }
}

