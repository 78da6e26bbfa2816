import { findFirefox, readFirefoxManifest } from './firefox';

// Fail once, up front, with the instructions, rather than once per test.
export default function setup(): void {
  findFirefox();
  readFirefoxManifest();
}
