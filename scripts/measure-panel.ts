/**
 * `npm run measure:panel [calls]`: the Identity panel with a stored session of
 * 2 × calls records (default 50,000 calls, so 100,000 records). Prints figures;
 * `npm run bench` measures this and everything else.
 */
import { benchPanel } from '../bench/panel';
import { launchWithExtension } from '../test/e2e/browser';

const lens = await launchWithExtension();
try {
  console.log(await benchPanel(lens, Number(process.argv[2] ?? 50_000)));
} finally {
  await lens.close();
}
