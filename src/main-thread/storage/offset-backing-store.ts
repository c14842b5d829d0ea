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
