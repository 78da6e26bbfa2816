import { describe, expect, it } from 'vitest';
import { createPortChannel, type BridgePort } from '../../src/bridge/port-channel';
import { pageRecordsMessage, type BridgeToBackground } from '../../src/protocol/messages';

function fakePort() {
  const messageListeners: Array<(message: unknown) => void> = [];
  const disconnectListeners: Array<() => void> = [];
  const posted: BridgeToBackground[] = [];
  let closed = false;
  const port: BridgePort = {
    postMessage(message) {
      if (closed) throw new Error('Attempting to use a disconnected port object');
      posted.push(message);
    },
    onMessage: { addListener: (listener) => messageListeners.push(listener) },
    onDisconnect: { addListener: (listener) => disconnectListeners.push(listener) },
  };
  return {
    port,
    posted,
    reply: (message: unknown) => messageListeners.forEach((listener) => listener(message)),
    disconnect: () => {
      closed = true;
      disconnectListeners.forEach((listener) => listener());
    },
  };
}

const batch = (n: number) => pageRecordsMessage(n, []);

/** A channel whose every port is a fake, kept in `ports` in the order opened. */
function channelOnFakePorts() {
  const ports: ReturnType<typeof fakePort>[] = [];
  const send = createPortChannel(() => {
    ports.push(fakePort());
    return ports[ports.length - 1]!.port;
  });
  return { ports, send };
}

describe('the bridge port channel', () => {
  it('resolves each batch with the reply that names it, in any order, on one port', async () => {
    const { ports, send } = channelOnFakePorts();
    const first = send(batch(1));
    const second = send(batch(2));
    ports[0]!.reply({ batch: 2, reply: { ok: true, stored: 2, sessionId: 's' } });
    ports[0]!.reply({ batch: 1, reply: { ok: true, stored: 1, sessionId: 's' } });
    ports[0]!.reply({ unrelated: true });
    expect(await first).toEqual({ ok: true, stored: 1, sessionId: 's' });
    expect(await second).toEqual({ ok: true, stored: 2, sessionId: 's' });
    expect(ports).toHaveLength(1);
  });

  it('rejects what is waiting when the background disconnects, and opens a new port for the next batch', async () => {
    const { ports, send } = channelOnFakePorts();
    const waiting = send(batch(1));
    ports[0]!.disconnect();
    await expect(waiting).rejects.toThrow('disconnected');
    const next = send(batch(2));
    expect(ports).toHaveLength(2);
    ports[1]!.reply({ batch: 2, reply: { ok: true, stored: 0, sessionId: 's' } });
    await expect(next).resolves.toMatchObject({ ok: true });
  });

  it('rejects at once when the port cannot be opened, and tries again next time', async () => {
    let attempts = 0;
    const send = createPortChannel(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('Extension context invalidated');
      return fakePort().port;
    });
    await expect(send(batch(1))).rejects.toThrow('invalidated');
    void send(batch(2));
    expect(attempts).toBe(2);
  });
});
