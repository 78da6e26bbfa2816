import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/cli/audit';
import { evaluateSession } from '../../src/core/engine';
import { createSessionFile } from '../../src/core/export/session-file';
import { sessionOf } from './helpers/fake-ui-transport';
import { createSessionBuilder } from './helpers/session-builder';

function fileWith(build: (s: ReturnType<typeof createSessionBuilder>) => void): string {
  const s = createSessionBuilder();
  build(s);
  const { session, records } = sessionOf(s.records);
  return JSON.stringify(createSessionFile([{ session, records, findings: evaluateSession(records).findings }], '0.1.0', 1_790_000_500_000));
}

const overwrite = fileWith((s) => {
  s.page.identify('97980cfea0067');
  s.page.track('Signed Up');
  s.page.identify('user-2-b6f1');
  s.page.track('Logged In');
});
const clean = fileWith((s) => {
  s.page.page();
  s.page.identify('97980cfea0067');
  s.page.track('Signed Up');
});

async function audit(argv: string[], files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAudit(argv, {
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error('ENOENT: no such file');
      return text;
    },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('identity-lens audit', () => {
  it('prints findings as text and fails on errors by default', async () => {
    const result = await audit(['audit', 'a.json', 'b.json'], { 'a.json': overwrite, 'b.json': clean });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/a\.json · shop\.example \(s1\)\n {2}error {3}userid-overwrite {13}identify\(\) replaced userId "97980cfea0067" → "user-2-b6f1"/);
    expect(result.out).toMatch(/b\.json · shop\.example \(s1\)\n {2}no findings/);
    expect(result.out).toMatch(/2 session\(s\): 1 error\(s\), 0 warning\(s\), 0 info$/);
  });

  it('exits 0 on a clean flow, and --fail-on and --disable change the verdict', async () => {
    expect((await audit(['audit', 'b.json'], { 'b.json': clean })).code).toBe(0);
    expect((await audit(['audit', 'a.json', '--disable', 'userid-overwrite'], { 'a.json': overwrite })).code).toBe(0);
    const infoOnly = fileWith((s) => {
      s.page.identify('97980cfea0067');
      s.page.track('Logged Out');
      s.page.reset();
    });
    expect((await audit(['audit', 'c.json'], { 'c.json': infoOnly })).code).toBe(0);
    expect((await audit(['audit', 'c.json', '--fail-on', 'info'], { 'c.json': infoOnly })).code).toBe(1);
  });

  it('writes JSON and JUnit XML', async () => {
    const json = await audit(['audit', 'a.json', '--format', 'json'], { 'a.json': overwrite });
    expect(JSON.parse(json.out)).toEqual([expect.objectContaining({ file: 'a.json', findings: [expect.objectContaining({ rule: 'userid-overwrite', severity: 'error' })] })]);
    const junit = await audit(['audit', 'a.json', 'b.json', '--format', 'junit'], { 'a.json': overwrite, 'b.json': clean });
    expect(junit.out).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="identity-lens audit" tests="2" failures="1">/);
    expect(junit.out).toContain('<failure type="error" message="identify() replaced userId &quot;97980cfea0067&quot; → &quot;user-2-b6f1&quot;');
    expect(junit.out).toContain('<testcase classname="b.json" name="shop.example (s1)"/>');
  });

  it('exits 2 with a clear message for usage errors and bad files', async () => {
    expect(await audit(['audit'], {})).toMatchObject({ code: 2, err: expect.stringContaining('name at least one .identity-lens.json file') });
    expect(await audit(['audit', 'x.json', '--fail-on', 'never'], {})).toMatchObject({ code: 2, err: expect.stringContaining('--fail-on takes error, warning or info') });
    expect(await audit(['audit', 'missing.json'], {})).toMatchObject({ code: 2, err: expect.stringContaining('cannot read missing.json') });
    expect(await audit(['audit', 'bad.json'], { 'bad.json': '{"format":"har"}' })).toMatchObject({ code: 2, err: expect.stringContaining('bad.json: format: expected') });
    expect(await audit(['--help'], {})).toMatchObject({ code: 0, out: expect.stringContaining('Usage: identity-lens audit') });
  });

  it('runs as the packaged command', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'identity-lens-audit-'));
    const path = join(directory, 'flow.identity-lens.json');
    writeFileSync(path, overwrite);
    const run = promisify(execFile);
    const failure = await run(process.execPath, ['bin/identity-lens.mjs', 'audit', path, '--format', 'json']).catch((error: { code: number; stdout: string }) => error);
    expect('code' in failure ? failure.code : 0).toBe(1);
    expect(JSON.parse(failure.stdout)[0].findings[0].rule).toBe('userid-overwrite');
  }, 30_000);
});
