import { computed } from '@preact/signals';
import { SEGMENT_API_HOSTS, parseApiHost } from '../../core/tracking-api';
import { createStoredSetting, type SettingStorage } from './stored-setting';

export type ApiHostStorage = SettingStorage<string[]>;

export type AddResult = { ok: true } | { ok: false; error: string };

/** The options page's state: the user's tracking API hosts, validated before they are saved. */
export function createOptionsStore(storage: ApiHostStorage) {
  const setting = createStoredSetting<string[]>(storage, []);
  const hosts = setting.value;
  const error = setting.error;
  const builtIn = SEGMENT_API_HOSTS;

  return {
    hosts,
    loaded: setting.loaded,
    error,
    builtIn,
    isEmpty: computed(() => hosts.value.length === 0),
    load: setting.load,
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
      return (await setting.save([...hosts.value, host])) ? { ok: true } : { ok: false, error: error.value ?? 'not saved' };
    },
    async remove(host: string): Promise<void> {
      await setting.save(hosts.value.filter((h) => h !== host));
    },
  };
}

export type OptionsStore = ReturnType<typeof createOptionsStore>;
