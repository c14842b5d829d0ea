/**
 * The vocabulary of a ConfigDef (Kafka's `ConfigDef.Type`, `Importance`, `Width`), the parsed values
 * a key can hold, and {@link Password}, the wrapper that keeps a secret out of every printout.
 */

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';
/** How much a key matters to a user: orders the documentation and the validate response. */
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';
/** How wide a UI should draw the field. */
export type Width = 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';

export const CONFIG_TYPES: readonly ConfigType[] = ['BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'];
/** In Kafka's enum order, which the documentation sort uses. */
export const IMPORTANCES: readonly Importance[] = ['HIGH', 'MEDIUM', 'LOW'];
export const WIDTHS: readonly Width[] = ['NONE', 'SHORT', 'MEDIUM', 'LONG'];

/**
 * A parsed value: BOOLEAN boolean; STRING and CLASS string; INT, SHORT and DOUBLE number; LONG a
 * number, or an exact bigint when it does not fit a double exactly; LIST string[]; PASSWORD Password.
 */
export type ParsedValue = boolean | string | number | bigint | string[] | Password | null;

export const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Wraps a secret so that it never prints: String(), JSON and util.inspect all show the mask. */
export class Password {
  static readonly HIDDEN = '[hidden]';
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The secret itself. */
  value(): string {
    return this.#value;
  }
  /** True for a Password holding the same secret. */
  equals(other: unknown): boolean {
    return other instanceof Password && other.#value === this.#value;
  }
  /** The mask, `[hidden]`. */
  toString(): string {
    return Password.HIDDEN;
  }
  /** The mask, `[hidden]`. */
  toJSON(): string {
    return Password.HIDDEN;
  }
  /** The mask, `[hidden]`. */
  [Symbol.toPrimitive](): string {
    return Password.HIDDEN;
  }
  /** The mask, `[hidden]` (util.inspect). */
  [INSPECT](): string {
    return Password.HIDDEN;
  }
}

/** Props as given: strings; a null value (possible in a REST body) is parsed as null, as in Kafka. */
export type ConfigProps = Readonly<Record<string, string | null | undefined>>;
