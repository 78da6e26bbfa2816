/** Writes docs/rules.md from the rule catalogue (`npm run docs:rules`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../src/core/rules/catalogue';
import { renderRulesDoc } from '../src/core/rules/rules-doc';
import { findRepoRoot } from '../test/repo-root';

const path = join(findRepoRoot(), 'docs/rules.md');
writeFileSync(path, renderRulesDoc(RULES));
console.log(`wrote ${path} (${RULES.length} rules)`);
