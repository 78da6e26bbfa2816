import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import type { StoredFinding, StoredRecord, StoredSession } from '../../src/capture/db';
import { compareRecords } from '../../src/core/link-records';
import { findRepoRoot } from '../repo-root';

export const EXTENSION_PATH = join(findRepoRoot(), '.output/chrome-mv3');

const CHROMIUM_CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian's Chromium (or CHROME_PATH). Missing it is a failure with instructions, never a silent pass. */
export function findChromium(): string {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist.`);
    return fromEnv;
  }
  const found = CHROMIUM_CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      'No Chromium found for the real-browser tests. Install Debian\'s package (`sudo apt-get install -y chromium`) ' +
        'or point CHROME_PATH at a Chromium/Chrome binary. Playwright\'s own browser download is not used.',
    );
  }
  return found;
}

export function assertExtensionBuilt(): void {
  if (!existsSync(join(EXTENSION_PATH, 'manifest.json'))) {
    throw new Error(`The extension is not built at ${EXTENSION_PATH}: run \`npm run build\` first (npm test does).`);
  }
}

export interface LensBrowser {
  readonly context: BrowserContext;
  readonly extensionId: string;
  serviceWorker(): Promise<Worker>;
  /** Everything Identity Lens stored, read from IndexedDB inside the extension. */
  readStore(): Promise<LensStore>;
  /**
   * The burst calls (`track('Burst', { i })`) stored from frames whose URL contains `urlPart`:
   * their `i`s in order, and their session. Counted inside the worker, so that polling a
   * 10,000-call burst does not ship every record to the test each time.
   */
  burstIndexes(urlPart: string): Promise<{ indexes: number[]; sessionId: string | null }>;
  /** Every URL the browser requested, to prove nothing left the machine. */
  readonly requestedUrls: string[];
  close(): Promise<void>;
}

export interface LaunchOptions {
  readonly headless?: boolean;
  /**
   * Where Chromium writes its NetLog (`--log-net-log`): every request the browser's network
   * service makes, the service worker's and extension pages' included, which Playwright's
   * request events miss. Complete once the browser has closed (see test/e2e/net-log.ts).
   */
  readonly netLogPath?: string;
  /** A profile the caller prepared (a small disk under it); the caller removes it. */
  readonly userDataDir?: string;
}

export async function launchWithExtension(options: LaunchOptions = {}): Promise<LensBrowser> {
  assertExtensionBuilt();
  // A profile the caller prepared (a small disk under it) is the caller's to remove.
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'identity-lens-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless: options.headless ?? true,
    viewport: options.headless === false ? null : { width: 1280, height: 900 },
    args: [
      `--disable-extensions-except=${EXTENSION_PATH}`,
      `--load-extension=${EXTENSION_PATH}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.netLogPath !== undefined ? [`--log-net-log=${options.netLogPath}`] : []),
    ],
  });
  const requestedUrls: string[] = [];
  context.on('request', (request) => requestedUrls.push(request.url()));
  const firstWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(firstWorker.url()).host;
  // A just-installed extension's worker may still be evaluating its script; events
  // before its listeners exist are not delivered to it (a real install is long done
  // by the time its user browses). One evaluation waits for the script to finish.
  await firstWorker.evaluate(() => true);

  const ours = (): Worker[] => context.serviceWorkers().filter((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
  /** Whether a worker answers: after a stop, Playwright may go on listing a worker that never will. */
  const answers = (worker: Worker): Promise<boolean> =>
    Promise.race([worker.evaluate(() => true).then(() => true, () => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000))]);
  const serviceWorker = async (): Promise<Worker> => {
    // Newest first.
    for (const worker of ours().reverse()) if (await answers(worker)) return worker;
    // Stopped: opening an extension page wakes it.
    const page = await context.newPage();
    try {
      await page.goto(`chrome-extension://${extensionId}/manifest.json`);
      return await waitFor('the service worker to start', async () => {
        for (const worker of ours().reverse()) if (await answers(worker)) return worker;
        return undefined;
      });
    } finally {
      await page.close();
    }
  };

  return {
    context,
    extensionId,
    serviceWorker,
    requestedUrls,
    async readStore() {
      const worker = await serviceWorker();
      return worker.evaluate(readLensDatabase).then(sortStore);
    },
    async burstIndexes(urlPart) {
      const worker = await serviceWorker();
      return worker.evaluate(async (part) => {
        const db: IDBDatabase = await new Promise((resolveOpen, reject) => {
          const request = indexedDB.open('identity-lens');
          request.onsuccess = () => resolveOpen(request.result);
          request.onerror = () => reject(request.error);
        });
        const found: { indexes: number[]; sessionId: string | null } = { indexes: [], sessionId: null };
        const take = (record: { kind: string; args?: unknown[]; frameUrl?: string; sessionId: string }) => {
          if (record.kind === 'call' && record.args?.[0] === 'Burst' && record.frameUrl?.includes(part)) {
            found.indexes.push((record.args[1] as { i: number }).i);
            found.sessionId = record.sessionId;
          }
        };
        // Page records are stored many to a row (schema v3); older ones one per row.
        for (const store of ['records', 'pageBatches']) {
          await new Promise<void>((resolveScan, reject) => {
            const request = db.transaction(store).objectStore(store).openCursor();
            request.onerror = () => reject(request.error);
            request.onsuccess = () => {
              const cursor = request.result;
              if (!cursor) return resolveScan();
              const value = cursor.value as Parameters<typeof take>[0] & { records?: Array<Parameters<typeof take>[0]> };
              if (store === 'pageBatches') value.records?.forEach(take);
              else take(value);
              cursor.continue();
            };
          });
        }
        db.close();
        found.indexes.sort((a, b) => a - b);
        return found;
      }, urlPart);
    },
    async close() {
      await context.close();
      if (!options.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface LensStore {
  sessions: StoredSession[];
  records: StoredRecord[];
  findings: StoredFinding[];
}

/**
 * Reads everything Identity Lens stored. Runs inside the extension (its service
 * worker in Chromium, an extension page in Firefox), so it uses nothing but globals.
 */
export async function readLensDatabase(): Promise<LensStore> {
  const db: IDBDatabase = await new Promise((resolveOpen, reject) => {
    const request = indexedDB.open('identity-lens');
    request.onsuccess = () => resolveOpen(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = <T>(store: string): Promise<T[]> =>
    new Promise((resolveAll, reject) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolveAll(request.result as T[]);
      request.onerror = () => reject(request.error);
    });
  const result = {
    sessions: await all<StoredSession>('sessions'),
    // Page records many to a row since schema v3, the background's one per row.
    records: [
      ...(await all<StoredRecord>('records')),
      ...(db.objectStoreNames.contains('pageBatches') ? (await all<{ records: StoredRecord[] }>('pageBatches')).flatMap((batch) => batch.records) : []),
    ],
    findings: db.objectStoreNames.contains('findings') ? await all<StoredFinding>('findings') : [],
  };
  db.close();
  return result;
}

export const sortStore = (store: LensStore): LensStore => ({ ...store, records: [...store.records].sort(compareRecords) });

/**
 * The same Chromium without the extension: what a page does here is what it must do with
 * Identity Lens too.
 */
export async function launchPlain(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext();
  return { context, close: () => browser.close() };
}

/** Polls until `check` returns a value (not undefined/false), or fails with the last state described. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      // A check that never settles (an evaluation in a worker that is going away) is given up
      // after a minute and tried again. A slow one (reading a large store on a busy machine)
      // has that minute, even past the deadline, as it always had.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const overdue = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the check did not settle within a minute')), Math.max(60_000, deadline - Date.now() + 1000));
      });
      const value = await Promise.race([check(), overdue]).finally(() => clearTimeout(timer));
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
