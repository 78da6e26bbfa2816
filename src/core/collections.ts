/**
 * Adds `value` to the list kept under `key`, in place. Copying the list on every
 * addition (`[...list, value]`) made a 100,000-call page quadratic.
 */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): V[] {
  const list = map.get(key);
  if (list) {
    list.push(value);
    return list;
  }
  const created = [value];
  map.set(key, created);
  return created;
}
