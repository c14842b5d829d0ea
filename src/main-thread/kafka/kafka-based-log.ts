/**
 * Kafka Connect's KafkaBasedLog (`org.apache.kafka.connect.util.KafkaBasedLog`): one compacted topic
 * read as a log of key/value records. The distributed stores (offsets, configs, statuses) keep their
 * state in such topics and rebuild it by reading them from the beginning.
 *
 * - A consumer that joins no group: it is assigned every partition, starts at the beginning and
 *   hands each record, in order per partition, to `onRecord`.
 * - An idempotent producer with acks=all and the Java client's default partitioner for keyed records
 *   (librdkafka's `murmur2_random`: murmur2 of the key bytes, made positive, modulo the partition
 *   count), so a key lands in the partition Kafka Connect would put it in. `send` resolves when Kafka
 *   acknowledged the record.
 * - `readToEnd()` resolves once every record below the partitions' high watermarks, as they stood
 *   when it was called, was consumed (the same end Kafka Connect's readToEnd waits for).
 *
 * A producer client that stops delivering (issue 13: after a broker outage, one request never
 * answered and every record queued behind it, with no further event from librdkafka) is replaced,
 * as the source producer's is (`stallTimeoutMs`, worker key task.produce.stall.timeout.ms): the
 * offset, config and status writes of a distributed worker would otherwise fail until a restart.
 *
 * Main thread only, like every librdkafka client. Consuming never blocks a libuv pool thread: each
 * `consume` call takes only what librdkafka already fetched (timeout 0), and the loop sleeps until
 * librdkafka reports a non-empty queue, a reader waits, or an idle tick passes.
 */
import type { Logger } from 'pino';
import { CODES, KafkaConsumer, Producer } from './binding.js';
import type { DeliveryReport, LibrdKafkaError } from './binding.js';
import { KafkaAdmin } from './admin.js';

type ClientConfig = Record<string, string | number | boolean>;

export interface KafkaBasedLogOptions {
  topic: string;
  /** librdkafka settings shared by the admin, producer and consumer: bootstrap.servers, security… */
  clientConfig: ClientConfig;
  /** Prefix of the clients' `client.id`, e.g. `connectd-offsets`. */
  clientId: string;
  /** Partitions and replication factor when start() creates the topic; -1: the broker's default. */
  partitions: number;
  replicationFactor: number;
  /** Further topic configs for creation; `cleanup.policy` is always `compact`. */
  topicConfigs?: Record<string, string>;
  /** Every consumed record, in order per partition. An exception is logged and the record skipped. */
  onRecord: (record: LogRecord) => void;
  logger: Logger;
  /**
   * A producer client that delivered nothing this long while sends waited as long is replaced by a
   * fresh one once that one reached the cluster and the old one stayed silent as long again (see
   * #checkStall); 0 or absent: never.
   */
  stallTimeoutMs?: number;
}

export interface LogRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * How a store names and reaches its topic: Kafka Connect's `<x>.storage.topic`, `.partitions` and
 * `.replication.factor` worker settings (-1: the broker's default), plus the clients' settings.
 */
export interface StoreTopicOptions {
  topic: string;
  /** Default: the store's (Kafka Connect's) default. */
  partitions?: number;
  /** Default: the store's (Kafka Connect's) default, 3. */
  replicationFactor?: number;
  /** Further configs for the topic when it is created (`cleanup.policy` is always compact). */
  topicConfigs?: Record<string, string>;
  /** librdkafka settings: bootstrap.servers, security. */
  clientConfig: ClientConfig;
  /** Prefix of the clients' client.id; default `connectd-<store>`. */
  clientId?: string;
  logger: Logger;
  startTimeoutMs?: number;
  /** See KafkaBasedLogOptions.stallTimeoutMs (the worker's task.produce.stall.timeout.ms). */
  stallTimeoutMs?: number;
}

/** The log behind a store: its options with the store's defaults filled in. */
export function storeLog(
  options: StoreTopicOptions,
  defaults: { clientId: string; partitions: number; replicationFactor: number },
  onRecord: (record: LogRecord) => void,
  logger: Logger,
): KafkaBasedLog {
  return new KafkaBasedLog({
    topic: options.topic,
    clientConfig: options.clientConfig,
    clientId: options.clientId ?? defaults.clientId,
    partitions: options.partitions ?? defaults.partitions,
    replicationFactor: options.replicationFactor ?? defaults.replicationFactor,
    topicConfigs: options.topicConfigs ?? {},
    onRecord,
    logger,
    ...(options.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: options.stallTimeoutMs }),
  });
}

/** Where Kafka put an acknowledged record. */
export interface RecordPosition {
  partition: number;
  offset: number;
}

interface PendingSend {
  key: Buffer | null;
  value: Buffer | null;
  resolve: (position: RecordPosition) => void;
  reject: (err: Error) => void;
  /** When send() was called (ms since the epoch): the watchdog's age of the oldest unacknowledged send. */
  sentAt: number;
}

/** A fresh producer client being connected, or connected (`reachableAt`) and waiting to take over. */
interface Candidate {
  producer: InstanceType<typeof Producer>;
  reachableAt: number | undefined;
}

interface EndWaiter {
  ends: Map<number, number>;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Records taken per consume call (what librdkafka already holds; it never waits for more). */
const CONSUME_BATCH = 500;
/** The consume loop looks again at least this often, should librdkafka's wake-up be missed. */
const IDLE_POLL_MS = 250;
const CONSUME_ERROR_BACKOFF_MS = 1000;
const QUEUE_FULL_RETRY_MS = 10;
const WATERMARK_RETRY_MS = 200;
const OFFSET_EARLIEST = -2;

function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class KafkaBasedLog {
  readonly topic: string;
  readonly #options: KafkaBasedLogOptions;
  readonly #log: Logger;
  #producer: InstanceType<typeof Producer>;
  readonly #consumer: InstanceType<typeof KafkaConsumer>;
  #partitionCount = 0;
  #state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';

  /** Per partition: the offset after the last record handed to onRecord (or librdkafka's position). */
  readonly #next = new Map<number, number>();
  readonly #waiters = new Set<EndWaiter>();
  #pump: Promise<void> | undefined;
  /** Set by librdkafka's "queue not empty" callback and by anything that wants the loop to look again. */
  #signalled = false;
  #wake: (() => void) | undefined;

  /** Sends not yet taken by librdkafka (its queue was full), in order. */
  readonly #outbox: PendingSend[] = [];
  readonly #inFlight = new Map<number, PendingSend>();
  #nextSendId = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  /** When the current producer client last reported a delivery (or was put in place). */
  #lastReportAt = Date.now();
  #stallTimer: NodeJS.Timeout | undefined;
  #candidate: Candidate | undefined;
  /** Producer clients replaced because they stopped delivering, and the sends handed to their successors. */
  replacements = 0;
  resentRecords = 0;

  constructor(options: KafkaBasedLogOptions) {
    validateOptions(options);
    this.#options = options;
    this.topic = options.topic;
    this.#log = options.logger.child({ topic: options.topic });
    const common = { ...options.clientConfig };
    this.#producer = this.#openProducer();
    this.#consumer = new KafkaConsumer(
      {
        ...common,
        'client.id': `${options.clientId}-consumer`,
        // The binding requires a group id; the log never joins or commits to it (assign() only).
        'group.id': `${options.clientId}-log-reader`,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'isolation.level': 'read_committed',
        // Undocumented in the typings, used by the binding's own promise API: called on librdkafka's
        // thread when the consumer queue goes from empty to non-empty.
        queue_non_empty_cb: () => this.#signal(),
      } as ConstructorParameters<typeof KafkaConsumer>[0],
      // The topic-level config object wins over topic keys in the global one (see docs/dev/kafka-fixture.md).
      { 'auto.offset.reset': 'earliest' },
    );
    this.#consumer.on('event.error', (err: LibrdKafkaError) => this.#log.warn({ err: err.message, code: err.code }, 'consumer error'));
    const consumer = this.#consumer as unknown as {
      setDefaultConsumeTimeout(ms: number): void;
      setDefaultIsTimeoutOnlyForFirstMessage(v: boolean): void;
    };
    consumer.setDefaultConsumeTimeout(0);
    consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
  }

  /** A producer client with the log's settings; its reports count only while it is the current one. */
  #openProducer(): InstanceType<typeof Producer> {
    const producer = new Producer({
      ...this.#options.clientConfig,
      'client.id': `${this.#options.clientId}-producer`,
      'enable.idempotence': true,
      acks: -1,
      partitioner: 'murmur2_random',
      dr_cb: true,
    });
    producer.on('delivery-report', (err, report) => {
      if (producer === this.#producer) this.#onDeliveryReport(err, report);
    });
    producer.on('event.error', (err: LibrdKafkaError) => {
      if (producer === this.#producer) this.#log.warn({ err: err.message, code: err.code, fatal: err.isFatal }, 'producer error');
    });
    return producer;
  }

  /** The offset after the last record of the partition handed to onRecord (0 before any). */
  consumedUpTo(partition: number): number {
    return this.#next.get(partition) ?? 0;
  }

  /** The topic's partition count, known after start(). */
  get partitionCount(): number {
    return this.#partitionCount;
  }

  /**
   * Creates the topic if it is missing (compacted, with the configured partitions and replication
   * factor), connects, and reads the whole topic before resolving.
   */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.#state !== 'new') throw new Error(`KafkaBasedLog for ${this.topic}: start() called twice`);
    this.#state = 'starting';
    const deadline = Date.now() + timeoutMs;
    try {
      const creationError = await this.#createTopic(timeoutMs);
      await Promise.all([this.#connectProducer(timeoutMs), this.#connectConsumer(timeoutMs)]);
      this.#partitionCount = await this.#readPartitionCount(deadline, creationError);
      if (this.#state !== 'starting') throw new Error(`KafkaBasedLog for ${this.topic} was stopped while starting`);
      this.#consumer.assign(
        Array.from({ length: this.#partitionCount }, (_, partition) => ({ topic: this.topic, partition, offset: OFFSET_EARLIEST })),
      );
      this.#state = 'running';
      this.#pump = this.#consumeLoop();
      const stallMs = this.#options.stallTimeoutMs ?? 0;
      if (stallMs > 0) {
        this.#stallTimer = setInterval(() => this.#checkStall(), Math.max(250, Math.min(5000, Math.floor(stallMs / 4))));
        this.#stallTimer.unref();
      }
      await this.readToEnd(Math.max(1, deadline - Date.now()));
      this.#log.info({ partitions: this.#partitionCount }, 'read the topic to its end');
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Resolves once every record below the partitions' high watermarks, as they stand now, was consumed. */
  async readToEnd(timeoutMs = 30_000): Promise<void> {
    this.#assertRunning('readToEnd');
    const deadline = Date.now() + timeoutMs;
    const ends = new Map<number, number>();
    for (const [partition, { low, high }] of await this.#watermarks(deadline)) {
      // A partition whose records are all gone (log start = end) has nothing left to read.
      if (high > low) ends.set(partition, high);
    }
    this.#assertRunning('readToEnd');
    await new Promise<void>((resolve, reject) => {
      const waiter: EndWaiter = {
        ends,
        resolve,
        reject,
        timer: setTimeout(
          () => {
            this.#waiters.delete(waiter);
            const behind = [...waiter.ends]
              .filter(([p, end]) => (this.#next.get(p) ?? 0) < end)
              .map(([p, end]) => `${p}: at ${this.#next.get(p) ?? 0} of ${end}`);
            reject(
              new Error(`reading topic ${this.topic} to its end timed out after ${timeoutMs} ms (partitions behind: ${behind.join(', ')})`),
            );
          },
          Math.max(1, deadline - Date.now()),
        ),
      };
      this.#waiters.add(waiter);
      this.#signal();
    });
  }

  /** Writes one record (a null value is a tombstone); resolves when Kafka acknowledged it. */
  send(key: Buffer | string | null, value: Buffer | string | null): Promise<RecordPosition> {
    if (this.#state !== 'running')
      return Promise.reject(new Error(`KafkaBasedLog for ${this.topic} is not running (${this.#state}): cannot send`));
    return new Promise((resolve, reject) => {
      this.#outbox.push({
        key: typeof key === 'string' ? Buffer.from(key, 'utf8') : key,
        value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
        resolve,
        reject,
        sentAt: Date.now(),
      });
      if (this.#outbox.length === 1) this.#drainOutbox();
    });
  }

  /** Stops consuming, gives the producer up to `timeoutMs` to deliver what it holds, and disconnects. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    const wasStarted = this.#state !== 'new';
    this.#state = 'stopping';
    this.#signal();
    await this.#pump;
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`KafkaBasedLog for ${this.topic} stopped before it read to the end`));
    }
    this.#waiters.clear();
    clearInterval(this.#stallTimer);
    const candidate = this.#candidate;
    this.#candidate = undefined;
    if (candidate !== undefined) this.#closeProducer(candidate.producer);
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    for (const pending of this.#outbox.splice(0))
      pending.reject(new Error(`KafkaBasedLog for ${this.topic} stopped before the record was sent`));
    if (wasStarted) {
      if (this.#producer.isConnected()) await new Promise<void>((resolve) => this.#producer.disconnect(timeoutMs, () => resolve()));
      if (this.#consumer.isConnected()) await new Promise<void>((resolve) => this.#consumer.disconnect(() => resolve()));
    }
    for (const pending of this.#inFlight.values())
      pending.reject(new Error(`KafkaBasedLog for ${this.topic} stopped before Kafka acknowledged the record`));
    this.#inFlight.clear();
    this.#state = 'stopped';
  }

  #assertRunning(what: string): void {
    if (this.#state !== 'running') throw new Error(`KafkaBasedLog for ${this.topic} is not running (${this.#state}): cannot ${what}`);
  }

  /** Creates the topic; resolves with the error when that failed (it may exist all the same). */
  async #createTopic(timeoutMs: number): Promise<Error | undefined> {
    const admin = new KafkaAdmin({ ...this.#options.clientConfig, 'client.id': `${this.#options.clientId}-admin` });
    try {
      const created = await admin.createTopic(
        {
          name: this.topic,
          partitions: this.#options.partitions,
          replicationFactor: this.#options.replicationFactor,
          // Last, so that it wins over a caller's setting, as Kafka Connect's `.compacted()` does.
          configs: { ...this.#options.topicConfigs, 'cleanup.policy': 'compact' },
        },
        timeoutMs,
      );
      if (created)
        this.#log.info(
          { partitions: this.#options.partitions, replicationFactor: this.#options.replicationFactor },
          'created the topic (compacted)',
        );
      return undefined;
    } catch (err) {
      // Without the right to create topics (or to describe the cluster) the topic may still exist:
      // Kafka Connect then carries on too. Whether it exists is settled by the metadata that follows.
      this.#log.warn({ err: asError(err).message }, 'could not create the topic; using it if it exists');
      return asError(err);
    } finally {
      admin.disconnect();
    }
  }

  #connectProducer(timeoutMs: number, producer = this.#producer): Promise<void> {
    return new Promise((resolve, reject) => {
      producer.connect({ timeout: timeoutMs }, (err) => {
        if (err) reject(new Error(`producer for topic ${this.topic} could not connect: ${err.message}`));
        else {
          producer.setPollInBackground(true);
          resolve();
        }
      });
    });
  }

  /**
   * The watchdog (`stallTimeoutMs`), as the source producer's (source-producer.ts #checkStall).
   * Stalled: sends unacknowledged, the oldest waiting the timeout or longer, and no delivery report
   * for as long. Then a fresh client is connected; once it reached the cluster, the old one gets
   * the timeout again to report anything; if it does not, the fresh one takes its place and every
   * unacknowledged send goes through it again, in the order they were made. A plain outage only
   * costs connection attempts: the fresh client cannot connect while the cluster is away.
   *
   * Sent twice is harmless here: the stores' topics are compacted logs of whole values by key,
   * read in order, and the resent records come after anything the old client may have written.
   */
  #checkStall(now = Date.now()): void {
    const stallMs = this.#options.stallTimeoutMs ?? 0;
    if (this.#state !== 'running' || stallMs <= 0) return;
    const candidate = this.#candidate;
    if (!this.#stalled(stallMs, now)) {
      if (candidate?.reachableAt !== undefined) {
        this.#candidate = undefined;
        this.#closeProducer(candidate.producer);
      }
      return;
    }
    if (candidate === undefined) {
      const probe: Candidate = { producer: this.#openProducer(), reachableAt: undefined };
      this.#candidate = probe;
      this.#connectProducer(Math.min(stallMs, 30_000), probe.producer).then(
        () => {
          const at = Date.now();
          if (this.#candidate !== probe || this.#state !== 'running' || !this.#stalled(stallMs, at)) {
            if (this.#candidate === probe) this.#candidate = undefined;
            this.#closeProducer(probe.producer);
            return;
          }
          probe.reachableAt = at;
          this.#log.warn(
            { sends: this.#inFlight.size, silentSeconds: Math.floor((at - this.#lastReportAt) / 1000) },
            `the producer of topic ${this.topic} has acknowledged nothing for ${Math.floor((at - this.#lastReportAt) / 1000)} s while holding ${this.#inFlight.size} record(s); a fresh client reached the cluster, and takes over unless the producer delivers within ${stallMs} ms`,
          );
        },
        () => {
          // The cluster is out of reach from a fresh client too: a plain outage; tried again later.
          if (this.#candidate === probe) this.#candidate = undefined;
          this.#closeProducer(probe.producer);
        },
      );
      return;
    }
    if (candidate.reachableAt !== undefined && now - candidate.reachableAt >= stallMs && this.#lastReportAt < candidate.reachableAt) {
      this.#candidate = undefined;
      this.#replaceProducer(candidate.producer);
    }
  }

  #stalled(stallMs: number, now: number): boolean {
    if (this.#inFlight.size === 0 || now - this.#lastReportAt < stallMs) return false;
    let oldest = now;
    for (const pending of this.#inFlight.values()) oldest = Math.min(oldest, pending.sentAt);
    return now - oldest >= stallMs;
  }

  /**
   * Puts `producer` in place of the current client, which is closed unheard, and sends through it
   * every unacknowledged record again, in the order send() took them, before anything still
   * waiting. Also what a test drives directly (`replaceProducer()`), the watchdog's checks aside.
   */
  #replaceProducer(producer: InstanceType<typeof Producer>): void {
    const old = this.#producer;
    this.#producer = producer;
    const resend = [...this.#inFlight].sort((a, b) => a[0] - b[0]).map(([, pending]) => pending);
    this.#inFlight.clear();
    this.#outbox.unshift(...resend);
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.replacements++;
    this.resentRecords += resend.length;
    this.#lastReportAt = Date.now();
    this.#log.warn(
      { records: resend.length },
      `the producer of topic ${this.topic} replaced its Kafka client, which had stopped delivering: ${resend.length} unacknowledged record(s) sent again through the new one`,
    );
    this.#closeProducer(old);
    this.#drainOutbox();
  }

  /**
   * Connects a fresh producer client and puts it in place of the current one at once, as the
   * watchdog does once its checks passed. For tests: a stuck client cannot be made on demand.
   */
  async replaceProducer(timeoutMs: number): Promise<void> {
    this.#assertRunning('replace its producer');
    const producer = this.#openProducer();
    try {
      await this.#connectProducer(timeoutMs, producer);
    } catch (err) {
      this.#closeProducer(producer);
      throw err;
    }
    if (this.#state !== 'running') {
      this.#closeProducer(producer);
      this.#assertRunning('replace its producer');
    }
    this.#replaceProducer(producer);
  }

  /** Closes a client no longer used, without waiting: a stuck one may take long to go. */
  #closeProducer(producer: InstanceType<typeof Producer>): void {
    if (!producer.isConnected()) return;
    try {
      producer.disconnect(0, () => undefined);
    } catch (err) {
      this.#log.warn({ err: asError(err).message }, 'closing a replaced producer client failed');
    }
  }

  #connectConsumer(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#consumer.connect({ timeout: timeoutMs }, (err) =>
        err ? reject(new Error(`consumer for topic ${this.topic} could not connect: ${err.message}`)) : resolve(),
      );
    });
  }

  async #readPartitionCount(deadline: number, creationError: Error | undefined): Promise<number> {
    let last = 'no metadata yet';
    for (;;) {
      try {
        const metadata = await new Promise<{ topics: { name: string; partitions: unknown[] }[] }>((resolve, reject) =>
          this.#consumer.getMetadata({ topic: this.topic, timeout: Math.max(1, Math.min(5000, deadline - Date.now())) }, (err, md) =>
            err ? reject(asError(err)) : resolve(md),
          ),
        );
        const count = metadata.topics.find((t) => t.name === this.topic)?.partitions.length ?? 0;
        if (count > 0) return count;
        last = 'the topic has no partitions in the metadata';
      } catch (err) {
        last = asError(err).message;
      }
      if (Date.now() >= deadline) {
        const why = creationError === undefined ? last : `${last}; creating it failed: ${creationError.message}`;
        throw new Error(`topic ${this.topic} is not available: ${why}`);
      }
      await sleep(WATERMARK_RETRY_MS);
    }
  }

  /**
   * Every partition's low and high watermark. Asked through the producer's connections: a request on
   * the consumer's would wait behind its fetch, which the broker holds up to fetch.wait.max.ms.
   */
  async #watermarks(deadline: number): Promise<Map<number, { low: number; high: number }>> {
    const result = new Map<number, { low: number; high: number }>();
    for (;;) {
      try {
        const partitions = Array.from({ length: this.#partitionCount }, (_, partition) => partition).filter((p) => !result.has(p));
        await Promise.all(
          partitions.map(
            (partition) =>
              new Promise<void>((resolve, reject) =>
                this.#producer.queryWatermarkOffsets(
                  this.topic,
                  partition,
                  Math.max(1, Math.min(10_000, deadline - Date.now())),
                  (err, offsets) => {
                    if (err) reject(new Error(`partition ${partition}: ${err.message}`));
                    else {
                      result.set(partition, { low: offsets.lowOffset, high: offsets.highOffset });
                      resolve();
                    }
                  },
                ),
              ),
          ),
        );
        return result;
      } catch (err) {
        if (Date.now() + WATERMARK_RETRY_MS >= deadline || this.#state !== 'running') {
          throw new Error(`reading the end offsets of topic ${this.topic} failed: ${asError(err).message}`);
        }
        await sleep(WATERMARK_RETRY_MS);
        // librdkafka answers from its metadata cache, which it does not refresh for a partition it
        // believes absent ("Local: Unknown partition"): a cache filled while a restarted broker did not
        // know the topic yet kept failing every attempt for a whole minute (test/storage/broker-restart).
        await this.#refreshProducerMetadata(deadline);
      }
    }
  }

  /** Asks the cluster for the topic's metadata through the producer, which updates its cache; errors are left to the caller's retry. */
  async #refreshProducerMetadata(deadline: number): Promise<void> {
    await new Promise<void>((resolve) =>
      this.#producer.getMetadata({ topic: this.topic, timeout: Math.max(1, Math.min(5000, deadline - Date.now())) }, () => resolve()),
    );
  }

  #signal(): void {
    this.#signalled = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #consumeLoop(): Promise<void> {
    while (this.#state === 'running') {
      this.#signalled = false;
      let batch: LogRecord[];
      try {
        batch = await this.#consumeBatch();
      } catch (err) {
        if (this.#state !== 'running') break;
        this.#log.warn({ err: asError(err).message }, 'consuming failed; trying again');
        await this.#idle(CONSUME_ERROR_BACKOFF_MS);
        continue;
      }
      for (const record of batch) {
        if (record.offset + 1 > (this.#next.get(record.partition) ?? 0)) this.#next.set(record.partition, record.offset + 1);
        try {
          this.#options.onRecord(record);
        } catch (err) {
          this.#log.error(
            { err: asError(err).message, partition: record.partition, offset: record.offset },
            'a record could not be applied; skipped',
          );
        }
      }
      if (this.#waiters.size > 0) this.#settleWaiters(batch.length === 0);
      if (batch.length === 0 && !this.#signalled) await this.#idle(IDLE_POLL_MS);
    }
  }

  #consumeBatch(): Promise<LogRecord[]> {
    return new Promise((resolve, reject) => {
      this.#consumer.consume(CONSUME_BATCH, (err, messages) => {
        if (err) reject(asError(err));
        else
          resolve(
            messages.map((m) => ({
              partition: m.partition,
              offset: m.offset,
              key: m.key === undefined || m.key === null ? null : Buffer.isBuffer(m.key) ? m.key : Buffer.from(m.key),
              value: m.value,
            })),
          );
      });
    });
  }

  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * Resolves the readers whose end offsets were all reached. When the queue is drained, librdkafka's
   * position also counts: it moves past offsets that hold no record for the application (transaction
   * markers, aborted records), which a record-by-record count would wait for forever.
   */
  #settleWaiters(drained: boolean): void {
    if (drained) {
      const behind = new Set<number>();
      for (const waiter of this.#waiters) for (const [p, end] of waiter.ends) if ((this.#next.get(p) ?? 0) < end) behind.add(p);
      if (behind.size > 0) {
        try {
          for (const { partition, offset } of this.#consumer.position([...behind].map((partition) => ({ topic: this.topic, partition })))) {
            if (offset !== undefined && offset >= 0 && offset > (this.#next.get(partition) ?? 0)) this.#next.set(partition, offset);
          }
        } catch (err) {
          this.#log.debug({ err: asError(err).message }, 'could not read the consumer position');
        }
      }
    }
    for (const waiter of this.#waiters) {
      if ([...waiter.ends].every(([p, end]) => (this.#next.get(p) ?? 0) >= end)) {
        this.#waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
    }
  }

  /** Hands queued sends to librdkafka in order; on a full queue, waits for delivery reports (or a short timer). */
  #drainOutbox(): void {
    while (this.#outbox.length > 0) {
      const pending = this.#outbox[0]!;
      const id = this.#nextSendId++;
      try {
        this.#producer.produce(this.topic, null, pending.value, pending.key, undefined, id);
      } catch (err) {
        if ((err as LibrdKafkaError).code === CODES.ERRORS.ERR__QUEUE_FULL) {
          this.#retryTimer ??= setTimeout(() => {
            this.#retryTimer = undefined;
            this.#drainOutbox();
          }, QUEUE_FULL_RETRY_MS);
          return;
        }
        this.#outbox.shift();
        pending.reject(new Error(`writing to topic ${this.topic} failed: ${asError(err).message}`));
        continue;
      }
      this.#outbox.shift();
      this.#inFlight.set(id, pending);
    }
  }

  #onDeliveryReport(err: LibrdKafkaError | null, report: DeliveryReport): void {
    this.#lastReportAt = Date.now();
    const id = report.opaque as number;
    const pending = this.#inFlight.get(id);
    this.#inFlight.delete(id);
    if (pending !== undefined) {
      if (err) pending.reject(new Error(`writing to topic ${this.topic} failed: ${err.message}`));
      else pending.resolve({ partition: report.partition, offset: report.offset });
    }
    if (this.#retryTimer !== undefined) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      setImmediate(() => this.#drainOutbox());
    }
  }
}

function validateOptions(options: KafkaBasedLogOptions): void {
  if (typeof options.topic !== 'string' || options.topic.trim() === '')
    throw new Error('KafkaBasedLog: topic must be a non-empty topic name');
  for (const [field, value] of [
    ['partitions', options.partitions],
    ['replicationFactor', options.replicationFactor],
  ] as const) {
    if (!Number.isInteger(value) || (value < 1 && value !== -1))
      throw new Error(
        `KafkaBasedLog for ${options.topic}: ${field} must be a positive integer or -1 (the broker's default), got ${String(value)}`,
      );
  }
  if (typeof options.clientConfig['bootstrap.servers'] !== 'string' || options.clientConfig['bootstrap.servers'] === '') {
    throw new Error(`KafkaBasedLog for ${options.topic}: clientConfig['bootstrap.servers'] must name the brokers`);
  }
}
