/**
 * What the worker's Kafka clients (source producers, sink consumers, dead letter queue producers)
 * report about their connection to the cluster: logged once per state change, counted, and turned
 * into the worker's health. Kafka Connect's Java clients log their own connection failures (one
 * WARN per failed attempt, from NetworkClient); librdkafka hands them to the application in
 * 'event.error' instead, once per retry, so connectd logs them itself and without the repetition:
 *
 * - losing every broker (ERR__ALL_BROKERS_DOWN) or failing to authenticate is a change to
 *   "unreachable": one WARN; a statistics report with a broker UP is the change back: one INFO;
 * - any other error is logged once, then not again while it repeats (until it has been quiet for
 *   REPEAT_QUIET_MS); a fatal one (ERR__FATAL: the client is unusable) at ERROR;
 * - every event counts in `connectd_kafka_client_errors_total{client, code}`;
 * - when every watched client has been unreachable for `health.kafka.unreachable.threshold.ms`,
 *   /health answers unhealthy, naming the reason, until one reconnects.
 *
 * The events carry only librdkafka's text for the error code (see errorEventName), never a
 * broker's reply or a credential; log lines still go through the logger's secret masking.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { errorEventName } from './binding.js';
import type { LibrdKafkaError } from './binding.js';

/** Errors that mean the client has no usable connection to any broker. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['ERR__ALL_BROKERS_DOWN', 'ERR__AUTHENTICATION', 'ERR__SSL', 'ERR__RESOLVE']);

/** A repeating error is logged again only after it has been quiet this long. */
export const REPEAT_QUIET_MS = 60_000;

/** A librdkafka client (Producer or KafkaConsumer): both emit 'event.error' and 'event.stats'. */
export type ClientEvents = Pick<EventEmitter, 'on' | 'removeListener'>;

interface WatchedClient {
  clientId: string;
  /** What the client is for, in log lines and the health message: 'source producer'… */
  role: string;
  /** Since when the client has had no broker; undefined while it has one. */
  unreachableSince: number | undefined;
  /** The error that made it unreachable, as librdkafka words it. */
  unreachableReason: string;
  /** Per error code: when it was last seen (for logging a repeating error once). */
  lastSeen: Map<string, number>;
}

export interface ClientErrorCount {
  client: string;
  code: string;
  count: number;
}

export type KafkaHealth = { status: 'healthy' } | { status: 'unhealthy'; message: string };

export class KafkaClientHealth {
  readonly #logger: Logger;
  readonly #clients = new Set<WatchedClient>();
  /** `client \0 code` → events; kept after a client closes, as counters never go back. */
  readonly #errors = new Map<string, ClientErrorCount>();
  readonly #now: () => number;

  constructor(
    logger: Logger,
    readonly unreachableThresholdMs: number,
    now: () => number = Date.now,
  ) {
    this.#logger = logger;
    this.#now = now;
  }

  /**
   * Follows a client's errors and statistics (the client needs `statistics.interval.ms` for its
   * recovery to be seen) until the returned function is called, when the client is closed.
   */
  watch(client: ClientEvents, clientId: string, role: string): () => void {
    const state: WatchedClient = { clientId, role, unreachableSince: undefined, unreachableReason: '', lastSeen: new Map() };
    const onError = (err: LibrdKafkaError): void => this.#onError(state, err);
    const onStats = (event: { message: string } | string): void => this.#onStats(state, typeof event === 'string' ? event : event.message);
    client.on('event.error', onError);
    client.on('event.stats', onStats);
    this.#clients.add(state);
    return () => {
      this.#clients.delete(state);
      client.removeListener('event.error', onError);
      client.removeListener('event.stats', onStats);
    };
  }

  #onError(state: WatchedClient, err: LibrdKafkaError): void {
    const code = errorEventName(err);
    const key = `${state.clientId}\0${code}`;
    const counted = this.#errors.get(key);
    if (counted === undefined) this.#errors.set(key, { client: state.clientId, code, count: 1 });
    else counted.count++;

    const now = this.#now();
    const fields = { client: state.clientId, role: state.role, code, error: err.message };
    if (code === 'ERR__FATAL') {
      this.#logger.error(fields, `Kafka ${state.role} ${state.clientId} hit a fatal error and cannot go on: ${err.message}`);
    } else if (UNREACHABLE_CODES.has(code)) {
      if (state.unreachableSince === undefined) {
        state.unreachableSince = now;
        state.unreachableReason = err.message;
        this.#logger.warn(fields, `Kafka ${state.role} ${state.clientId} cannot reach the cluster: ${err.message}; it keeps retrying`);
      }
    } else {
      const last = state.lastSeen.get(code);
      if (last === undefined || now - last > REPEAT_QUIET_MS)
        this.#logger.warn(fields, `Kafka ${state.role} ${state.clientId}: ${err.message}`);
    }
    state.lastSeen.set(code, now);
  }

  #onStats(state: WatchedClient, json: string): void {
    if (state.unreachableSince === undefined) return;
    let brokers: Record<string, { nodeid?: number; state?: string }>;
    try {
      brokers = (JSON.parse(json) as { brokers?: typeof brokers }).brokers ?? {};
    } catch {
      return;
    }
    // A broker UP (bootstrap placeholders have node id -1) is a usable connection again.
    if (!Object.values(brokers).some((b) => (b.nodeid ?? -1) >= 0 && b.state === 'UP')) return;
    const seconds = Math.round((this.#now() - state.unreachableSince) / 1000);
    state.unreachableSince = undefined;
    this.#logger.info(
      { client: state.clientId, role: state.role, unreachableSeconds: seconds },
      `Kafka ${state.role} ${state.clientId} reached the cluster again after ${seconds} s`,
    );
  }

  /** Error events per client and librdkafka error code, for `connectd_kafka_client_errors_total`. */
  errorCounts(): IterableIterator<ClientErrorCount> {
    return this.#errors.values();
  }

  /**
   * Unhealthy when every watched client has had no broker for the threshold or longer: the
   * cluster is unreachable from this worker, not just from one client with a bad override.
   */
  health(): KafkaHealth {
    if (this.#clients.size === 0) return { status: 'healthy' };
    let latest = 0;
    for (const c of this.#clients) {
      if (c.unreachableSince === undefined) return { status: 'healthy' };
      latest = Math.max(latest, c.unreachableSince);
    }
    const forMs = this.#now() - latest;
    if (forMs < this.unreachableThresholdMs) return { status: 'healthy' };
    const first = [...this.#clients][0]!;
    const from =
      this.#clients.size === 1
        ? `the ${first.role} ${first.clientId}`
        : `all ${this.#clients.size} Kafka clients (${[...this.#clients].map((c) => c.clientId).join(', ')})`;
    return {
      status: 'unhealthy',
      message: `Kafka cluster unreachable for ${Math.floor(forMs / 1000)} s from ${from}: ${first.unreachableReason}`,
    };
  }
}
