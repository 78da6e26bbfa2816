/**
 * Runs the fixture shop + collector standalone, for demos and manual testing.
 *
 *   npx esbuild scripts/serve-fixture.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=.cache/serve-fixture.mjs && node .cache/serve-fixture.mjs
 *
 * Options: --port <n> (or PORT, default 8787), --host <addr> (or HOST, default 127.0.0.1).
 */
import { startFixtureServer } from '../test/fixtures/server';

function option(name: string, envName: string, fallback: string): string {
  const args = process.argv.slice(2);
  const index = args.indexOf(`--${name}`);
  const fromArgs = index >= 0 ? args[index + 1] : undefined;
  return fromArgs ?? process.env[envName] ?? fallback;
}

async function main(): Promise<void> {
  const port = Number.parseInt(option('port', 'PORT', '8787'), 10);
  const host = option('host', 'HOST', '127.0.0.1');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${port}`);

  const server = await startFixtureServer({ port, host });
  console.log(`Lens Coffee Co. fixture running at ${server.origin}/`);
  console.log(`  snippet build : ${server.origin}/            (?wk=<writeKey>, default demo-shop-key)`);
  console.log(`  second page   : ${server.origin}/cart.html`);
  console.log(`  npm build     : ${server.origin}/npm.html`);
  console.log(`  collector     : ${server.origin}/collector/received`);
  console.log('Ctrl+C to stop.');

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
