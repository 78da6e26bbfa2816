/**
 * Node-side figures: the rule engine on a 100,000-record session, and export and
 * import of that session. The session is made by the same builder the rule tests
 * use, so it has the shape of a real capture (calls, events, storage, wire).
 */
import { createRuleEngine, evaluateSession } from '../src/core/engine';
import { parseSessionFile } from '../src/core/export/import-file';
import { createSessionFile } from '../src/core/export/session-file';
import { compareRecords } from '../src/core/link-records';
import type { CapturedRecord } from '../src/protocol/records';
import { sessionOf } from '../test/unit/helpers/fake-ui-transport';
import { createSessionBuilder } from '../test/unit/helpers/session-builder';
import { median, percentile, round } from './stats';

export function syntheticSession(targetRecords: number): { records: CapturedRecord[]; session: ReturnType<typeof sessionOf>['session'] } {
  const s = createSessionBuilder();
  let i = 0;
  while (s.records.length < targetRecords) {
    i += 1;
    if (i % 500 === 0) s.navigate(`/page-${i}`);
    if (i % 97 === 0) s.page.identify(`user-${i % 5}`, { plan: 'pro', email: `u${i % 5}@example.com` });
    else s.page.track(`Event ${i % 40}`, { i, sku: `SKU-${i}` });
  }
  return sessionOf(s.records.slice(0, targetRecords));
}

export function benchRuleEngine(records: readonly CapturedRecord[]) {
  const full: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    evaluateSession(records, { ended: true });
    full.push(performance.now() - started);
  }
  const engine = createRuleEngine();
  const perRecord: number[] = [];
  for (const record of [...records].sort(compareRecords)) {
    const started = performance.now();
    engine.add(record);
    perRecord.push((performance.now() - started) * 1000);
  }
  return {
    records: records.length,
    fullEvaluationMs: round(median(full), 1),
    incrementalMedianUs: round(median(perRecord), 2),
    incrementalP99Us: round(percentile(perRecord, 0.99), 1),
  };
}

export function benchExportImport(data: ReturnType<typeof syntheticSession>) {
  const exports: number[] = [];
  const imports: number[] = [];
  let text = '';
  for (let run = 0; run < 3; run += 1) {
    let started = performance.now();
    text = JSON.stringify(createSessionFile([{ session: data.session, records: data.records, findings: [] }], 'bench', Date.now()));
    exports.push(performance.now() - started);
    started = performance.now();
    const parsed = parseSessionFile(text);
    imports.push(performance.now() - started);
    if (!parsed.ok) throw new Error(`import failed: ${parsed.error}`);
  }
  return { records: data.records.length, fileMB: round(text.length / 1048576, 1), exportMs: round(median(exports), 0), importMs: round(median(imports), 0) };
}
