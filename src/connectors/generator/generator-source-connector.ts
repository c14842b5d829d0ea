/**
 * A deterministic data generator: `source.partitions` independent streams, each emitting records
 * numbered 0, 1, 2… with content that is a pure function of (partition, seq, seed), so a test can
 * check every record in the topic. Written only against the public SDK.
 *
 * Source partition `{"partition": p}`, source offset `{"seq": n}` (the last emitted record), key
 * `p<p>-<n>`, headers `generator.partition` and `generator.seq`, timestamp `timestamp.base.ms + n`
 * (or Kafka's current time when no base is set: a fixed past base would fall out of the topic's
 * time-based retention and be deleted by the broker).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigDef, SourceConnector, SourceRecord, SourceTask, Validators, groupPartitions } from '../../sdk/index.js';
import type { ParsedConfig, SourceOffset, TaskConfig } from '../../sdk/index.js';

const VERSION = '0.1.0';

const CONFIG_DEF = new ConfigDef()
  .define({ name: 'topic', type: 'STRING', importance: 'HIGH', documentation: 'Topic to write to.', validator: Validators.nonEmptyString() })
  .define({ name: 'source.partitions', type: 'INT', default: '1', importance: 'HIGH', documentation: 'Number of independent record streams (source partitions), spread over the tasks.', validator: Validators.atLeast(1) })
  .define({ name: 'records.per.partition', type: 'LONG', default: '-1', importance: 'MEDIUM', documentation: 'Records per source partition; -1 for no end.', validator: Validators.atLeast(-1) })
  .define({ name: 'batch.size', type: 'INT', default: '500', importance: 'MEDIUM', documentation: 'Records per poll() per task.', validator: Validators.between(1, 65536) })
  .define({ name: 'value.size', type: 'INT', default: '0', importance: 'LOW', documentation: 'Pad values with a deterministic filler to at least this many characters.', validator: Validators.atLeast(0) })
  .define({ name: 'poll.interval.ms', type: 'INT', default: '0', importance: 'LOW', documentation: 'Pause between polls (0 = as fast as credit allows).', validator: Validators.atLeast(0) })
  .define({ name: 'seed', type: 'STRING', default: 'connectd', importance: 'LOW', documentation: 'Varies the content; the same seed gives the same records.' })
  .define({ name: 'timestamp.base.ms', type: 'LONG', default: '-1', importance: 'LOW', documentation: 'Timestamp of record 0; record n has base + n. -1: the time of producing.', validator: Validators.atLeast(-1) });

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
  const filler = `${seed}-${partition}-${seq}-`;
  return base + filler.repeat(Math.ceil((valueSize - base.length) / filler.length)).slice(0, valueSize - base.length);
}

export class GeneratorSourceTask extends SourceTask {
  #config!: ParsedConfig;
  #streams: { partition: { partition: number }; next: number }[] = [];
  #limit = -1;
  #stopped = false;
  #cursor = 0;
  #wake: AbortController = new AbortController();

  version(): string {
    return VERSION;
  }

  async start(props: Readonly<TaskConfig>): Promise<void> {
    this.#config = CONFIG_DEF.parse(props);
    this.#limit = Number(this.#config.getLong('records.per.partition'));
    const partitions = (props['task.partitions'] ?? '').split(',').filter((p) => p !== '').map(Number);
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
    const batchSize = this.#config.getInt('batch.size');
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
          key: `p${p}-${seq}`,
          value: generatedValue(p, seq, seed, valueSize),
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
