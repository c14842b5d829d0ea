/**
 * A sink task's consumer (main thread): librdkafka's KafkaConsumer in the connector's group, with
 * the calls the sink runtime needs as Promises, and rebalances handed to the runtime as async
 * callbacks. librdkafka waits for `assign`/`unassign` after a rebalance event, so the runtime can
 * commit offsets and close the task's partitions (across the thread boundary) before revocation
 * completes: no other member consumes a partition before its offsets are committed here.
 *
 * Offsets are only ever committed explicitly (`enable.auto.commit=false`), with what the task's
 * preCommit allowed.
 */
import { CODES, KafkaConsumer } from './binding.js';
import type { LibrdKafkaError } from './binding.js';
import type { ConsumedMessage } from '../../shared/sink-batch.js';
import type { KafkaClientHealth } from './client-health.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}
export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

export interface RebalanceHandler {
  /** Partitions assigned: resolve with the offsets to start from (undefined: the committed ones). */
  onAssigned(partitions: TopicPartition[]): Promise<Map<string, number>>;
  /** Partitions revoked (`lost`: the group already gave them away; do not commit). */
  onRevoked(partitions: TopicPartition[], lost: boolean): Promise<void>;
  /** After an assignment took effect (partitions that must stay paused are paused here). */
  onAssignApplied(): void;
}

export function tpKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

type RawConsumer = InstanceType<typeof KafkaConsumer>;

function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err));
}

export interface ConsumerLag {
  /** The largest consumer lag over the assigned partitions (librdkafka's consumer_lag). */
  maxLag: number;
}

export class SinkConsumer {
  readonly #consumer: RawConsumer;
  #rebalance: Promise<void> | undefined;
  /** Bumped by each revocation, so a consume call that spanned one can tell. */
  revocations = 0;
  lag: ConsumerLag | undefined;
  #connected = false;
  #closing = false;

  readonly #unwatch: () => void;

  /** `health` follows the client's errors (logged once per state change, counted, reflected in /health). */
  constructor(
    config: Record<string, string | number | boolean>,
    private readonly handler: RebalanceHandler,
    health?: KafkaClientHealth,
  ) {
    this.#consumer = new KafkaConsumer(
      {
        'statistics.interval.ms': 5000,
        ...config,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        rebalance_cb: (err: LibrdKafkaError | undefined, assignment: TopicPartition[]) => this.#onRebalance(err, assignment),
      },
      { 'auto.offset.reset': ((config['auto.offset.reset'] as string | undefined) ?? 'earliest') as 'earliest' },
    );
    // Return as soon as one message is there, with whatever else is ready; wait only for the first.
    (this.#consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(v: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(
      true,
    );
    this.#consumer.on('event.stats', (event: unknown) => {
      const text = typeof event === 'string' ? event : (event as { message?: string }).message;
      if (text !== undefined) this.lag = parseLag(text);
    });
    this.#unwatch = health?.watch(this.#consumer, String(config['client.id'] ?? 'sink consumer'), 'sink consumer') ?? (() => undefined);
  }

  connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#consumer.connect({ timeout: timeoutMs }, (err) => {
        if (err) reject(new Error(`consumer could not connect: ${err.message}`));
        else {
          this.#connected = true;
          resolve();
        }
      });
    });
  }

  /** `topics` names, or one `^regex` (librdkafka's regex subscription). */
  subscribe(topics: string[]): void {
    this.#consumer.subscribe(topics);
  }

  /** A rebalance in progress, if any: the runtime waits for it before consuming again. */
  get rebalancing(): Promise<void> | undefined {
    return this.#rebalance;
  }

  #onRebalance(err: LibrdKafkaError | undefined, assignment: TopicPartition[]): void {
    const partitions = assignment.map((a) => ({ topic: a.topic, partition: a.partition }));
    const previous = this.#rebalance ?? Promise.resolve();
    const code = err?.code;
    const run = previous.then(async () => {
      if (code === CODES.ERRORS.ERR__ASSIGN_PARTITIONS) {
        if (this.#closing) {
          this.#consumer.assign(partitions);
          return;
        }
        let start = new Map<string, number>();
        try {
          start = await this.handler.onAssigned(partitions);
        } finally {
          this.#consumer.assign(
            partitions.map((p) => {
              const offset = start.get(tpKey(p.topic, p.partition));
              return offset === undefined ? p : { ...p, offset };
            }),
          );
          this.handler.onAssignApplied();
        }
      } else {
        this.revocations++;
        const lost = this.#safe(() => (this.#consumer as unknown as { assignmentLost(): boolean }).assignmentLost(), false);
        try {
          if (!this.#closing) await this.handler.onRevoked(partitions, lost);
        } finally {
          this.#safe(() => this.#consumer.unassign(), undefined);
        }
      }
    });
    const tracked: Promise<void> = run
      .catch(() => undefined)
      .finally(() => {
        if (this.#rebalance === tracked) this.#rebalance = undefined;
      });
    this.#rebalance = tracked;
  }

  #safe<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch {
      return fallback;
    }
  }

  /** Up to `max` messages; waits at most `timeoutMs` for the first one. */
  consume(max: number, timeoutMs: number): Promise<ConsumedMessage[]> {
    this.#consumer.setDefaultConsumeTimeout(timeoutMs);
    return new Promise((resolve, reject) => {
      this.#consumer.consume(max, (err, messages) => {
        if (err) reject(asError(err));
        else resolve(messages);
      });
    });
  }

  assignment(): TopicPartition[] {
    return this.#safe(() => this.#consumer.assignments().map((a) => ({ topic: a.topic, partition: a.partition })), []);
  }

  pause(partitions: TopicPartition[]): void {
    if (partitions.length > 0) this.#consumer.pause(partitions);
  }

  resume(partitions: TopicPartition[]): void {
    if (partitions.length > 0) this.#consumer.resume(partitions);
  }

  seek(target: TopicPartitionOffset, timeoutMs = 10000): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#consumer.seek(target, timeoutMs, (err) =>
        err ? reject(new Error(`seek ${target.topic}-${target.partition} to ${target.offset}: ${err.message}`)) : resolve(),
      );
    });
  }

  /** Commits these offsets (the next offset to read, per partition); resolves once the broker has them. */
  commit(offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      (this.#consumer as unknown as { commitCb(tps: TopicPartitionOffset[], cb: (err: unknown) => void): void }).commitCb(offsets, (err) =>
        err ? reject(asError(err)) : resolve(),
      );
    });
  }

  /** The group's committed offsets of these partitions (-1001 when none). */
  committed(partitions: TopicPartition[], timeoutMs = 10000): Promise<TopicPartitionOffset[]> {
    return new Promise((resolve, reject) => {
      this.#consumer.committed(partitions, timeoutMs, (err, tps) =>
        err ? reject(asError(err)) : resolve(tps.map((t) => ({ topic: t.topic, partition: t.partition, offset: t.offset ?? -1001 }))),
      );
    });
  }

  /**
   * Leaves the group (the revocation it causes is not handed to the runtime: it already closed).
   * Resolves true once librdkafka's close returned, false if it had not within `timeoutMs`: it goes
   * on, on a libuv pool thread, which the process waits for when it exits.
   */
  disconnect(timeoutMs = 10000): Promise<boolean> {
    this.#closing = true;
    this.#unwatch();
    if (!this.#connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#consumer.disconnect(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

interface RawConsumerStats {
  topics?: Record<string, { partitions?: Record<string, { consumer_lag?: number }> }>;
}

function parseLag(json: string): ConsumerLag | undefined {
  try {
    const raw = JSON.parse(json) as RawConsumerStats;
    let maxLag = 0;
    for (const topic of Object.values(raw.topics ?? {})) {
      for (const [id, p] of Object.entries(topic.partitions ?? {})) {
        if (id !== '-1' && (p.consumer_lag ?? -1) > maxLag) maxLag = p.consumer_lag!;
      }
    }
    return { maxLag };
  } catch {
    return undefined;
  }
}
