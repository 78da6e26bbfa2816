/**
 * `npm run bench`: every figure of docs/performance.md in one run, extension (A)
 * against the same Chromium without it (B). Prints a table and writes
 * bench/results.json. Timings are medians; targets are checked and reported, not
 * asserted: timings on a shared machine are noise, so they stay out of npm test.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { launchPlain, launchWithExtension } from '../test/e2e/browser';
import { startFixtureServer } from '../test/fixtures/server';
import { findRepoRoot } from '../test/repo-root';
import { benchExportImport, benchRuleEngine, syntheticSession } from './core';
import { benchCallOverhead, benchPageLoad, benchThroughput } from './page';
import { benchPanel } from './panel';

const root = findRepoRoot();
const quick = process.argv.includes('--quick');
/** `--only=throughput,panel`: just those parts, printed and not written (results.json keeps whole runs only). */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',') ?? null;
const runs = (part: string): boolean => only === null || only.includes(part);
const output = join(root, '.output/chrome-mv3');

function sizes() {
  const kb = (path: string) => Math.round((statSync(join(output, path)).size / 1024) * 100) / 100;
  execFileSync('npx', ['wxt', 'zip'], { cwd: root, stdio: 'ignore' });
  const zip = readdirSync(join(root, '.output')).find((f) => f.endsWith('-chrome.zip'));
  return {
    pageHookKB: kb('content-scripts/page-hook.js'),
    contentScriptKB: kb('bridge.js'),
    zipKB: zip ? Math.round(statSync(join(root, '.output', zip)).size / 1024) : null,
  };
}

const started = Date.now();
const results: Record<string, unknown> = { machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version }, date: new Date().toISOString() };

if (runs('rules') || runs('export')) {
  console.log('core: rule engine, export and import…');
  const session = syntheticSession(quick ? 20_000 : 100_000);
  if (runs('rules')) results.ruleEngine = benchRuleEngine(session.records);
  if (runs('export')) results.exportImport = benchExportImport(session);
}
if (runs('sizes')) results.sizes = sizes();

const server = await startFixtureServer();
const lens = await launchWithExtension();
const plain = await launchPlain();
try {
  console.log('browser: per-call overhead, page load…');
  if (runs('calls')) results.callOverhead = await benchCallOverhead(lens.context, plain.context, server, quick ? 3 : 6);
  if (runs('load')) results.pageLoad = await benchPageLoad(lens.context, plain.context, server, quick ? 4 : 8);
  console.log('browser: capture throughput…');
  if (runs('throughput')) results.throughput = await benchThroughput(lens, plain.context, server, quick ? 20_000 : 100_000);
  console.log('browser: panel at scale…');
  if (runs('panel')) results.panel = await benchPanel(lens, quick ? 10_000 : 50_000);
} finally {
  await plain.close();
  await lens.close();
  await server.close();
}
results.seconds = Math.round((Date.now() - started) / 1000);

type Row = [string, string, string, boolean | null];
const r = results as Record<string, Record<string, number | string | null>>;
const allRows: Row[] = [
  ['per-call overhead', `${r.callOverhead?.addedUs} µs added (${r.callOverhead?.withUs} vs ${r.callOverhead?.withoutUs} µs), ratio ${r.callOverhead?.ratio}; on the stub alone +${(r.callOverhead?.stub as unknown as Record<string, number>)?.addedUs} µs (+${(r.callOverhead?.stub as unknown as Record<string, number>)?.warmAddedUs} µs warm)`, '≤ 10 µs, ratio ≤ 1.10', Number(r.callOverhead?.addedUs) <= 10 && Number(r.callOverhead?.ratio) <= 1.1],
  ['page load', `DCL +${r.pageLoad?.dclAddedMs} ms, load +${r.pageLoad?.loadAddedMs} ms; before the first script +${r.pageLoad?.firstScriptAddedMs} ms`, '≤ 2 ms added', Number(r.pageLoad?.firstScriptAddedMs) <= 2],
  ['capture throughput', `${r.throughput?.recordsPerSecond} calls/s, lost ${r.throughput?.lost}, hook's longest task ${r.throughput?.longestHookTaskMs} ms (page's own loop ${r.throughput?.pageLoopWithMs} ms, ${r.throughput?.pageLoopWithoutMs} ms without)`, '≥ 20,000/s, 0 lost, hook ≤ 50 ms', Number(r.throughput?.recordsPerSecond) >= 20_000 && r.throughput?.lost === 0 && Number(r.throughput?.longestHookTaskMs) <= 50],
  ['rule engine', `${r.ruleEngine?.records} records in ${r.ruleEngine?.fullEvaluationMs} ms; ${r.ruleEngine?.incrementalMedianUs} µs/record median`, '≤ 1 s; ≤ 20 µs', Number(r.ruleEngine?.fullEvaluationMs) <= 1000 && Number(r.ruleEngine?.incrementalMedianUs) <= 20],
  ['panel at scale', `first rows ${r.panel?.firstRowsMs} ms, filter ${r.panel?.filterMedianMs} ms, frame work p95 ${r.panel?.scrollP95Ms} ms (frame interval p95 ${r.panel?.frameIntervalP95Ms} ms, ${r.panel?.droppedFrames} dropped), heap ${r.panel?.heapMB} MB`, '≤ 500 ms, ≤ 100 ms, < 16 ms, ≤ 150 MB', Number(r.panel?.firstRowsMs) <= 500 && Number(r.panel?.filterMedianMs) <= 100 && Number(r.panel?.scrollP95Ms) < 16 && Number(r.panel?.heapMB) <= 150],
  ['export / import', `${r.exportImport?.records} records (${r.exportImport?.fileMB} MB): ${r.exportImport?.exportMs} ms / ${r.exportImport?.importMs} ms`, '≤ 3 s each', Number(r.exportImport?.exportMs) <= 3000 && Number(r.exportImport?.importMs) <= 3000],
  ['sizes', `page hook ${r.sizes?.pageHookKB} KB, content script ${r.sizes?.contentScriptKB} KB, zip ${r.sizes?.zipKB} KB`, '≤ 12 KB, ≤ 10 KB', Number(r.sizes?.pageHookKB) <= 12 && Number(r.sizes?.contentScriptKB) <= 10],
];
// The part each row above belongs to, in the same order.
const parts = ['calls', 'load', 'throughput', 'rules', 'panel', 'export', 'sizes'];
const rows = allRows.filter((_, i) => runs(parts[i] as string));
results.targets = Object.fromEntries(rows.map(([name, figure, target, met]) => [name, { figure, target, met }]));
if (only === null) writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
const width = Math.max(...rows.map((row) => row[0].length));
console.log(`\nIdentity Lens benchmarks (${results.seconds} s, ${cpus().length} cores)${quick ? ' — quick run' : ''}`);
for (const [name, figure, target, met] of rows) console.log(`${met ? '✓' : '✗'} ${name.padEnd(width)}  ${figure}   [target ${target}]`);
console.log(only === null ? '\nwritten to bench/results.json' : `\nonly ${only.join(', ')}: bench/results.json left as it was`);
