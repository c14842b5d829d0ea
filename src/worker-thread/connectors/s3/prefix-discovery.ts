/**
 * Which source partitions a bucket has now. Without a discovery delimiter: one per whitelisted
 * prefix, whatever is in the bucket. With one: under each whitelisted prefix, one per sub-prefix
 * the delimiter marks (S3's CommonPrefixes: `logs/` → `logs/web/`, `logs/db/`), read whole, plus
 * one for the objects directly under the whitelisted prefix when there are any.
 */
import { compareKeys, listAll } from './object-store.js';
import type { ObjectStore } from './object-store.js';
import type { PartitionSpec } from './partition-reader.js';

export async function discoverPartitions(store: ObjectStore, prefixes: readonly string[], delimiter: string): Promise<PartitionSpec[]> {
  if (delimiter === '') return sortSpecs(prefixes.map((prefix) => ({ prefix })));
  const found: PartitionSpec[] = [];
  for (const prefix of prefixes) {
    let direct = false;
    for await (const page of listAll(store, { prefix, delimiter })) {
      if (page.objects.length > 0) direct = true;
      for (const sub of page.prefixes) found.push({ prefix: sub });
    }
    if (direct) found.push({ prefix, delimiter });
  }
  return sortSpecs(found);
}

/** A stable order (by prefix, the direct-objects partition of a prefix first), so unchanged input gives unchanged task configs. */
export function sortSpecs(specs: PartitionSpec[]): PartitionSpec[] {
  return specs.sort((a, b) => compareKeys(a.prefix, b.prefix) || Number(a.delimiter === undefined) - Number(b.delimiter === undefined));
}

/** The text form of partition specs in a task config (JSON: prefixes may hold any character). */
export function encodeSpecs(specs: readonly PartitionSpec[]): string {
  return JSON.stringify(
    specs.map((s) => (s.delimiter === undefined ? { prefix: s.prefix } : { prefix: s.prefix, delimiter: s.delimiter })),
  );
}

export function decodeSpecs(text: string | undefined): PartitionSpec[] {
  if (text === undefined || text === '') return [];
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new Error('task.partitions is not a JSON array');
  return parsed.map((entry: unknown) => {
    const { prefix, delimiter } = (entry ?? {}) as { prefix?: unknown; delimiter?: unknown };
    if (typeof prefix !== 'string' || (delimiter !== undefined && typeof delimiter !== 'string'))
      throw new Error(`task.partitions: not a partition: ${JSON.stringify(entry)}`);
    return delimiter === undefined ? { prefix } : { prefix, delimiter };
  });
}
