/**
 * The offsets topic's record format as text, the one thing about offsets both threads need: a task
 * host (worker thread) writes source partitions and offsets with connectJson, the main thread keys
 * its stores with offsetKey. Byte for byte Kafka Connect's (its Jackson output), so either side can
 * read the other's offsets topic.
 */
import { quoteJson } from '../worker-thread/data/json/json-text.js';

/** The offsets-topic key for a connector's source partition (given as compact JSON, see connectJson). */
export function offsetKey(connectorName: string, sourcePartitionJson: string): string {
  return `[${connectJson(connectorName)},${sourcePartitionJson}]`;
}

/**
 * The text the runtime would build for an offsets key or value read back as JSON (e.g. from the
 * standalone offsets file): an offsets key `[name, partition]` exactly as offsetKey(name,
 * connectJson(partition)) builds it, name and partition serialised apart as the runtime does,
 * anything else as connectJson writes it. Stores compare keys by their text, so what they read
 * must come back in this one form, whatever form it was stored in.
 */
export function canonicalOffsetJson(parsed: unknown): string {
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    typeof parsed[0] === 'string' &&
    typeof parsed[1] === 'object' &&
    parsed[1] !== null &&
    !Array.isArray(parsed[1])
  ) {
    return offsetKey(parsed[0], connectJson(parsed[1]));
  }
  return connectJson(parsed);
}

/** Output of JSON.stringify that Jackson may write differently: a raw surrogate (a character outside
 * the BMP) or a control character escaped in lower-case hex. */
const MAYBE_NOT_JACKSON = /[\ud800-\udfff]|\\u00[01][0-9a-f]/;

/**
 * A source partition or offset (or a name) as compact JSON exactly as Kafka Connect's Jackson writes
 * it, so offsets keys are byte for byte Kafka Connect's (it looks keys up by their bytes): fields in
 * their original order, and Jackson's escapes — `\uD83D\uDE00` for characters outside the BMP,
 * upper-case hex for control characters. JSON.stringify agrees on everything else, so it is the fast
 * path; a value whose output may differ is written again with the JsonConverter's Jackson quoting.
 */
export function connectJson(value: unknown): string {
  const json = JSON.stringify(value);
  return MAYBE_NOT_JACKSON.test(json) ? jacksonJson(value) : json;
}

function jacksonJson(value: unknown): string {
  if (typeof value === 'string') return quoteJson(value);
  if (Array.isArray(value)) return `[${value.map(jacksonJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${quoteJson(k)}:${jacksonJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The connector name and source partition JSON of an offsets key, or null if it is not one. */
export function parseOffsetKey(key: string): { connector: string; partition: Record<string, unknown> } | null {
  try {
    const parsed = JSON.parse(key) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'object' &&
      parsed[1] !== null
    ) {
      return { connector: parsed[0], partition: parsed[1] as Record<string, unknown> };
    }
  } catch {
    // not JSON: not an offsets key
  }
  return null;
}
