#!/usr/bin/env node
// The `identity-lens` command. Its code is TypeScript in src/cli; `npm install` bundles it
// into dist/ (scripts/build-cli.mjs), and this file builds it first if that has not happened.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'identity-lens-cli.mjs');
if (!existsSync(bundle)) {
  const { buildCli } = await import(pathToFileURL(join(root, 'scripts', 'build-cli.mjs')).href);
  await buildCli();
}
await import(pathToFileURL(bundle).href);
