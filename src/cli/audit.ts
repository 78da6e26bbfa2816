import { evaluateSession } from '../core/engine';
import { parseSessionFile } from '../core/export/import-file';
import { RULE_IDS, ruleById } from '../core/rules/catalogue';
import type { Finding, Severity } from '../protocol/findings';

/** What the command needs from its environment; the CLI passes Node's, tests pass memory. */
export interface AuditIo {
  readFile(path: string): Promise<string>;
  out(text: string): void;
  err(text: string): void;
}

export interface AuditOptions {
  readonly files: string[];
  readonly format: 'text' | 'json' | 'junit';
  readonly failOn: Severity;
  readonly disabled: string[];
}

const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export const USAGE = `Usage: identity-lens audit <file.identity-lens.json>... [options]

Runs Identity Lens's rules on exported sessions and reports the findings.

Options:
  --format text|json|junit   output format (default: text)
  --fail-on error|warning|info
                             exit with 1 when a finding of this severity or worse exists (default: error)
  --disable <rule>           skip a rule (repeatable)
  --help                     show this help`;

export function parseAuditArgs(argv: readonly string[]): AuditOptions | { error: string } | 'help' {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === undefined) return 'help';
  if (command !== 'audit') return { error: `unknown command "${command}"` };
  const files: string[] = [];
  let format: AuditOptions['format'] = 'text';
  let failOn: Severity = 'error';
  const disabled: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] as string;
    const value = rest[i + 1];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--format') {
      if (value !== 'text' && value !== 'json' && value !== 'junit') return { error: '--format takes text, json or junit' };
      format = value;
      i += 1;
    } else if (arg === '--fail-on') {
      if (value !== 'error' && value !== 'warning' && value !== 'info') return { error: '--fail-on takes error, warning or info' };
      failOn = value;
      i += 1;
    } else if (arg === '--disable') {
      if (value === undefined || !RULE_IDS.includes(value)) return { error: `--disable takes a rule id (${RULE_IDS.join(', ')})` };
      disabled.push(value);
      i += 1;
    } else if (arg.startsWith('--')) return { error: `unknown option ${arg}` };
    else files.push(arg);
  }
  if (files.length === 0) return { error: 'name at least one .identity-lens.json file' };
  return { files, format, failOn, disabled };
}

const xml = (text: string): string => text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

interface Audited {
  readonly file: string;
  readonly session: string;
  readonly title: string;
  readonly findings: Finding[];
}

function render(results: readonly Audited[], format: AuditOptions['format'], failOn: Severity): string {
  if (format === 'json') {
    return JSON.stringify(
      results.map((r) => ({ file: r.file, session: r.session, title: r.title, findings: r.findings.map(({ rule, severity, message, recordIds, at }) => ({ rule, severity, message, recordIds, at: new Date(at).toISOString() })) })),
      null,
      2,
    );
  }
  if (format === 'junit') {
    const cases = results.flatMap((r) => {
      const name = `${r.title} (${r.session})`;
      const failing = r.findings.filter((f) => RANK[f.severity] <= RANK[failOn]);
      if (failing.length === 0) return [`    <testcase classname="${xml(r.file)}" name="${xml(name)}"/>`];
      return failing.map(
        (f) => `    <testcase classname="${xml(r.file)}" name="${xml(`${name}: ${f.rule}`)}">\n      <failure type="${f.severity}" message="${xml(f.message)}">${xml(ruleById(f.rule)?.fix ?? '')}</failure>\n    </testcase>`,
      );
    });
    const failures = results.reduce((n, r) => n + r.findings.filter((f) => RANK[f.severity] <= RANK[failOn]).length, 0);
    return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="identity-lens audit" tests="${cases.length}" failures="${failures}">\n  <testsuite name="identity-lens" tests="${cases.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>`;
  }
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.file} · ${r.title} (${r.session})`);
    if (r.findings.length === 0) lines.push('  no findings');
    for (const f of r.findings) lines.push(`  ${f.severity.padEnd(7)} ${f.rule.padEnd(28)} ${f.message}`);
  }
  const counts = { error: 0, warning: 0, info: 0 };
  for (const r of results) for (const f of r.findings) counts[f.severity] += 1;
  lines.push('', `${results.length} session(s): ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info`);
  return lines.join('\n');
}

/** Runs `identity-lens audit`; returns the exit code (0 clean, 1 findings at or above --fail-on, 2 usage or file errors). */
export async function runAudit(argv: readonly string[], io: AuditIo): Promise<number> {
  const parsed = parseAuditArgs(argv);
  if (parsed === 'help') {
    io.out(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    io.err(`identity-lens: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const results: Audited[] = [];
  for (const file of parsed.files) {
    let text: string;
    try {
      text = await io.readFile(file);
    } catch (error) {
      io.err(`identity-lens: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
    const imported = parseSessionFile(text);
    if (!imported.ok) {
      io.err(`identity-lens: ${file}: ${imported.error}`);
      return 2;
    }
    for (const { session, records } of imported.sessions) {
      // The same rules as the extension, with the session judged as ended (its pages are over).
      const { findings } = evaluateSession(records, { ended: true, disabledRules: parsed.disabled });
      results.push({ file, session: session.id, title: session.title, findings });
    }
  }
  io.out(render(results, parsed.format, parsed.failOn));
  const failing = results.some((r) => r.findings.some((f) => RANK[f.severity] <= RANK[parsed.failOn]));
  return failing ? 1 : 0;
}
