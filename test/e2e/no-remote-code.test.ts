import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from '../repo-root';

// Issue 7, "nothing gets in": the extension runs only the code it ships. This scans what the
// builds contain (it lives with the real-browser tests because `npm test` builds before them).

const ROOT = findRepoRoot();
const BUILDS = ['chrome-mv3', 'firefox-mv3'] as const;

/**
 * Every http(s) URL in the built extension, and why it is there. None is fetched. A new one
 * fails this test until it is listed here with its reason, and an entry no build contains any
 * more fails too, so the list stays the truth.
 */
const URLS_AS_TEXT: Readonly<Record<string, string>> = {
  'https://segment.com/docs/guides/how-to-guides/best-practices-identify/': "the findings' guide link, an <a target=_blank> the user opens",
  'https://api.segment.io': "words in a rule's fix: a CSP example, connect-src 'self' https://api.segment.io",
  'http://www.w3.org/2000/svg': "Preact's SVG namespace URI",
  'http://www.w3.org/1998/Math/MathML': "Preact's MathML namespace URI",
  'http://www.w3.org/1999/xhtml': "Preact's XHTML namespace URI",
  'http://json-schema.org/draft-07/schema#': 'the $schema identifier of the export format schema',
  'https://identity-lens.invalid/schemas/identity-lens-sessions-v1.json': 'the $id of the export format schema (.invalid never resolves)',
  'https://github.com/cfworker': "@cfworker/json-schema's base URI for resolving $refs by name, never fetched",
  'https://github.com/wxt-dev/wxt/issues/371': "WXT's error message when its browser global is missing",
  'https://wxt.dev/guide/go-further/testing.html': "WXT's error message when its browser global is missing",
};

/** Code that would run text as code, or load code from elsewhere. */
const FORBIDDEN_CODE: ReadonlyArray<readonly [RegExp, string]> = [
  [/\beval\s*\(/, 'eval()'],
  [/\bnew\s+Function\s*\(/, 'new Function()'],
  [/(?<![\w$.])Function\s*\(/, 'the Function constructor'],
  [/\bset(?:Timeout|Interval)\s*\(\s*["'`]/, 'setTimeout/setInterval with a string of code'],
  [/\bimportScripts\s*\(/, 'importScripts()'],
  [/\bimport\s*\(\s*["'`](?:https?:)?\/\//, 'import() of a remote module'],
  [/<script[^>]*\ssrc\s*=\s*["']?(?:https?:)?\/\//i, '<script src> from another host'],
  [/\bWebAssembly\s*\.\s*(?:compile|instantiate)/, 'WebAssembly compiled at run time'],
  [/\bdocument\s*\.\s*write(?:ln)?\s*\(/, 'document.write()'],
];

/**
 * Every place the built code can make a request, each pinned by its surrounding text. A new one
 * fails until it is listed here with its reason (the real-browser test no-network.test.ts checks
 * what is actually requested).
 */
const NETWORK_CALLS: ReadonlyArray<readonly [RegExp, string]> = [
  [/fetch\(\w+\.href,\w+\)/, "Vite's modulepreload polyfill: fetches the <link rel=modulepreload> files of the page itself"],
  [/await fetch\('\/session', \{ method: 'POST'/, "words in a rule's fix: example code for the site's own server"],
];
const NETWORK_API = /\b(?:fetch|sendBeacon)\s*\(|\bnew\s+(?:XMLHttpRequest|WebSocket|EventSource|WebTransport)\b|\bRTCPeerConnection\b/g;

/** As wxt.config.ts declares them. Adding one fails here until the README says why it is needed. */
const PERMISSIONS = ['storage', 'cookies', 'webRequest', 'webNavigation', 'unlimitedStorage'];
const HOST_PERMISSIONS = ['<all_urls>'];

interface BuiltFile {
  readonly path: string;
  readonly text: string;
}

function builtFiles(build: string): BuiltFile[] {
  const dir = join(ROOT, '.output', build);
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`No build at ${dir}: run \`npm run build\` and \`npm run build:firefox\` first (npm test does both).`);
  }
  const files: BuiltFile[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(?:js|mjs|html|css|json)$/.test(entry.name)) files.push({ path: relative(dir, path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(dir);
  return files;
}

const around = (text: string, index: number): string => text.slice(Math.max(0, index - 60), index + 80).replace(/\s+/g, ' ');

interface Manifest {
  permissions?: string[];
  host_permissions?: string[];
  optional_permissions?: string[];
  optional_host_permissions?: string[];
  content_security_policy?: unknown;
  externally_connectable?: unknown;
  web_accessible_resources?: unknown;
  update_url?: string;
}

const manifestOf = (build: string): Manifest => JSON.parse(readFileSync(join(ROOT, '.output', build, 'manifest.json'), 'utf8')) as Manifest;

/** The permissions the README's "Permissions, and why" table names. */
function permissionsTheReadmeJustifies(): Set<string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /^## Permissions, and why\n([\s\S]*?)^## /m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Permissions, and why" section');
  const names = new Set<string>();
  for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
    const firstCell = row.split('|')[1] ?? '';
    for (const match of firstCell.matchAll(/`([^`]+)`/g)) names.add(match[1] as string);
  }
  return names;
}

describe.each(BUILDS)('the %s build', (build) => {
  const files = builtFiles(build);

  it('contains no eval, no Function constructor, no string timers and no code loaded from elsewhere', () => {
    const found: string[] = [];
    for (const file of files.filter((f) => /\.(?:js|mjs|html)$/.test(f.path))) {
      for (const [pattern, what] of FORBIDDEN_CODE) {
        const match = pattern.exec(file.text);
        if (match) found.push(`${file.path}: ${what}: …${around(file.text, match.index)}…`);
      }
    }
    expect(found).toEqual([]);
  });

  it('names no URL but the listed ones, which are text and never fetched', () => {
    const found = new Map<string, string>();
    for (const file of files) {
      for (const match of file.text.matchAll(/\b(?:https?|wss?|ftp):\/\/[^\s"'`<>()\\]+/g)) found.set(match[0], file.path);
      // Protocol-relative URLs load from another host just as well.
      for (const match of file.text.matchAll(/["'`(]\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi)) found.set(match[0].slice(1), file.path);
    }
    const unlisted = [...found].filter(([url]) => !Object.hasOwn(URLS_AS_TEXT, url)).map(([url, path]) => `${url} (in ${path})`);
    expect(unlisted).toEqual([]);
    expect(Object.keys(URLS_AS_TEXT).filter((url) => !found.has(url))).toEqual([]);
  });

  it('makes requests only where the list says, none to a URL of its own choosing', () => {
    const unlisted: string[] = [];
    const seen = new Set<string>();
    for (const file of files.filter((f) => f.path.endsWith('.js'))) {
      for (const match of file.text.matchAll(NETWORK_API)) {
        const context = file.text.slice(Math.max(0, match.index - 20), match.index + 80);
        const listed = NETWORK_CALLS.find(([pattern]) => pattern.test(context));
        if (listed) seen.add(listed[1]);
        else unlisted.push(`${file.path}: …${around(file.text, match.index)}…`);
      }
    }
    expect(unlisted).toEqual([]);
    expect(NETWORK_CALLS.map(([, why]) => why).filter((why) => !seen.has(why))).toEqual([]);
  });

  it('loads its pages\' scripts and styles from the extension itself', () => {
    const remote: string[] = [];
    for (const file of files) {
      const references = file.path.endsWith('.html')
        ? [...file.text.matchAll(/\s(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1] as string)
        : file.path.endsWith('.css')
          ? [...file.text.matchAll(/url\(\s*["']?([^"')]+)|@import\s+["']([^"']+)/gi)].map((m) => (m[1] ?? m[2]) as string)
          : [];
      for (const reference of references) {
        if (!/^(?:\/(?!\/)|\.\/|#|data:)/.test(reference)) remote.push(`${file.path}: ${reference}`);
      }
    }
    expect(remote).toEqual([]);
  });

  it('asks for exactly the permissions the README justifies, and loosens no security policy', () => {
    const manifest = manifestOf(build);
    expect([...(manifest.permissions ?? [])].sort()).toEqual([...PERMISSIONS].sort());
    expect(manifest.host_permissions).toEqual(HOST_PERMISSIONS);
    expect(manifest.optional_permissions).toBeUndefined();
    expect(manifest.optional_host_permissions).toBeUndefined();
    const justified = permissionsTheReadmeJustifies();
    expect([...PERMISSIONS, ...HOST_PERMISSIONS].filter((p) => !justified.has(p))).toEqual([]);

    // No CSP of our own means the browser's MV3 default (script-src 'self'); one of our own may only tighten it.
    const csp = manifest.content_security_policy;
    const policies = csp === undefined ? [] : typeof csp === 'string' ? [csp] : Object.values(csp as Record<string, string>);
    for (const policy of policies) {
      for (const directive of policy.split(';').map((d) => d.trim()).filter(Boolean)) {
        const [name, ...sources] = directive.split(/\s+/);
        expect({ directive: name, sources: sources.filter((s) => !["'self'", "'none'"].includes(s)) }).toEqual({ directive: name, sources: [] });
      }
    }
    // Web pages can neither message the extension directly nor load its files; nothing updates it from elsewhere.
    expect(manifest.externally_connectable).toBeUndefined();
    expect(manifest.web_accessible_resources).toBeUndefined();
    expect(manifest.update_url).toBeUndefined();
  });
});
