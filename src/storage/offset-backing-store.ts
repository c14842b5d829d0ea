/**
 * Where source offsets live. Keys and values are the bytes Kafka Connect writes to its offsets
 * topic, as text: key `["<connector>",{<source partition>}]`, value the offset as JSON. The file
 * store (standalone) and the Kafka store (distributed) share this interface.
 */
export interface OffsetBackingStore {
  start(): Promise<void>;
  /** The stored offset JSON for each key, or null. */
  get(keys: readonly string[]): (string | null)[];
  /**
   * Persists all entries durably before resolving; a later set never loses an earlier one. A null
   * value deletes the key (the offsets topic's tombstone).
   */
  set(entries: ReadonlyMap<string, string | null>): Promise<void>;
  /** Every stored [key, value], e.g. to list one connector's offsets. */
  entries(): Iterable<[string, string]>;
  stop(): Promise<void>;
}

/** The offsets-topic key for a connector's source partition (given as compact JSON). */
export function offsetKey(connectorName: string, sourcePartitionJson: string): string {
  return `[${JSON.stringify(connectorName)},${sourcePartitionJson}]`;
}

/** The connector name and source partition JSON of an offsets key, or null if it is not one. */
export function parseOffsetKey(key: string): { connector: string; partition: Record<string, unknown> } | null {
  try {
    const parsed = JSON.parse(key) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'object' && parsed[1] !== null) {
      return { connector: parsed[0], partition: parsed[1] as Record<string, unknown> };
    }
  } catch {
    // not JSON: not an offsets key
  }
  return null;
}
