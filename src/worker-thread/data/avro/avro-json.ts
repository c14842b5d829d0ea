/**
 * The JSON of Avro schemas, kept as json-text.ts parses it (numbers as their text, objects in their
 * order), so that a schema prints back exactly (an INT64 default of 2^63-1 keeps its digits) and the
 * members come out in the order Avro Java writes them.
 */
import { JsonNumber, quoteJson } from '../json/json-text.js';
import type { JsonValue } from '../json/json-text.js';

/** Compact JSON text, as Jackson writes it (no spaces). */
export function jsonText(node: JsonValue): string {
  if (node === null) return 'null';
  switch (typeof node) {
    case 'boolean':
      return node ? 'true' : 'false';
    case 'string':
      return quoteJson(node);
    default:
      break;
  }
  if (node instanceof JsonNumber) return node.text;
  if (Array.isArray(node)) return `[${node.map(jsonText).join(',')}]`;
  let out = '{';
  let first = true;
  for (const [k, v] of node) {
    out += `${first ? '' : ','}${quoteJson(k)}:${jsonText(v)}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * The plain JavaScript form avsc takes: objects, arrays, numbers. An integer beyond 2^53 stays exact
 * as a bigint (only an Avro long can hold one, and connectd's long type reads bigints).
 */
export function jsonPlain(node: JsonValue): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (node instanceof JsonNumber) {
    const n = Number(node.text);
    return node.integral && !Number.isSafeInteger(n) ? BigInt(node.text) : n;
  }
  if (Array.isArray(node)) return node.map(jsonPlain);
  const out: Record<string, unknown> = {};
  for (const [k, v] of node) out[k] = jsonPlain(v);
  return out;
}

export function jsonInt(n: number | bigint): JsonNumber {
  return new JsonNumber(String(n), true);
}
