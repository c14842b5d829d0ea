/**
 * The distributed cluster protocol (docs/design/2026-11-25-distributed-mode.md, "The protocol to
 * build next"): membership and leadership from Kafka's group coordinator (GroupMembership), the
 * assignment carried by the config topic.
 *
 * 1. Revoke (every member): the worker stops all its work (`onRevoke`); pending cluster writes are
 *    awaited; the config topic is read to its end `E`. Eager rebalancing guarantees every member
 *    finished this before any member of the next generation is assigned.
 * 2. Assign (position i of K): write `connectd-member-<i>` = {worker, url, size K}.
 * 3. Leader (position 0): once the config topic holds, after its own `E`, a member record with size
 *    K for every position, compute the assignment (sticky: the previous assignment record is the
 *    `previous`) and write `connectd-assignment`.
 * 4. Every member applies the first assignment after its `E` that lists it at its position.
 * 5. The leader forces a rebalance when the set of units (connectors, tasks) changes.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { GroupMembership } from '../../kafka/group-membership.js';
import type { GroupMembershipOptions, Position } from '../../kafka/group-membership.js';
import type { ClusterConfigState, KafkaConfigBackingStore } from '../../storage/kafka-config-backing-store.js';
import { assign, owners } from './assignor.js';
import type { WorkerAssignment } from './assignor.js';

export const MEMBER_PREFIX = 'connectd-member-';
export const ASSIGNMENT_KEY = 'connectd-assignment';

export interface ClusterAssignment {
  /** One more than the previous assignment's: Kafka Connect's generation, for status writes. */
  generation: number;
  size: number;
  /** The config topic offset the unit list was read at. */
  configOffset: number;
  leader: string;
  leaderUrl: string;
  /** Worker id by position. */
  members: string[];
  /**
   * The nonce of each position's member record this assignment was built from: a member applies
   * only an assignment that cites its own record of this generation, never a late one of an
   * earlier generation that happens to list it at the same position.
   */
  nonces: string[];
  urls: Record<string, string>;
  assignments: Record<string, WorkerAssignment>;
}

export interface ClusterCoordinatorOptions {
  membership: Omit<GroupMembershipOptions, 'workerId'>;
  workerId: string;
  url: string;
  configStore: KafkaConfigBackingStore;
  logger: Logger;
  /** Stop every connector and task this worker runs (flushing offsets) before resolving. */
  onRevoke(): Promise<void>;
  /** This worker's share of a new generation (applied after the config view reached configOffset). */
  onAssignment(mine: WorkerAssignment, assignment: ClusterAssignment): void;
  /**
   * How long a member waits for an assignment that lists it before it makes the group rebalance
   * again (default 30 s). The safety net for a leader that joined during a rebalance and counted a
   * member record of the previous generation.
   */
  assignmentTimeoutMs?: number;
}

/**
 * The units of a config snapshot: connector instances and their tasks (`<connector>-<n>`). A
 * STOPPED connector keeps its instance unit (its owner reports it STOPPED) but runs no tasks.
 */
export function unitsOf(state: ClusterConfigState): { connectors: string[]; tasks: string[] } {
  const connectors = state.connectors();
  const running = connectors.filter((c) => state.targetState(c) !== 'STOPPED');
  return { connectors, tasks: running.flatMap((c) => state.tasks(c).map((t) => `${t.connector}-${t.task}`)) };
}

const unitsKey = (u: { connectors: string[]; tasks: string[] }): string => JSON.stringify([[...u.connectors].sort(), [...u.tasks].sort()]);

export class ClusterCoordinator {
  readonly #opts: ClusterCoordinatorOptions;
  readonly #membership: GroupMembership;
  /** The config topic's end at this member's last revocation: records after it belong to this generation. */
  #barrier = Number.POSITIVE_INFINITY;
  #position: Position | null = null;
  readonly #members = new Map<number, { worker: string; url: string; size: number; nonce: string }>();
  #previous = new Map<string, string>();
  #current: ClusterAssignment | undefined;
  #applied = false;
  /** The assignment being applied (the config view catching up to its offset). */
  #accepted: ClusterAssignment | undefined;
  /** This member's record of the current generation carries this nonce. */
  #nonce = '';
  #pendingWrites = new Set<Promise<unknown>>();
  #assignedUnits: string | undefined;
  #assignmentTimer: NodeJS.Timeout | undefined;
  /** The generation of the newest assignment record read (the next one is one more). */
  #lastGeneration = 0;
  /** Rebalances that ended with an assignment applied here. */
  generations = 0;
  /** Kafka Connect's connect-worker-rebalance-metrics, in milliseconds. */
  readonly rebalance = {
    completed: 0,
    totalMs: 0,
    lastMs: 0,
    startedAt: undefined as number | undefined,
    lastCompletedAt: undefined as number | undefined,
  };

  constructor(opts: ClusterCoordinatorOptions) {
    this.#opts = opts;
    this.#membership = new GroupMembership(
      { ...opts.membership, workerId: opts.workerId },
      {
        onRevoked: (lost) => this.#revoked(lost),
        onAssigned: (position) => this.#assigned(position),
      },
    );
  }

  get isLeader(): boolean {
    return this.#position?.index === 0 && this.#applied;
  }

  /** The assignment this worker runs now, if any (null during a rebalance). */
  get assignment(): ClusterAssignment | undefined {
    return this.#applied ? this.#current : undefined;
  }

  async start(): Promise<void> {
    // A member that has not been through a revocation yet: records from now on may be this generation's.
    this.rebalance.startedAt = Date.now();
    await this.#opts.configStore.refresh();
    this.#barrier = this.#opts.configStore.snapshot().offset;
    // The generation and owners so far, from the last assignment in the topic: generations keep
    // growing across restarts of the whole cluster (status writes compare them).
    const last = this.#opts.configStore.connectdRecord(ASSIGNMENT_KEY)?.value as ClusterAssignment | undefined;
    if (last !== undefined) this.#noteAssignment(last);
    this.#opts.configStore.addUpdateListener({
      onConnectdRecord: (key, value, offset) => this.#onRecord(key, value, offset),
      onConnectorConfigUpdate: () => this.#unitsMayHaveChanged(),
      onConnectorConfigRemove: () => this.#unitsMayHaveChanged(),
      onTaskConfigUpdate: () => this.#unitsMayHaveChanged(),
      onConnectorTargetStateChange: () => this.#unitsMayHaveChanged(),
    });
    await this.#membership.start();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#assignmentTimer);
    await this.#membership.stop();
  }

  get rebalancing(): boolean {
    return !this.#applied;
  }

  /** Generations continue from at least `generation` (e.g. the newest in the status topic). */
  atLeastGeneration(generation: number): void {
    this.#lastGeneration = Math.max(this.#lastGeneration, generation);
  }

  async #revoked(lost: boolean): Promise<void> {
    this.rebalance.startedAt ??= Date.now();
    this.#applied = false;
    this.#accepted = undefined;
    this.#position = null;
    this.#members.clear();
    await this.#opts.onRevoke();
    await Promise.all([...this.#pendingWrites]);
    await this.#opts.configStore.refresh();
    this.#barrier = this.#opts.configStore.snapshot().offset;
    this.#opts.logger.info({ lost, barrier: this.#barrier }, 'rebalance: work stopped');
  }

  #assigned(position: Position): void {
    this.#position = position;
    clearTimeout(this.#assignmentTimer);
    this.#assignmentTimer = setTimeout(() => {
      if (this.#applied || this.#position !== position) return;
      this.#opts.logger.warn({ position }, 'no assignment for this generation in time; rebalancing again');
      this.#membership.rejoin();
    }, this.#opts.assignmentTimeoutMs ?? 30_000);
    this.#assignmentTimer.unref();
    this.#nonce = randomUUID();
    this.#write(`${MEMBER_PREFIX}${position.index}`, {
      worker: this.#opts.workerId,
      url: this.#opts.url,
      size: position.size,
      nonce: this.#nonce,
    });
  }

  #write(key: string, value: unknown): void {
    const write = this.#opts.configStore
      .putConnectdRecord(key, value)
      .catch((err: unknown) => this.#opts.logger.error({ err, key }, 'writing a cluster record failed'));
    this.#pendingWrites.add(write);
    void write.finally(() => this.#pendingWrites.delete(write));
  }

  #onRecord(key: string, value: unknown, offset: number): void {
    if (key === ASSIGNMENT_KEY) {
      const a = value as ClusterAssignment;
      this.#noteAssignment(a);
      const pos = this.#position;
      if (offset < this.#barrier || pos === null || this.#applied || this.#accepted !== undefined) return;
      if (a.size !== pos.size || a.members[pos.index] !== this.#opts.workerId || a.nonces?.[pos.index] !== this.#nonce) return;
      this.#accepted = a;
      // Units start once this worker's config view holds what the leader assigned from.
      this.#opts.configStore.refresh().then(
        () => this.#apply(a, pos),
        (err: unknown) => {
          if (this.#accepted !== a) return;
          this.#accepted = undefined;
          this.#opts.logger.error({ err }, 'reading the config topic up to the assignment failed; rebalancing again');
          this.#membership.rejoin();
        },
      );
      return;
    }
    if (!key.startsWith(MEMBER_PREFIX) || offset < this.#barrier) return;
    const index = Number(key.slice(MEMBER_PREFIX.length));
    const member = value as { worker: string; url: string; size: number; nonce: string };
    this.#members.set(index, member);
    this.#maybeAssign();
  }

  #apply(a: ClusterAssignment, pos: Position): void {
    if (this.#accepted !== a || this.#position !== pos) return;
    this.#current = a;
    this.#applied = true;
    clearTimeout(this.#assignmentTimer);
    this.#assignedUnits = unitsKey({
      connectors: Object.values(a.assignments).flatMap((w) => w.connectors),
      tasks: Object.values(a.assignments).flatMap((w) => w.tasks),
    });
    this.generations++;
    if (this.rebalance.startedAt !== undefined) {
      this.rebalance.lastMs = Date.now() - this.rebalance.startedAt;
      this.rebalance.totalMs += this.rebalance.lastMs;
      this.rebalance.completed++;
      this.rebalance.lastCompletedAt = Date.now();
      this.rebalance.startedAt = undefined;
    }
    this.#opts.onAssignment(a.assignments[this.#opts.workerId] ?? { connectors: [], tasks: [] }, a);
    // A change read while the leader assigned (a connector created, stopped, deleted) went unnoticed.
    this.#unitsMayHaveChanged();
  }

  /** An assignment record read: its generation and its owners (the `previous` of the next one). */
  #noteAssignment(a: ClusterAssignment): void {
    this.#lastGeneration = Math.max(this.#lastGeneration, a.generation ?? 0);
    this.#previous = owners(new Map(Object.entries(a.assignments)));
  }

  /** The leader's step 3: all members of this generation announced themselves. */
  #maybeAssign(): void {
    const pos = this.#position;
    if (pos === null || pos.index !== 0 || this.#applied) return;
    const members: string[] = [];
    const nonces: string[] = [];
    const urls: Record<string, string> = {};
    for (let i = 0; i < pos.size; i++) {
      const m = this.#members.get(i);
      if (m === undefined || m.size !== pos.size) return;
      members.push(m.worker);
      nonces.push(m.nonce);
      urls[m.worker] = m.url;
    }
    const state = this.#opts.configStore.snapshot();
    const units = unitsOf(state);
    const assignment = assign({ members, connectors: units.connectors, tasks: units.tasks, previous: this.#previous });
    const record: ClusterAssignment = {
      generation: this.#lastGeneration + 1,
      size: pos.size,
      configOffset: state.offset,
      leader: this.#opts.workerId,
      leaderUrl: this.#opts.url,
      members,
      nonces,
      urls,
      assignments: Object.fromEntries(assignment),
    };
    this.#opts.logger.info({ members, connectors: units.connectors.length, tasks: units.tasks.length }, 'leader: assignment written');
    this.#write(ASSIGNMENT_KEY, record);
  }

  /** Step 5: the leader makes the group rebalance when the units no longer match the assignment. */
  #unitsMayHaveChanged(): void {
    if (!this.isLeader || this.#assignedUnits === undefined) return;
    const now = unitsKey(unitsOf(this.#opts.configStore.snapshot()));
    if (now === this.#assignedUnits) return;
    this.#opts.logger.info('leader: the set of connectors and tasks changed; rebalancing');
    this.#assignedUnits = undefined;
    this.#membership.rejoin();
  }
}
