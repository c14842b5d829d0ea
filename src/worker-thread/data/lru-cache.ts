/**
 * A map that forgets its least recently used entry beyond `capacity` (0 or less: remembers nothing),
 * as Kafka's LRUCache that JsonConverter, Confluent's AvroData and its schema registry client keep
 * their schemas in. A `get` that hits allocates nothing (a Map delete and set), so it can sit on a
 * per-record path.
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, V>();
  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined && this.#entries.size > 1) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as K);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
