/**
 * Deep equality of Connect values, as Java's `Objects.deepEquals` compares what ConnectSchema.equals
 * and Struct.equals compare (default values, field values). Objects that know their own equality
 * (Struct, BigDecimal, ConnectSchema) are asked through their `equals` method, so this module needs
 * none of them (no import cycle).
 *
 * Where JavaScript has two forms of one Connect value, both compare equal: an INT64 as a safe-integer
 * number or as a bigint, a MAP as a Map or as a plain object with the same string keys. Map entries
 * compare regardless of order, like Java's Map.equals. NaN equals NaN (as Java's boxed Double does).
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'number' || tb === 'number' || ta === 'bigint' || tb === 'bigint') return numbersEqual(a, b);
  if (ta !== 'object' || tb !== 'object') return false;
  if (hasEquals(a)) return a.equals(b);
  if (a instanceof Uint8Array) return b instanceof Uint8Array && bytesEqual(a, b);
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => valuesEqual(item, b[i]));
  const ea = mapEntries(a);
  const eb = mapEntries(b);
  if (ea === undefined || eb === undefined || ea.length !== eb.length) return false;
  return entriesEqual(ea, eb);
}

function numbersEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (typeof a === 'bigint' && typeof b === 'number') return Number.isSafeInteger(b) && BigInt(b) === a;
  if (typeof a === 'number' && typeof b === 'bigint') return Number.isSafeInteger(a) && BigInt(a) === b;
  return false;
}

function hasEquals(value: object): value is { equals(other: unknown): boolean } {
  return typeof (value as { equals?: unknown }).equals === 'function';
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A plain object: the form a MAP with STRING keys may take besides a Map. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The entries of a MAP value (a Map or a plain object); undefined for anything else. */
export function mapEntries(value: unknown): [unknown, unknown][] | undefined {
  if (value instanceof Map) return [...(value as Map<unknown, unknown>).entries()];
  if (isPlainObject(value)) return Object.entries(value);
  return undefined;
}

function entriesEqual(a: [unknown, unknown][], b: [unknown, unknown][]): boolean {
  // Primitive keys match through a Map; object keys (Structs, arrays) by a scan.
  const byKey = new Map<unknown, unknown[]>();
  const objectKeyed: [unknown, unknown][] = [];
  for (const entry of b) {
    const key = normalizeKey(entry[0]);
    if (typeof key === 'object' && key !== null) objectKeyed.push(entry);
    else byKey.set(key, entry);
  }
  for (const [key, value] of a) {
    const k = normalizeKey(key);
    if (typeof k !== 'object' || k === null) {
      const other = byKey.get(k);
      if (other === undefined || !valuesEqual(value, other[1])) return false;
      continue;
    }
    const index = objectKeyed.findIndex(([otherKey, otherValue]) => valuesEqual(key, otherKey) && valuesEqual(value, otherValue));
    if (index < 0) return false;
    objectKeyed.splice(index, 1);
  }
  return true;
}

/** Keys that are equal as Connect values become the same Map key: 1 and 1n, NaN. */
function normalizeKey(key: unknown): unknown {
  if (typeof key === 'number' && Number.isSafeInteger(key)) return BigInt(key);
  return key;
}
