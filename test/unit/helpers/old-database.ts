import { openDB } from 'idb';
import { MIGRATIONS, type LensSchema } from '../../../src/capture/db';

/** A database as an earlier release left it: schema `version`, built by the shipped migration steps. */
export function openDatabaseAtVersion(name: string, version: number) {
  return openDB<LensSchema>(name, version, {
    upgrade(database, oldVersion, _new, tx) {
      for (let step = oldVersion; step < version; step += 1) MIGRATIONS[step]?.(database, tx);
    },
  });
}
