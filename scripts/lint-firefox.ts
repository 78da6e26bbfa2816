/**
 * `web-ext lint` on the Firefox build, self-hosted (not submitted to addons.mozilla.org).
 * Errors fail; so does any warning not explained below, so a new one cannot slip in.
 * Run through web-ext's API rather than its CLI: the CLI also asks the npm registry
 * whether web-ext is up to date, and this check makes no request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import webExt from 'web-ext';
import { findRepoRoot } from '../test/repo-root';

const SOURCE_DIR = join(findRepoRoot(), '.output/firefox-mv3');

interface LintMessage {
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

interface KnownWarning {
  readonly code: string;
  readonly why: string;
  matches(warning: LintMessage, sourceLine: string): boolean;
}

const KNOWN_WARNINGS: readonly KnownWarning[] = [
  {
    code: 'UNSAFE_VAR_ASSIGNMENT',
    why: "Preact's renderer sets innerHTML for dangerouslySetInnerHTML, which Identity Lens never uses (a convention test checks)",
    matches: (warning, sourceLine) =>
      /^Unsafe assignment to innerHTML/.test(warning.message) &&
      /\.innerHTML=[\w$]+\.__html\b/.test(sourceLine.slice(Math.max(0, (warning.column ?? 0) - 40), (warning.column ?? 0) + 40)),
  },
];

function sourceLineOf(warning: LintMessage): string {
  if (!warning.file || warning.line === undefined) return '';
  return readFileSync(join(SOURCE_DIR, warning.file), 'utf8').split('\n')[warning.line - 1] ?? '';
}

const where = (m: LintMessage): string => `${m.file ?? 'manifest'}${m.line === undefined ? '' : `:${m.line}:${m.column ?? 0}`}`;

try {
  readFileSync(join(SOURCE_DIR, 'manifest.json'));
} catch {
  console.error(`The Firefox build is missing at ${SOURCE_DIR}: run \`npm run build:firefox\` first (npm test does).`);
  process.exit(2);
}

const result = await webExt.cmd.lint({ sourceDir: SOURCE_DIR, selfHosted: true, output: 'text', boring: true }, { shouldExitProgram: false });
const unexplained = result.warnings.filter((warning) => !KNOWN_WARNINGS.some((known) => known.code === warning.code && known.matches(warning, sourceLineOf(warning))));
for (const warning of result.warnings) {
  const known = KNOWN_WARNINGS.find((k) => k.code === warning.code && !unexplained.includes(warning));
  if (known) console.log(`Known warning ${warning.code} at ${where(warning)}: ${known.why}.`);
}
if (result.errors.length > 0 || unexplained.length > 0) {
  for (const warning of unexplained) console.error(`Unexplained warning ${warning.code} at ${where(warning)}: ${warning.message}`);
  console.error(`web-ext lint: ${result.errors.length} error(s), ${unexplained.length} unexplained warning(s). Fix them, or explain a warning that is not ours in scripts/lint-firefox.ts and the README.`);
  process.exit(1);
}
console.log('web-ext lint: no errors, no unexplained warnings.');
