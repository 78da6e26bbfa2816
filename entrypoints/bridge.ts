import { startBridge } from '@/src/bridge/start-bridge';

/**
 * The isolated-world half of capture, in every frame at document_start. An unlisted
 * script, declared in the manifest by wxt.config.ts (`bridgeContentScript`), rather than
 * a `defineContentScript`: WXT wraps those in a ContentScriptContext that, before the
 * page's first script, posts a `window.postMessage` any page listener receives (naming
 * our extension id) and costs about 2.7 ms in every frame. The bridge uses none of it.
 */
export default defineUnlistedScript(() => {
  startBridge();
});
