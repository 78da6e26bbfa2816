import { readFile } from 'node:fs/promises';
import { runAudit } from './audit';

// The `identity-lens` command: `identity-lens audit <file>... [--format text|json|junit] [--fail-on …] [--disable …]`.
const code = await runAudit(process.argv.slice(2), {
  readFile: (path) => readFile(path, 'utf8'),
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = code;
