/** ParsedConfig: Kafka's AbstractConfig (without the config providers), what ConfigDef.parse returns. */
import { INSPECT, Password } from './types.js';
import type { ConfigProps, ParsedValue } from './types.js';

/**
 * Typed access to a parsed configuration. Getters throw on a key the ConfigDef did not define.
 * util.inspect and JSON.stringify of a ParsedConfig mask every secret. `originals` holds the props as
 * given, secrets included (connectors hand them on to tasks); util.inspect masks the secrets in it too,
 * but JSON.stringify does not, because originals are data that may be stored or sent.
 */
export class ParsedConfig {
  readonly #values: ReadonlyMap<string, ParsedValue>;
  readonly originals: Readonly<Record<string, string>>;

  constructor(values: ReadonlyMap<string, ParsedValue>, originals: ConfigProps) {
    this.#values = new Map(values);
    const copy: Record<string, string> = {};
    for (const [k, v] of Object.entries(originals)) if (typeof v === 'string') copy[k] = v;
    Object.defineProperty(copy, INSPECT, { value: () => this.#maskedOriginals(), enumerable: false });
    this.originals = Object.freeze(copy);
  }

  /** The parsed value, whatever its type. */
  get(name: string): ParsedValue {
    if (!this.#values.has(name)) throw new Error(`Unknown configuration '${name}'`);
    return this.#values.get(name) ?? null;
  }
  /** The value as a string; '' for null (Kafka returns null); `[hidden]` for a PASSWORD. */
  getString(name: string): string {
    const v = this.get(name);
    return v === null ? '' : String(v);
  }
  /** An INT value. */
  getInt(name: string): number {
    return Number(this.get(name));
  }
  /** A SHORT value. */
  getShort(name: string): number {
    return Number(this.get(name));
  }
  /** A number, or a bigint when the value does not fit a double exactly. */
  getLong(name: string): number | bigint {
    const v = this.get(name);
    return typeof v === 'bigint' ? v : Number(v);
  }
  /** A DOUBLE value. */
  getDouble(name: string): number {
    return Number(this.get(name));
  }
  /** A BOOLEAN value; false for null. */
  getBoolean(name: string): boolean {
    return this.get(name) === true;
  }
  /** A LIST value; [] for null. */
  getList(name: string): string[] {
    const v = this.get(name);
    return Array.isArray(v) ? v : [];
  }
  /** A PASSWORD value, or null. */
  getPassword(name: string): Password | null {
    const v = this.get(name);
    return v instanceof Password ? v : null;
  }
  /** The class name (connectd does not load classes), or null. */
  getClass(name: string): string | null {
    const v = this.get(name);
    return v === null ? null : String(v);
  }

  /** Every defined key's parsed value (secrets stay Password objects). */
  values(): Record<string, ParsedValue> {
    return Object.fromEntries(this.#values);
  }

  /** The props as given whose key starts with `prefix` (and is longer), the prefix removed by default. */
  originalsWithPrefix(prefix: string, strip = true): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.originals)) {
      if (k.startsWith(prefix) && k.length > prefix.length) out[strip ? k.slice(prefix.length) : k] = v;
    }
    return out;
  }

  /** The values and originals, every secret masked. */
  toJSON(): { values: Record<string, ParsedValue>; originals: Record<string, string> } {
    return { values: this.values(), originals: this.#maskedOriginals() };
  }

  /** The values and originals, every secret masked (util.inspect). */
  [INSPECT](): object {
    return { values: this.values(), originals: this.#maskedOriginals() };
  }

  #maskedOriginals(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.originals)) out[k] = this.#values.get(k) instanceof Password ? Password.HIDDEN : v;
    return out;
  }
}
