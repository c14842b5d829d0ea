/**
 * A deterministic data generator: `source.partitions` independent streams, each emitting records
 * numbered 0, 1, 2… with content that is a pure function of (partition, seq, seed) and the config,
 * so a test can check every record in the topic. Written only against the public SDK.
 *
 * Source partition `{"partition": p}`, source offset `{"seq": n}` (the last emitted record), key
 * `p<p>-<n>` (or one of `key.cardinality` keys), headers `generator.partition` and `generator.seq`,
 * timestamp `timestamp.base.ms + n` (or Kafka's current time when no base is set: a fixed past base
 * would fall out of the topic's time-based retention and be deleted by the broker). The value is a
 * JSON-like string, or a Struct with a schema (`value.format=struct`).
 *
 * `records.per.second` limits the whole connector: each task gets the share of its source
 * partitions and waits on a token bucket, never spinning. `records.per.partition` ends each stream;
 * for a fixed count per task, give each task one stream (`source.partitions` = `tasks.max`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConfigDef,
  Schema,
  SchemaBuilder,
  SourceConnector,
  SourceRecord,
  SourceTask,
  Struct,
  Validators,
  groupPartitions,
} from '../../sdk/index.js';
import type { ParsedConfig, SourceOffset, TaskConfig } from '../../sdk/index.js';
import { TokenBucket } from './token-bucket.js';

const VERSION = '0.1.0';

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'topic',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Topic to write to.',
    validator: Validators.nonEmptyString(),
  })
  .define({
    name: 'source.partitions',
    type: 'INT',
    default: '1',
    importance: 'HIGH',
    documentation: 'Number of independent record streams (source partitions), spread over the tasks.',
    validator: Validators.atLeast(1),
  })
  .define({
    name: 'records.per.partition',
    type: 'LONG',
    default: '-1',
    importance: 'MEDIUM',
    documentation: 'Records per source partition; -1 for no end.',
    validator: Validators.atLeast(-1),
  })
  .define({
    name: 'batch.size',
    type: 'INT',
    default: '500',
    importance: 'MEDIUM',
    documentation: 'Records per poll() per task.',
    validator: Validators.between(1, 65536),
  })
  .define({
    name: 'value.size',
    type: 'INT',
    default: '0',
    importance: 'LOW',
    documentation:
      'String values: padded with a deterministic filler to at least this many characters. Struct values: the length of the payload field.',
    validator: Validators.atLeast(0),
  })
  .define({
    name: 'poll.interval.ms',
    type: 'INT',
    default: '0',
    importance: 'LOW',
    documentation: 'Pause between polls (0 = as fast as credit allows).',
    validator: Validators.atLeast(0),
  })
  .define({
    name: 'seed',
    type: 'STRING',
    default: 'connectd',
    importance: 'LOW',
    documentation: 'Varies the content; the same seed gives the same records.',
  })
  .define({
    name: 'timestamp.base.ms',
    type: 'LONG',
    default: '-1',
    importance: 'LOW',
    documentation: 'Timestamp of record 0; record n has base + n. -1: the time of producing.',
    validator: Validators.atLeast(-1),
  })
  .define({
    name: 'records.per.second',
    type: 'DOUBLE',
    default: '-1',
    importance: 'MEDIUM',
    documentation:
      'Most records a second for the whole connector, shared by the tasks in proportion to their source partitions (fractions allowed, e.g. 0.5). -1 or 0: no limit.',
    validator: Validators.lambda(
      (_name, value) =>
        typeof value === 'number' && (value === -1 || value >= 0) && Number.isFinite(value)
          ? undefined
          : 'must be -1 or 0 (no limit), or a positive number of records a second',
      () => '-1, 0, or a positive number',
    ),
  })
  .define({
    name: 'key.cardinality',
    type: 'INT',
    default: '0',
    importance: 'LOW',
    documentation:
      'Number of distinct keys: record n of partition p gets key `key-<(n * source.partitions + p) mod key.cardinality>`, so the keys cycle and repeat (for compaction and per-key ordering tests). 0: every record has its own key, `p<p>-<n>`.',
    validator: Validators.atLeast(0),
  })
  .define({
    name: 'value.format',
    type: 'STRING',
    default: 'string',
    importance: 'MEDIUM',
    documentation:
      '`string`: a schemaless JSON-like string padded to value.size. `struct`: a Struct with the schema io.connectd.connectors.generator.Value (partition int32, seq int64, seed string, flag boolean, amount float64, payload string of value.size characters), for converters that write schemas (JsonConverter, Avro).',
    validator: Validators.validString('string', 'struct'),
  });

export class GeneratorSourceConnector extends SourceConnector {
  #props: Readonly<Record<string, string>> = {};
  #partitions = 1;

  version(): string {
    return VERSION;
  }
  config(): ConfigDef {
    return CONFIG_DEF;
  }
  start(props: Readonly<Record<string, string>>): void {
    this.#partitions = CONFIG_DEF.parse(props).getInt('source.partitions');
    this.#props = props;
  }
  taskClass(): new () => SourceTask {
    return GeneratorSourceTask;
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    const all = Array.from({ length: this.#partitions }, (_, p) => String(p));
    return groupPartitions(all, Math.min(all.length, maxTasks)).map((group) => ({ ...this.#props, 'task.partitions': group.join(',') }));
  }
  stop(): void {}
}

/** The content of record `seq` of `partition`: exported so tests compute what they expect. */
export function generatedValue(partition: number, seq: number, seed: string, valueSize: number): string {
  const base = `{"partition":${partition},"seq":${seq},"seed":${JSON.stringify(seed)}}`;
  if (base.length >= valueSize) return base;
  return base + filler(partition, seq, seed, valueSize - base.length);
}

/** `length` characters of deterministic filler. */
function filler(partition: number, seq: number, seed: string, length: number): string {
  const unit = `${seed}-${partition}-${seq}-`;
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** The schema of `value.format=struct` values. */
export const GENERATOR_VALUE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.connectd.connectors.generator.Value')
  .version(1)
  .field('partition', Schema.INT32_SCHEMA)
  .field('seq', Schema.INT64_SCHEMA)
  .field('seed', Schema.STRING_SCHEMA)
  .field('flag', Schema.BOOLEAN_SCHEMA)
  .field('amount', Schema.FLOAT64_SCHEMA)
  .field('payload', Schema.STRING_SCHEMA)
  .build();

/** The Struct value of record `seq` of `partition` (`value.format=struct`); exported for tests. */
export function generatedStruct(partition: number, seq: number, seed: string, valueSize: number): Struct {
  const hash = fnv1a(`${seed}/${partition}/${seq}`);
  return new Struct(GENERATOR_VALUE_SCHEMA)
    .put('partition', partition)
    .put('seq', BigInt(seq))
    .put('seed', seed)
    .put('flag', (hash & 1) === 1)
    .put('amount', ((hash >>> 1) % 100000) / 100)
    .put('payload', filler(partition, seq, seed, valueSize));
}

/** The key of record `seq` of `partition`; exported for tests. */
export function generatedKey(partition: number, seq: number, sourcePartitions: number, keyCardinality: number): string {
  return keyCardinality > 0 ? `key-${(seq * sourcePartitions + partition) % keyCardinality}` : `p${partition}-${seq}`;
}

/** 32-bit FNV-1a: a deterministic, well-spread number from a string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * Tokens a rate-limited task may hold: about 100 ms of its rate. A poll takes at most `batch.size`
 * of them, so a poll that came late (a slow cycle on a busy machine, a wait for credit) is made up
 * by the next ones and the rate holds on average; capped at the poll size, the lost time was lost
 * for good (the bench saw 92 % of the rate at 80 k–180 k records/s).
 */
function burstFor(ratePerSecond: number): number {
  return Math.max(1, Math.ceil(ratePerSecond / 10));
}

export class GeneratorSourceTask extends SourceTask {
  #config!: ParsedConfig;
  #streams: { partition: { partition: number }; next: number }[] = [];
  #limit = -1;
  #stopped = false;
  #cursor = 0;
  #wake: AbortController = new AbortController();
  #bucket: TokenBucket | null = null;

  version(): string {
    return VERSION;
  }

  async start(props: Readonly<TaskConfig>): Promise<void> {
    this.#config = CONFIG_DEF.parse(props);
    this.#limit = Number(this.#config.getLong('records.per.partition'));
    const partitions = (props['task.partitions'] ?? '')
      .split(',')
      .filter((p) => p !== '')
      .map(Number);
    const rate = this.#config.getDouble('records.per.second');
    if (rate > 0 && partitions.length > 0) {
      const share = (rate * partitions.length) / this.#config.getInt('source.partitions');
      this.#bucket = new TokenBucket(share, burstFor(share));
    }
    const sourcePartitions = partitions.map((partition) => ({ partition }));
    const offsets = await this.context.offsetStorageReader().offsets(sourcePartitions);
    this.#streams = sourcePartitions.map((partition) => {
      const offset: SourceOffset | null = offsets.get(partition) ?? null;
      return { partition, next: offset === null ? 0 : Number(offset.seq) + 1 };
    });
  }

  async poll(): Promise<SourceRecord[] | null> {
    const interval = this.#config.getInt('poll.interval.ms');
    if (interval > 0) await sleep(interval, undefined, { signal: this.#wake.signal }).catch(() => undefined);
    if (this.#stopped) return null;
    const live = this.#streams.filter((s) => this.#limit < 0 || s.next < this.#limit);
    if (live.length === 0) {
      // Done: wait quietly until stopped rather than spinning on empty polls.
      await sleep(1000, undefined, { signal: this.#wake.signal }).catch(() => undefined);
      return null;
    }
    const topic = this.#config.getString('topic');
    const seed = this.#config.getString('seed');
    const valueSize = this.#config.getInt('value.size');
    const base = Number(this.#config.getLong('timestamp.base.ms'));
    const sourcePartitionCount = this.#config.getInt('source.partitions');
    const keyCardinality = this.#config.getInt('key.cardinality');
    const struct = this.#config.getString('value.format') === 'struct';
    let batchSize = this.#config.getInt('batch.size');
    if (this.#bucket !== null) {
      batchSize = await this.#bucket.take(batchSize, this.#wake.signal);
      if (this.#stopped) return null;
    }
    const records: SourceRecord[] = [];
    // Round-robin over the live streams so every partition advances.
    while (records.length < batchSize && live.length > 0) {
      const stream = live[this.#cursor++ % live.length]!;
      const seq = stream.next++;
      const p = stream.partition.partition;
      records.push(
        new SourceRecord({
          sourcePartition: stream.partition,
          sourceOffset: { seq },
          topic,
          key: generatedKey(p, seq, sourcePartitionCount, keyCardinality),
          valueSchema: struct ? GENERATOR_VALUE_SCHEMA : null,
          value: struct ? generatedStruct(p, seq, seed, valueSize) : generatedValue(p, seq, seed, valueSize),
          timestamp: base < 0 ? null : base + seq,
          headers: [
            { key: 'generator.partition', value: String(p) },
            { key: 'generator.seq', value: String(seq) },
          ],
        }),
      );
      if (this.#limit >= 0 && stream.next >= this.#limit) live.splice(live.indexOf(stream), 1);
    }
    return records;
  }

  stop(): void {
    this.#stopped = true;
    this.#wake.abort();
  }
}
