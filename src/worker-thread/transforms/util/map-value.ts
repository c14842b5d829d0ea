/**
 * Schemaless maps. Kafka Connect's schemaless map is a java.util.Map; in connectd it is a Map or a
 * plain object with string keys (src/worker-thread/data/schema.ts). A transform that copies a map keeps its form,
 * so a connector that hands plain objects in gets plain objects out. Kafka copies into HashMaps,
 * whose order means nothing; these keep insertion order.
 */
export type MapValue = Map<unknown, unknown> | Record<string, unknown>;

export function mapGet(map: MapValue, key: string): unknown {
  if (map instanceof Map) return map.get(key) ?? null;
  return Object.hasOwn(map, key) ? (map[key] ?? null) : null;
}

export function mapHas(map: MapValue, key: string): boolean {
  return map instanceof Map ? map.has(key) : Object.hasOwn(map, key);
}

/** Sets a key in place; `__proto__` becomes an own key, as any other name. */
export function mapSet(map: MapValue, key: string, value: unknown): void {
  if (map instanceof Map) map.set(key, value);
  else if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

export function mapDelete(map: MapValue, key: string): void {
  if (map instanceof Map) map.delete(key);
  else delete map[key];
}

/** An empty map of the same form as `like` (a Map for a Map, a plain object otherwise). */
export function emptyMapLike(like: MapValue): MapValue {
  return like instanceof Map ? new Map() : {};
}

/** A shallow copy in the same form. */
export function copyMap(map: MapValue): MapValue {
  if (map instanceof Map) return new Map(map);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(map)) mapSet(copy, key, map[key]);
  return copy;
}

export function mapEntriesOf(map: MapValue): [unknown, unknown][] {
  return map instanceof Map ? [...map.entries()] : Object.entries(map);
}
