/**
 * The records the generator connector emits, rebuilt outside connectd so the raw producer sends the
 * very same ones: key `p<p>-<seq>`, value `generatedValue(p, seq, seed, valueSize)`, headers
 * `generator.partition` and `generator.seq`, no explicit timestamp (librdkafka stamps produce time).
 * Streams are walked round-robin, as a generator task walks its source partitions.
 */
import {
  GENERATOR_VALUE_SCHEMA,
  generatedStruct,
  generatedValue,
} from '../../src/worker-thread/connectors/generator/generator-source-connector.js';
import { JsonConverter } from '../../src/worker-thread/data/json/json-converter.js';
import { groupPartitions } from '../../src/worker-thread/sdk/connector-utils.js';

export const SEED = 'connectd';

export interface RecordPlan {
  /** Generator `source.partitions`: independent streams of records. */
  sourcePartitions: number;
  /** Generator `records.per.partition`. */
  perPartition: number;
  valueSize: number;
  /**
   * `string` (default): the generator's string values. `struct-json`: `value.format=struct` through
   * the JsonConverter with schemas on (the raw producer converts on its own main thread what
   * connectd converts in its tasks' worker threads).
   */
  valueFormat?: 'string' | 'struct-json';
}

export function plannedTotal(plan: RecordPlan): number {
  return plan.sourcePartitions * plan.perPartition;
}

/** Which streams each of `tasks` tasks owns: the generator connector's own split. */
export function streamsOfTasks(plan: RecordPlan, tasks: number): number[][] {
  const all = Array.from({ length: plan.sourcePartitions }, (_, p) => p);
  return groupPartitions(all, Math.min(all.length, tasks));
}

export interface GeneratedRecord {
  key: string;
  value: Buffer;
  headers: Record<string, string>[];
}

/** One task's record stream: `next()` gives its next record, or null once its streams are done. */
export class RecordCursor {
  readonly #live: { partition: number; next: number }[];
  readonly #limit: number;
  readonly #valueSize: number;
  readonly #json: JsonConverter | undefined;
  #cursor = 0;

  constructor(plan: RecordPlan, partitions: readonly number[]) {
    this.#live = partitions.map((partition) => ({ partition, next: 0 }));
    this.#limit = plan.perPartition;
    this.#valueSize = plan.valueSize;
    // Kafka's defaults: schemas.enable=true.
    this.#json = plan.valueFormat === 'struct-json' ? new JsonConverter() : undefined;
  }

  next(): GeneratedRecord | null {
    const live = this.#live;
    if (live.length === 0) return null;
    const stream = live[this.#cursor++ % live.length]!;
    const seq = stream.next++;
    const p = stream.partition;
    if (stream.next >= this.#limit) live.splice(live.indexOf(stream), 1);
    return {
      key: `p${p}-${seq}`,
      value:
        this.#json === undefined
          ? Buffer.from(generatedValue(p, seq, SEED, this.#valueSize))
          : asBuffer(this.#json.fromConnectData('', GENERATOR_VALUE_SCHEMA, generatedStruct(p, seq, SEED, this.#valueSize))!),
      headers: [{ 'generator.partition': String(p) }, { 'generator.seq': String(seq) }],
    };
  }
}

/** A Buffer view of the converter's bytes (no copy). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
