import { startBridge } from '@/src/bridge/start-bridge';

export default defineContentScript({
  matches: ['<all_urls>'],
  runAt: 'document_start',
  allFrames: true,
  matchAboutBlank: true,
  main() {
    startBridge();
  },
});
