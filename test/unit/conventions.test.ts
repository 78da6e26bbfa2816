import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] as string);

describe('repository conventions', () => {
  it('keeps src/core and src/protocol free of browser, WXT and idb imports, so they run in Node', () => {
    const offenders = ['src/core', 'src/protocol'].flatMap((dir) =>
      filesUnder(join(ROOT, dir)).flatMap((file) =>
        importsOf(file)
          .filter((spec) => /^(wxt|webextension-polyfill|idb|@wxt-dev)/.test(spec) || spec.includes('/capture/') || spec.includes('/ui/'))
          .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the page hook free of extension APIs: it runs in the page, where they do not exist', () => {
    const offenders = filesUnder(join(ROOT, 'src/hook')).filter((file) => /\b(browser|chrome)\.(runtime|storage|tabs|cookies|webRequest|webNavigation)\b|webextension-polyfill|from 'idb'/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('names source files in kebab-case', () => {
    const bad = filesUnder(join(ROOT, 'src'))
      .map((f) => relative(join(ROOT, 'src'), f))
      .filter((f) => !/^[a-z0-9-]+(\/[a-z0-9-]+)*\.(ts|tsx|css)$/.test(f));
    expect(bad).toEqual([]);
  });

  it('keeps entrypoints thin: they wire, src/ does the work', () => {
    const fat = filesUnder(join(ROOT, 'entrypoints'))
      .filter((f) => /\.(ts|tsx)$/.test(f))
      .filter((f) => readFileSync(f, 'utf8').split('\n').length > 30)
      .map((f) => relative(ROOT, f));
    expect(fat).toEqual([]);
  });

  it('never parses strings as HTML: page data is shown as text (and web-ext lint’s innerHTML warning is Preact’s alone)', () => {
    const offenders = ['src', 'entrypoints'].flatMap((dir) =>
      filesUnder(join(ROOT, dir)).filter((f) => /\b(innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write)\b/.test(readFileSync(f, 'utf8'))),
    );
    expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('never evaluates strings as code', () => {
    const offenders = filesUnder(join(ROOT, 'src')).filter((f) => /\beval\(|new Function\(|setTimeout\(\s*['"`]/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
  });
});

describe('rule catalogue conventions', () => {
  it('names each rule file after its id, lists every rule file in the catalogue, and tests every rule', async () => {
    const { RULES } = await import('../../src/core/rules/catalogue');
    const infrastructure = new Set(['rule.ts', 'catalogue.ts', 'rules-doc.ts']);
    const files = readdirSync(join(ROOT, 'src/core/rules')).filter((f) => !infrastructure.has(f));
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(RULES.map((r) => r.id).sort());
    const untested = RULES.filter((rule) => !readdirSync(join(ROOT, 'test/unit/rules')).includes(`${rule.id}.test.ts`));
    expect(untested.map((r) => r.id)).toEqual([]);
  });

  it('keeps docs/rules.md generated from the rules’ metadata (run `npm run docs:rules`)', async () => {
    const { RULES } = await import('../../src/core/rules/catalogue');
    const { renderRulesDoc } = await import('../../src/core/rules/rules-doc');
    expect(readFileSync(join(ROOT, 'docs/rules.md'), 'utf8')).toBe(renderRulesDoc(RULES));
  });
});
