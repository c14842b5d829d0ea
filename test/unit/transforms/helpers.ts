/** Records and configured plugins for the transform tests. */
import type { Schema } from '../../../src/worker-thread/data/schema.js';
import { SourceRecord } from '../../../src/worker-thread/sdk/records.js';
import type { Header } from '../../../src/worker-thread/sdk/records.js';
import { SinkRecord } from '../../../src/worker-thread/sdk/sink.js';
import type { Predicate, Transformation } from '../../../src/worker-thread/transforms/transformation.js';

export interface RecordParts {
  topic?: string;
  kafkaPartition?: number | null;
  keySchema?: Schema | null;
  key?: unknown;
  valueSchema?: Schema | null;
  value?: unknown;
  timestamp?: number | null;
  headers?: readonly Header[];
}

export const TIMESTAMP = 1_700_000_123_456;

export function sourceRecord(parts: RecordParts = {}): SourceRecord {
  return new SourceRecord({
    sourcePartition: { file: 'a' },
    sourceOffset: { position: 7 },
    topic: parts.topic ?? 'orders',
    kafkaPartition: parts.kafkaPartition === undefined ? 3 : parts.kafkaPartition,
    keySchema: parts.keySchema ?? null,
    key: parts.key ?? null,
    valueSchema: parts.valueSchema ?? null,
    value: parts.value === undefined ? null : parts.value,
    timestamp: parts.timestamp === undefined ? TIMESTAMP : parts.timestamp,
    headers: parts.headers ?? [],
  });
}

export function sinkRecord(parts: RecordParts = {}, kafkaOffset = 42): SinkRecord {
  return new SinkRecord({
    topic: parts.topic ?? 'orders',
    kafkaPartition: parts.kafkaPartition ?? 3,
    kafkaOffset,
    keySchema: parts.keySchema ?? null,
    key: parts.key ?? null,
    valueSchema: parts.valueSchema ?? null,
    value: parts.value === undefined ? null : parts.value,
    timestamp: parts.timestamp === undefined ? TIMESTAMP : parts.timestamp,
    headers: parts.headers ?? [],
  });
}

export function configured<T extends Transformation | Predicate>(Klass: new () => T, config: Record<string, string> = {}): T {
  const instance = new Klass();
  instance.configure(config);
  return instance;
}

/** The problems of the ConfigException `fn` throws, as [name, message] pairs. */
export function configProblems(fn: () => unknown): [string, string][] {
  try {
    fn();
  } catch (err) {
    const problems = (err as { problems?: { name: string; message: string }[] }).problems;
    if (problems === undefined) throw err;
    return problems.map((p) => [p.name, p.message]);
  }
  throw new Error('expected a ConfigException');
}
