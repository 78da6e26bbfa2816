import { assertExtensionBuilt, findChromium } from './browser';

// Fail once, up front, with the instructions, rather than once per test.
export default function setup(): void {
  findChromium();
  assertExtensionBuilt();
}
