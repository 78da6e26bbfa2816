import type { BackgroundToBridgeOnPort, BridgeToBackground } from '../protocol/messages';

/** The part of runtime.Port the bridge uses; tests pass a fake. */
export interface BridgePort {
  postMessage(message: BridgeToBackground): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

const isPortReply = (message: unknown): message is BackgroundToBridgeOnPort =>
  typeof message === 'object' && message !== null && typeof (message as { batch?: unknown }).batch === 'number' && 'reply' in message;

/**
 * Request and reply over one long-lived port: each batch resolves with the reply
 * that names it. The port is opened on first use and again after a disconnect (the
 * MV3 service worker stopped); a disconnect rejects every batch still waiting, and
 * the bridge resends them.
 */
export function createPortChannel(connect: () => BridgePort): (message: BridgeToBackground) => Promise<unknown> {
  let port: BridgePort | null = null;
  const waiting = new Map<number, { resolve: (reply: unknown) => void; reject: (error: Error) => void }>();

  const open = (): BridgePort => {
    const opened = connect();
    opened.onMessage.addListener((message) => {
      if (!isPortReply(message)) return;
      const waiter = waiting.get(message.batch);
      waiting.delete(message.batch);
      waiter?.resolve(message.reply);
    });
    opened.onDisconnect.addListener(() => {
      if (port === opened) port = null;
      const orphans = [...waiting.values()];
      waiting.clear();
      for (const waiter of orphans) waiter.reject(new Error('the background disconnected'));
    });
    return opened;
  };

  return (message) =>
    new Promise((resolve, reject) => {
      waiting.set(message.batch, { resolve, reject });
      try {
        port ??= open();
        port.postMessage(message);
      } catch (error) {
        // The port was already closed (the worker stopped between two batches): a new one next time.
        port = null;
        waiting.delete(message.batch);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
}
