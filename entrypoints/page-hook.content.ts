import { installHook } from '@/src/hook/install';

// Main world, document_start, every frame: the only placement that is in place
// before any page script runs (see README "Why a MAIN-world content script").
export default defineContentScript({
  matches: ['<all_urls>'],
  world: 'MAIN',
  runAt: 'document_start',
  allFrames: true,
  matchAboutBlank: true,
  main() {
    installHook(window);
  },
});
