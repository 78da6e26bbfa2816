/**
 * `npm start`: the demo. Serves the Lens Coffee Co. shop with the real
 * analytics-next on 127.0.0.1, and opens Chromium with the built extension on it.
 * With a display, the browser stays open for you to click through the flows.
 * Without one (a server, CI), it runs the guide's flows headless, saves a
 * screenshot and prints what Identity Lens captured.
 *
 * Options: --port <n> (default 8787), --headless (even with a display).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchWithExtension, waitFor } from '../test/e2e/browser';
import { startFixtureServer } from '../test/fixtures/server';

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = Number.parseInt(portArg >= 0 ? (args[portArg + 1] ?? '') : (process.env.PORT ?? '8787'), 10);
const headless = args.includes('--headless') || !process.env.DISPLAY;

const server = await startFixtureServer({ port });
const lens = await launchWithExtension({ headless });
const page = await lens.context.newPage();
await page.goto(`${server.origin}/`);
console.log(`Demo shop: ${server.origin}/  (extension id ${lens.extensionId})`);

if (!headless) {
  console.log('Chromium is open with Identity Lens loaded. Click through the flows; Ctrl+C here to stop.');
  const stop = async () => {
    await lens.close().catch(() => undefined);
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  lens.context.on('close', () => void stop());
} else {
  console.log('No display: running the guide’s flows headless (visit → sign up → cart → log out).');
  await waitFor('analytics to load', () => page.evaluate(() => (window as unknown as { analytics?: { initialized?: boolean } }).analytics?.initialized === true));
  await page.click('#newsletter');
  await page.click('#signup');
  // Let the page's own panels (stored identity, collector log) catch up before the picture.
  await page.waitForTimeout(1500);
  mkdirSync('.cache', { recursive: true });
  const screenshot = resolve('.cache/demo-shop.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.click('#go-cart');
  await page.waitForURL(/cart\.html/);
  await waitFor('analytics to load on the cart', () => page.evaluate(() => (window as unknown as { analytics?: { initialized?: boolean } }).analytics?.initialized === true));
  await page.click('#logout');
  const { sessions, records } = await waitFor('the reset to be captured', async () => {
    const store = await lens.readStore();
    return store.records.some((r) => r.kind === 'call' && r.method === 'reset') ? store : undefined;
  });
  const byKind = new Map<string, number>();
  for (const record of records) byKind.set(record.kind, (byKind.get(record.kind) ?? 0) + 1);
  console.log(`Screenshot: ${screenshot}`);
  console.log(`Identity Lens stored ${records.length} records in ${sessions.length} session(s):`);
  for (const [kind, count] of [...byKind].sort()) console.log(`  ${kind.padEnd(12)} ${count}`);
  console.log('Calls, in order:');
  for (const record of records) {
    if (record.kind !== 'call') continue;
    const first = record.args[0];
    console.log(`  ${record.method.padEnd(16)} ${typeof first === 'string' ? first : ''}${record.queued ? ' (queued before load)' : ''}`);
  }
  await lens.close();
  await server.close();
}
