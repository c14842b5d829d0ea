/**
 * A distributed worker's membership in its cluster (main thread): one librdkafka consumer in the
 * group `group.id`, subscribed to an internal topic of P partitions with the roundrobin assignor.
 * Kafka's group coordinator does the membership, failure detection (session timeout) and an eager
 * rebalance on every join and leave. Roundrobin gives the member at position i (of K, sorted by
 * member id) partitions i, i+K, i+2K…, so each member learns its position and the cluster size from
 * its own assignment alone, consistently with every other member (P ≥ 2K makes K readable: the
 * gap between its first two partitions). Position 0 (the owner of partition 0) is the leader.
 * The consumer never reads a record: it polls only to stay in the group.
 * (The admin client's describeGroups would list members, but it crashes this binding's native code
 * while a group rebalances, so it is not used.)
 * Design: docs/design/2026-11-25-distributed-mode.md.
 */
import { CODES, KafkaConsumer } from './binding.js';
import type { LibrdKafkaError } from './binding.js';

/** This member's place in the cluster for one group generation. */
export interface Position {
  /** 0..size-1, in member id order; 0 is the leader. */
  index: number;
  size: number;
}

export interface MembershipEvents {
  /** A rebalance begins: the worker must stop its work before returning (lost: the group evicted it). */
  onRevoked(lost: boolean): void | Promise<void>;
  /** A rebalance ended: this worker's position in the new generation. */
  onAssigned(position: Position): void;
}

/** The position a roundrobin assignment of `partitions` (of `total`) gives; null if it cannot tell. */
export function positionOf(partitions: readonly number[], total: number): Position | null {
  const sorted = [...partitions].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  // One partition: the cluster is larger than total/2 and its size cannot be read.
  if (sorted.length < 2) return null;
  const index = sorted[0]!;
  const size = sorted[1]! - index;
  const complete = sorted.length === Math.ceil((total - index) / size);
  return complete && index < size && sorted.every((p, i) => p === index + i * size) ? { index, size } : null;
}

export interface GroupMembershipOptions {
  bootstrapServers: string;
  groupId: string;
  /** The topic the members subscribe to (created by the caller with `partitions` partitions). */
  topic: string;
  /** Its partition count: at least twice the largest cluster. */
  partitions: number;
  workerId: string;
  /** Client settings (security, session.timeout.ms, heartbeat.interval.ms…). */
  clientConfig?: Record<string, string | number | boolean>;
}

const POLL_INTERVAL_MS = 100;

export class GroupMembership {
  readonly #opts: GroupMembershipOptions;
  readonly #events: MembershipEvents;
  readonly #consumer: InstanceType<typeof KafkaConsumer>;
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #position: Position | null = null;
  #stopped = false;
  #revoking: Promise<void> | undefined;
  /** Completed rebalances seen by this member. */
  rebalances = 0;

  constructor(opts: GroupMembershipOptions, events: MembershipEvents) {
    this.#opts = opts;
    this.#events = events;
    const base = { ...opts.clientConfig, 'bootstrap.servers': opts.bootstrapServers };
    this.#consumer = new KafkaConsumer(
      {
        'session.timeout.ms': 10000,
        'heartbeat.interval.ms': 3000,
        ...base,
        'group.id': opts.groupId,
        'client.id': opts.workerId,
        'enable.auto.commit': false,
        'partition.assignment.strategy': 'roundrobin',
        rebalance_cb: (err: LibrdKafkaError, assignment: { topic: string; partition: number }[]) => this.#onRebalance(err, assignment),
      },
      {},
    );
  }

  get isLeader(): boolean {
    return this.#position?.index === 0;
  }

  /** This member's position in the current generation; null during a rebalance. */
  get position(): Position | null {
    return this.#position;
  }

  async start(timeoutMs = 30000): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.#consumer.connect({ timeout: timeoutMs }, (err) =>
        err ? reject(new Error(`membership consumer could not connect: ${err.message}`)) : resolve(),
      ),
    );
    this.#consumer.subscribe([this.#opts.topic]);
    this.#timer = setInterval(() => this.#poll(), POLL_INTERVAL_MS);
  }

  /** Polls so that librdkafka serves rebalance events and max.poll.interval.ms never expires. */
  #poll(): void {
    if (this.#polling || this.#stopped) return;
    this.#polling = true;
    this.#consumer.consume(1, () => {
      this.#polling = false;
    });
  }

  #onRebalance(err: LibrdKafkaError, assignment: { topic: string; partition: number }[]): void {
    if (err.code === CODES.ERRORS.ERR__ASSIGN_PARTITIONS) {
      // An assignment always follows the revocation, whose work must be over first.
      void (this.#revoking ?? Promise.resolve()).then(() => {
        this.#safe(() => this.#consumer.assign(assignment));
        this.#position = positionOf(
          assignment.map((a) => a.partition),
          this.#opts.partitions,
        );
        this.rebalances++;
        if (!this.#stopped && this.#position !== null) this.#events.onAssigned(this.#position);
      });
    } else {
      const lost = this.#safe(() => (this.#consumer as unknown as { assignmentLost(): boolean }).assignmentLost(), false) ?? false;
      this.#position = null;
      // librdkafka waits for unassign before the group moves on: the worker stops its work first,
      // so no unit ever runs on two members (eager rebalancing, stop before start).
      this.#revoking = Promise.resolve(this.#stopped ? undefined : this.#events.onRevoked(lost))
        .catch(() => undefined)
        .then(() => {
          this.#safe(() => this.#consumer.unassign(), undefined);
        });
    }
  }

  #safe<T>(fn: () => T, fallback?: T): T | undefined {
    try {
      return fn();
    } catch {
      // Not connected any more (stopping).
      return fallback;
    }
  }

  /** Forces a rebalance of the whole group (leave and rejoin): every member revokes, then is assigned. */
  rejoin(): void {
    this.#safe(() => {
      this.#consumer.unsubscribe();
      this.#consumer.subscribe([this.#opts.topic]);
    });
  }

  /** Leaves the group (the others rebalance at once, without waiting for the session timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await new Promise<void>((resolve) => this.#consumer.disconnect(() => resolve()));
  }
}
