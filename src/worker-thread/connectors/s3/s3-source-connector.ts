/**
 * The S3 source connector (io.connectd.connectors.s3.S3SourceConnector): reads the objects of an S3
 * bucket, an S3-compatible server's, or a local directory's (`bucket=file:///dir`), line by line
 * (`lines`, `jsonl`) or whole (`bytes`), gzip or not, into a topic. Written only against the SDK.
 *
 * - Work: one source partition per key prefix (`prefix.whitelist`, or the sub-prefixes that
 *   `prefix.discovery.delimiter` finds under them), spread over min(partitions, tasks.max) tasks
 *   with groupPartitions.
 * - Dynamic: with discovery, the connector lists the bucket every `poll.interval.ms` and asks for
 *   new task configs when the set of partitions changed; tasks whose share did not change keep
 *   running.
 * - Offsets: see partition-reader.ts. A restart resumes inside the object it was in, at the line
 *   after the last committed one, with a Range request where the object allows it.
 */
import { SourceConnector, groupPartitions } from '../../sdk/index.js';
import type { ConfigDef, ConfigValue, SourceTask, TaskConfig } from '../../sdk/index.js';
import type { ObjectStore } from './object-store.js';
import type { PartitionSpec } from './partition-reader.js';
import { discoverPartitions, encodeSpecs } from './prefix-discovery.js';
import { S3_SOURCE_CONFIG_DEF, crossKeyProblems, openStore, parseSettings } from './s3-source-config.js';
import type { S3SourceSettings } from './s3-source-config.js';
import { S3SourceTask, TASK_PARTITIONS, VERSION } from './s3-source-task.js';

/** Consecutive failed listings of the monitoring loop before the connector is marked FAILED. */
const MONITOR_FAILURES_TOLERATED = 3;

export class S3SourceConnector extends SourceConnector {
  #props: Readonly<Record<string, string>> = {};
  #settings!: S3SourceSettings;
  #store: ObjectStore | undefined;
  #partitions: PartitionSpec[] = [];
  #monitor: NodeJS.Timeout | undefined;
  #monitorFailures = 0;
  #stopped = false;

  version(): string {
    return VERSION;
  }

  config(): ConfigDef {
    return S3_SOURCE_CONFIG_DEF;
  }

  override validate(props: Readonly<Record<string, string>>): Map<string, ConfigValue> {
    const values = super.validate(props);
    const parsed: Record<string, ConfigValue['value']> = {};
    for (const [name, value] of values) parsed[name] = value.value;
    for (const problem of crossKeyProblems(parsed)) values.get(problem.name)?.addErrorMessage(`${problem.name} ${problem.message}`);
    return values;
  }

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    this.#props = props;
    this.#settings = parseSettings(props, 'S3 source connector configuration');
    this.#store = await openStore(this.#settings);
    // Also the first check that the bucket is there and readable: a connector that cannot list it fails now, saying why.
    this.#partitions = await this.#discover();
    if (this.#settings.discoveryDelimiter !== '') this.#scheduleMonitor();
  }

  taskClass(): new () => SourceTask {
    return S3SourceTask;
  }

  taskConfigs(maxTasks: number): TaskConfig[] {
    if (this.#partitions.length === 0) return [];
    return groupPartitions(this.#partitions, Math.min(this.#partitions.length, maxTasks)).map((group) => ({
      ...this.#props,
      [TASK_PARTITIONS]: encodeSpecs(group),
    }));
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#monitor);
    this.#store?.close();
  }

  async #discover(): Promise<PartitionSpec[]> {
    const store = this.#store!;
    try {
      const specs = await discoverPartitions(store, this.#settings.prefixes, this.#settings.discoveryDelimiter);
      if (this.#settings.discoveryDelimiter === '') await store.list({ prefix: this.#settings.prefixes[0] ?? '', maxKeys: 1 });
      return specs;
    } catch (err) {
      throw new Error(`cannot list ${store.description}: ${(err as Error).message}`, { cause: err });
    }
  }

  #scheduleMonitor(): void {
    if (this.#stopped) return;
    this.#monitor = setTimeout(() => void this.#checkForNewPrefixes(), this.#settings.pollIntervalMs);
  }

  async #checkForNewPrefixes(): Promise<void> {
    try {
      const now = await this.#discover();
      if (this.#stopped) return;
      this.#monitorFailures = 0;
      if (encodeSpecs(now) !== encodeSpecs(this.#partitions)) {
        this.#partitions = now;
        this.context.requestTaskReconfiguration();
      }
    } catch (err) {
      if (this.#stopped) return;
      // A passing failure (the SDK has retried already) keeps the partitions known so far.
      if (++this.#monitorFailures >= MONITOR_FAILURES_TOLERATED) {
        this.context.raiseError(
          new Error(`looking for new prefixes failed ${this.#monitorFailures} times in a row: ${(err as Error).message}`, { cause: err }),
        );
        return;
      }
    }
    this.#scheduleMonitor();
  }
}
