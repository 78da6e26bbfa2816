import { computed, signal } from '@preact/signals';
import { SEGMENT_API_HOSTS, parseApiHost } from '../../core/tracking-api';

/** Where the options live; the extension passes storage.local, tests pass a Map. */
export interface ApiHostStorage {
  load(): Promise<string[]>;
  save(hosts: string[]): Promise<void>;
}

export type AddResult = { ok: true } | { ok: false; error: string };

/** The options page's state: the user's tracking API hosts, validated before they are saved. */
export function createOptionsStore(storage: ApiHostStorage) {
  const hosts = signal<string[]>([]);
  const loaded = signal(false);
  const error = signal<string | null>(null);
  const builtIn = SEGMENT_API_HOSTS;

  const persist = async (next: string[]): Promise<void> => {
    const previous = hosts.value;
    hosts.value = next;
    try {
      await storage.save(next);
      error.value = null;
    } catch (cause) {
      hosts.value = previous;
      error.value = `Could not save: ${cause instanceof Error ? cause.message : String(cause)}`;
    }
  };

  return {
    hosts,
    loaded,
    error,
    builtIn,
    isEmpty: computed(() => hosts.value.length === 0),
    async load(): Promise<void> {
      try {
        hosts.value = await storage.load();
      } catch (cause) {
        error.value = `Could not read settings: ${cause instanceof Error ? cause.message : String(cause)}`;
      } finally {
        loaded.value = true;
      }
    },
    async add(input: string): Promise<AddResult> {
      const parsed = parseApiHost(input);
      if (parsed === null) {
        const message = `“${input.trim()}” is not a host. Use a form like collect.example.com or collect.example.com/segment/v1.`;
        error.value = message;
        return { ok: false, error: message };
      }
      const host = `${parsed.host}${parsed.pathPrefix}`;
      if (builtIn.includes(parsed.host) && parsed.pathPrefix === '') {
        const message = `${parsed.host} is recognised already.`;
        error.value = message;
        return { ok: false, error: message };
      }
      if (hosts.value.includes(host)) {
        const message = `${host} is in the list already.`;
        error.value = message;
        return { ok: false, error: message };
      }
      await persist([...hosts.value, host]);
      return error.value === null ? { ok: true } : { ok: false, error: error.value };
    },
    async remove(host: string): Promise<void> {
      await persist(hosts.value.filter((h) => h !== host));
    },
  };
}

export type OptionsStore = ReturnType<typeof createOptionsStore>;
