import type { Rule } from './rule';
import { GUIDE_URL } from './rule';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** docs/rules.md, generated from the rules' own metadata so the two cannot drift apart. */
export function renderRulesDoc(rules: readonly Rule[]): string {
  const lines: string[] = [
    '# Rules',
    '',
    '<!-- Generated from src/core/rules by `npm run docs:rules`; a test fails when this file is stale. Do not edit by hand. -->',
    '',
    `Identity Lens checks every captured session against these rules. Each comes from Segment's guide [Best Practices for Identifying Users](${GUIDE_URL}) or from a pitfall real Segment users report. A rule can be switched off, and the sign-up and log-in event names changed, in the options page.`,
    '',
    '| rule | severity | what it flags |',
    '|---|---|---|',
    ...[...rules]
      .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.id.localeCompare(b.id))
      .map((rule) => `| [\`${rule.id}\`](#${rule.id}) | ${rule.severity} | ${rule.title} |`),
    '',
  ];
  for (const rule of rules) {
    lines.push(
      `## ${rule.id}`,
      '',
      `**${rule.title}** · ${rule.severity} · guide: [${rule.guide.title}](${GUIDE_URL}#${rule.guide.anchor})`,
      '',
      `**Why it matters.** ${rule.why}`,
      '',
      `**Example.** ${rule.example.scenario}:`,
      '',
      '```text',
      rule.example.message,
      '```',
      '',
      `**How to fix it.** ${rule.fix}`,
      '',
      '```js',
      rule.fixCode,
      '```',
      '',
    );
  }
  return lines.join('\n');
}
