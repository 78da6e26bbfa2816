import type { HookContext } from '../hook-context';
import { reflectApply } from '../intrinsics';
import { safeClone } from '../safe-clone';
import { wrapTrackedMethods, wrapUserAccessor } from '../wrap-methods';

interface ClassicShape {
  VERSION?: unknown;
  initialize?: unknown;
  on?: unknown;
  track?: unknown;
  options?: unknown;
  _integrations?: Record<string, { options?: { apiKey?: unknown; apiHost?: unknown } }>;
}

/** Classic analytics.js (analytics.js-core): `initialize`, an emitter, no event queue. */
export function isClassic(value: unknown): value is object {
  try {
    const candidate = value as ClassicShape & { queue?: unknown };
    return (
      typeof candidate === 'object' &&
      candidate !== null &&
      typeof candidate.track === 'function' &&
      typeof candidate.initialize === 'function' &&
      typeof candidate.on === 'function' &&
      candidate.queue === undefined
    );
  } catch {
    return false;
  }
}

function segmentOptions(instance: object): { apiKey?: unknown; apiHost?: unknown } | undefined {
  return (instance as ClassicShape)._integrations?.['Segment.io']?.options;
}

export function classicWriteKey(instance: object): string | null {
  const apiKey = segmentOptions(instance)?.apiKey;
  return typeof apiKey === 'string' ? apiKey : null;
}

export function hookClassic(context: HookContext, instance: object, global: string | null): void {
  const ref = context.registerInstance(instance, 'classic', global);
  if (ref === null) return;
  const version = (instance as ClassicShape).VERSION;
  const apiHost = context.guard('api-host', () => segmentOptions(instance)?.apiHost, undefined);
  context.recorder.emit({
    kind: 'instance',
    instance: ref,
    origin: 'global',
    version: typeof version === 'string' ? version : null,
    apiHost: typeof apiHost === 'string' ? apiHost : 'api.segment.io/v1',
    frameUrl: context.frameUrl(),
  });
  wrapTrackedMethods(context, instance, {});
  wrapUserAccessor(context, instance);
  // Classic emits `invoke` synchronously inside the call with the finished message:
  // the one place its messageId can be tied to the call that made it.
  const on = (instance as { on: (event: string, listener: (facade: unknown) => void) => unknown }).on;
  context.guard(
    'classic-on',
    () =>
      reflectApply(on, instance, [
        'invoke',
        (facade: unknown) =>
          context.guard(
            'classic-invoke',
            () => {
              const message = (facade as { obj?: Record<string, unknown> } | null)?.obj;
              const messageId = typeof message?.messageId === 'string' ? message.messageId : null;
              const type = typeof message?.type === 'string' ? message.type : null;
              context.recorder.emit({
                kind: 'event',
                phase: 'enriched',
                instance: context.instanceRef(instance) ?? ref,
                messageId,
                type,
                event: safeClone(message),
                reason: null,
                callId: context.currentCallId,
              });
              context.watchStorage('event');
            },
            undefined,
          ),
      ]),
    undefined,
  );
}
