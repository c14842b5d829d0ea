/**
 * Where source offsets live. Keys and values are the bytes Kafka Connect writes to its offsets
 * topic, as text: key `["<connector>",{<source partition>}]`, value the offset as JSON. The file
 * store (standalone) and the Kafka store (distributed) share this interface.
 */
export interface OffsetBackingStore {
  start(): Promise<void>;
  /** The stored offset JSON for each key, or null. */
  get(keys: readonly string[]): (string | null)[];
  /** Persists all entries durably before resolving; a later set never loses an earlier one. */
  set(entries: ReadonlyMap<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/** The offsets-topic key for a connector's source partition (given as compact JSON). */
export function offsetKey(connectorName: string, sourcePartitionJson: string): string {
  return `[${JSON.stringify(connectorName)},${sourcePartitionJson}]`;
}
