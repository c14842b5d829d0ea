/**
 * The Prometheus registry of a connectd worker: one place that defines every metric. Names and
 * meanings: docs/metrics.md. Hot-path numbers live in plain fields (SourceTaskMetrics) and are
 * read here at scrape time, so producing a record costs no metric bookkeeping beyond `+= 1`.
 * Names follow Prometheus' conventions (counters end in `_total` and nothing else does; a unit,
 * in base units, as the suffix; `_count`/`_sum`/`_bucket` only from histograms): the output passes
 * `promtool check metrics` (test/metrics/promtool.test.ts), and a rename is listed for users in
 * docs/migrating-from-kafka-connect.md.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metric } from 'prom-client';
import type { BucketHistogram } from './bucket-histogram.js';
import type { SourceTaskMetrics } from './source-task-metrics.js';
import type { SinkTaskMetrics, TaskErrorMetrics } from './sink-task-metrics.js';
import type { State } from '../runtime/status.js';
import type { ProducerStatistics, UnacknowledgedRecords } from '../kafka/source-producer.js';

export interface MetricsSources {
  sourceTasks(): Iterable<{ metrics: SourceTaskMetrics; state: State; inFlightRecords(): number }>;
  /** Every task's counters, including tasks that are not running now (counters never go back). */
  taskMetrics(): Iterable<SourceTaskMetrics>;
  connectors(): Iterable<{ name: string; state: State }>;
  /** Sink tasks running now, and every sink task's counters (they outlive restarts). */
  sinkTasks?(): Iterable<{ metrics: SinkTaskMetrics; state: State }>;
  sinkTaskMetrics?(): Iterable<SinkTaskMetrics>;
  /** Worker-level numbers (Kafka Connect's connect-worker-metrics). */
  worker(): {
    taskCount: number;
    startups: { connectorSuccess: number; connectorFailure: number; taskSuccess: number; taskFailure: number };
  };
  /** Worker threads, for event-loop utilisation. */
  threads(): Iterable<{ threadId: number; performance: { eventLoopUtilization: typeof performance.eventLoopUtilization } }>;
  /** Producers in use: `name` is 'worker' or the connector of an overriding producer. */
  producers(): Iterable<{
    name: string;
    statistics: ProducerStatistics | undefined;
    queueFullEvents: number;
    replacements?: number;
    resentRecords?: number;
    unacknowledged?(now?: number): UnacknowledgedRecords;
  }>;
  /** Error events of the worker's Kafka clients, per client.id and librdkafka error code. */
  kafkaClientErrors?(): Iterable<{ client: string; code: string; count: number }>;
  /** Distributed mode (Kafka Connect's connect-worker-rebalance-metrics); absent in standalone. */
  rebalance?(): RebalanceStats;
}

export interface RebalanceStats {
  completed: number;
  /** Time spent in completed rebalances, and in the last one, in ms. */
  totalMs: number;
  lastMs: number;
  /** When the last rebalance completed (ms since the epoch), if one did. */
  lastCompletedAt: number | undefined;
  rebalancing: boolean;
  generation: number;
  leader: boolean;
}

const STATES: readonly State[] = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'RESTARTING'];

/**
 * How often prom-client's event-loop-lag histogram samples the main thread (ms). Its default, 10,
 * is a timer that wakes an idle connectd 100 times a second (the main thread's 103 wake-ups/s with
 * one idle file source, strace: epoll_pwait with a 10 ms timeout, nothing else). Each sample
 * records the time between two of its timer callbacks, so a stall still shows whole; the values
 * are 0.1 s plus the lag (they were 0.01 s plus the lag), which docs/metrics.md and the Grafana
 * panel account for.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

const REDUNDANT_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'] as const;

export function createMetricsRegistry(sources: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'connectd_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  // prom-client's `nodejs_active_{handles,requests,resources}_total` are gauges named as counters
  // (`promtool check metrics` rejects them) and only sum the per-type gauges of the same name
  // without `_total`: sum(connectd_nodejs_active_handles) is the same number.
  for (const name of REDUNDANT_DEFAULT_METRICS) registry.removeSingleMetric(`connectd_${name}`);
  const taskLabels = ['connector', 'task'] as const;

  const perTaskCounter = (name: string, help: string, read: (m: SourceTaskMetrics) => number): void => {
    new Counter({
      name,
      help,
      labelNames: taskLabels,
      registers: [registry],
      collect() {
        this.reset();
        for (const m of sources.taskMetrics()) this.labels(m.connector, String(m.task)).inc(read(m));
      },
    });
  };
  perTaskCounter('connectd_source_record_poll_total', 'Records returned by the task from poll().', (m) => m.pollRecords);
  perTaskCounter('connectd_source_record_write_total', 'Records acknowledged by Kafka.', (m) => m.writeRecords);
  perTaskCounter('connectd_source_record_failed_total', 'Records whose delivery to Kafka failed.', (m) => m.failedRecords);
  perTaskCounter(
    'connectd_source_record_dropped_total',
    'Records a transform dropped (Filter, a predicate): not produced, their offsets committed.',
    (m) => m.droppedRecords,
  );
  perTaskCounter('connectd_source_poll_batch_total', 'Non-empty poll() results sent to the supervisor.', (m) => m.pollBatches);
  perTaskCounter('connectd_source_poll_bytes_total', 'Key, value and header bytes polled (after conversion).', (m) => m.pollBytes);
  perTaskCounter('connectd_offset_commit_success_total', 'Offset commits that were persisted.', (m) => m.offsetCommitSuccess);
  perTaskCounter(
    'connectd_offset_commit_failure_total',
    'Offset commits that failed (retried at the next flush).',
    (m) => m.offsetCommitFailure,
  );
  perTaskCounter(
    'connectd_task_restarts_total',
    'Restarts connectd made by itself: automatic restarts of FAILED tasks and moves off a replaced thread.',
    (m) => m.restarts,
  );
  perTaskCounter('connectd_offset_commit_seconds_total', 'Time spent persisting offsets.', (m) => m.offsetCommitSecondsTotal);

  new Gauge({
    name: 'connectd_source_active_records',
    help: 'Records handed to the producer and not yet acknowledged by Kafka (Kafka Connect: source-record-active-count).',
    labelNames: taskLabels,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of sources.sourceTasks()) this.labels(t.metrics.connector, String(t.metrics.task)).set(t.inFlightRecords());
    },
  });
  new Gauge({
    name: 'connectd_task_status',
    help: 'Task state: 1 for the current state, 0 for the others.',
    labelNames: [...taskLabels, 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of [...sources.sourceTasks(), ...(sources.sinkTasks?.() ?? [])]) {
        for (const s of STATES) this.labels(t.metrics.connector, String(t.metrics.task), s).set(t.state === s ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'connectd_connector_status',
    help: 'Connector state: 1 for the current state, 0 for the others.',
    labelNames: ['connector', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of sources.connectors()) for (const s of STATES) this.labels(c.name, s).set(c.state === s ? 1 : 0);
    },
  });
  perTaskCounter(
    'connectd_source_credit_wait_seconds_total',
    "Time the task's poll loop waited for credit: backpressure from Kafka.",
    (m) => m.creditWaitSeconds,
  );

  // Histograms filled on the hot path as plain bucket counts, exposed here in Prometheus' form.
  const perTaskHistogram = (name: string, help: string, read: (m: SourceTaskMetrics) => BucketHistogram): void => {
    registry.registerMetric({
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get() {
        const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
        for (const m of sources.taskMetrics()) {
          const h = read(m);
          const labels = { connector: m.connector, task: String(m.task) };
          let cumulative = 0;
          h.bounds.forEach((le, i) => {
            cumulative += h.counts[i]!;
            values.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative });
          });
          cumulative += h.counts[h.bounds.length]!;
          values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cumulative });
          values.push({ metricName: `${name}_sum`, labels, value: h.sum });
          values.push({ metricName: `${name}_count`, labels, value: h.count });
        }
        return { name, help, type: 'histogram', values, aggregator: 'sum' };
      },
      reset() {},
    } as unknown as Metric);
  };
  perTaskHistogram(
    'connectd_source_record_ack_seconds',
    "Produce latency per record: from the task's poll() returning it to Kafka acknowledging it (at most its batch's last acknowledgement).",
    (m) => m.recordAckSeconds,
  );
  perTaskHistogram(
    'connectd_source_batch_ack_seconds',
    'Time from a polled batch reaching the supervisor to Kafka acknowledging its last record.',
    (m) => m.batchAckSeconds,
  );
  perTaskHistogram(
    'connectd_source_poll_batch_seconds',
    "Time the task's poll() took for each non-empty batch (Kafka Connect: poll-batch-avg/max-time-ms).",
    (m) => m.pollBatchSeconds,
  );
  perTaskHistogram(
    'connectd_source_poll_batch_records',
    'Records per non-empty poll (Kafka Connect: batch-size-avg/max).',
    (m) => m.pollBatchRecords,
  );
  perTaskHistogram(
    'connectd_offset_commit_latency_seconds',
    'Time each offset commit took to persist (Kafka Connect: offset-commit-avg/max-time-ms).',
    (m) => m.offsetCommitSeconds,
  );

  // Sink tasks (Kafka Connect's sink-task-metrics) and error handling (task-error-metrics).
  const sinkMetrics = (): Iterable<SinkTaskMetrics> => sources.sinkTaskMetrics?.() ?? [];
  const perSinkTask = (name: string, help: string, read: (m: SinkTaskMetrics) => number, type: 'counter' | 'gauge' = 'counter'): void => {
    const Klass = type === 'gauge' ? Gauge : Counter;
    new Klass({
      name,
      help,
      labelNames: taskLabels,
      registers: [registry],
      collect(this: Gauge | Counter) {
        this.reset();
        for (const m of sinkMetrics()) {
          if (this instanceof Gauge) this.labels(m.connector, String(m.task)).set(read(m));
          else this.labels(m.connector, String(m.task)).inc(read(m));
        }
      },
    });
  };
  perSinkTask(
    'connectd_sink_record_read_total',
    'Records consumed from Kafka and handed to the task (Kafka Connect: sink-record-read-total).',
    (m) => m.readRecords,
  );
  perSinkTask('connectd_sink_record_read_bytes_total', 'Key, value and header bytes consumed.', (m) => m.readBytes);
  perSinkTask(
    'connectd_sink_record_send_total',
    'Records handed to put() after conversion and transforms (Kafka Connect: sink-record-send-total).',
    (m) => m.sendRecords,
  );
  perSinkTask(
    'connectd_sink_active_records',
    'Records consumed and not yet put (Kafka Connect: sink-record-active-count).',
    (m) => m.activeRecords,
    'gauge',
  );
  perSinkTask(
    'connectd_sink_assigned_partitions',
    'Partitions assigned to the task (Kafka Connect: partition-count).',
    (m) => m.partitionCount,
    'gauge',
  );
  perSinkTask(
    'connectd_sink_record_lag_max',
    "Largest consumer lag over the task's partitions, from librdkafka's statistics (Kafka Connect: sink-record-lag-max).",
    (m) => m.maxLag,
    'gauge',
  );
  perSinkTask(
    'connectd_sink_offset_commit_success_total',
    'Consumer offset commits that succeeded (Kafka Connect: offset-commit-completion-total).',
    (m) => m.offsetCommitSuccess,
  );
  perSinkTask(
    'connectd_sink_offset_commit_failure_total',
    'Consumer offset commits that failed, a preCommit that threw included (retried at the next flush).',
    (m) => m.offsetCommitFailure,
  );
  perSinkTask(
    'connectd_sink_offset_commit_skip_total',
    'Commits with nothing new to commit (Kafka Connect: offset-commit-skip-total).',
    (m) => m.offsetCommitSkip,
  );
  perSinkTask(
    'connectd_sink_backpressure_seconds_total',
    'Time consumption was paused because put() could not keep up.',
    (m) => m.backpressureSeconds,
  );
  perSinkTask('connectd_sink_task_restarts_total', 'Restarts connectd made by itself of sink tasks.', (m) => m.restarts);
  // Error metrics of source and sink tasks alike.
  const errorCounter = (name: string, help: string, read: (e: TaskErrorMetrics) => number, type: 'counter' | 'gauge' = 'counter'): void => {
    const Klass = type === 'gauge' ? Gauge : Counter;
    new Klass({
      name,
      help,
      labelNames: taskLabels,
      registers: [registry],
      collect(this: Gauge | Counter) {
        this.reset();
        for (const m of [...sources.taskMetrics(), ...sinkMetrics()]) {
          if (this instanceof Gauge) this.labels(m.connector, String(m.task)).set(read(m.errors));
          else this.labels(m.connector, String(m.task)).inc(read(m.errors));
        }
      },
    });
  };
  errorCounter(
    'connectd_task_error_record_errors_total',
    'Operations that failed (Kafka Connect: total-record-errors).',
    (e) => e.recordErrors,
  );
  errorCounter(
    'connectd_task_error_record_failures_total',
    'Records that failed in some stage (Kafka Connect: total-record-failures).',
    (e) => e.recordFailures,
  );
  errorCounter(
    'connectd_task_error_records_skipped_total',
    'Records skipped under errors.tolerance=all (Kafka Connect: total-records-skipped).',
    (e) => e.recordsSkipped,
  );
  errorCounter('connectd_task_error_retries_total', 'Retries of failed operations (Kafka Connect: total-retries).', (e) => e.retries);
  errorCounter(
    'connectd_task_error_errors_logged_total',
    'Errors written to the log (Kafka Connect: total-errors-logged).',
    (e) => e.errorsLogged,
  );
  errorCounter(
    'connectd_task_error_dlq_produce_requests_total',
    'Writes to the dead letter queue (Kafka Connect: deadletterqueue-produce-requests).',
    (e) => e.dlqProduceRequests,
  );
  errorCounter(
    'connectd_task_error_dlq_produce_failures_total',
    'Failed writes to the dead letter queue (Kafka Connect: deadletterqueue-produce-failures).',
    (e) => e.dlqProduceFailures,
  );
  errorCounter(
    'connectd_task_error_last_error_timestamp_seconds',
    'Time of the last error (Kafka Connect: last-error-timestamp), 0 for none.',
    (e) => e.lastErrorTimestamp / 1000,
    'gauge',
  );
  registry.registerMetric({
    name: 'connectd_sink_put_batch_seconds',
    help: 'Time from a batch leaving the supervisor to put() returning for it (Kafka Connect: put-batch-avg/max-time-ms).',
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
      for (const m of sinkMetrics()) {
        const h = m.putBatchSeconds;
        const labels = { connector: m.connector, task: String(m.task) };
        let cumulative = 0;
        h.bounds.forEach((le, i) => {
          cumulative += h.counts[i]!;
          values.push({ metricName: 'connectd_sink_put_batch_seconds_bucket', labels: { ...labels, le }, value: cumulative });
        });
        cumulative += h.counts[h.bounds.length]!;
        values.push({ metricName: 'connectd_sink_put_batch_seconds_bucket', labels: { ...labels, le: '+Inf' }, value: cumulative });
        values.push({ metricName: 'connectd_sink_put_batch_seconds_sum', labels, value: h.sum });
        values.push({ metricName: 'connectd_sink_put_batch_seconds_count', labels, value: h.count });
      }
      return {
        name: 'connectd_sink_put_batch_seconds',
        help: 'Time from a batch leaving the supervisor to put() returning for it.',
        type: 'histogram',
        values,
        aggregator: 'sum',
      };
    },
    reset() {},
  } as unknown as Metric);

  const producerGauge = (
    name: string,
    help: string,
    read: (s: ProducerStatistics) => number,
    type: 'gauge' | 'counter' = 'gauge',
  ): void => {
    const Klass = type === 'gauge' ? Gauge : Counter;
    new Klass({
      name,
      help,
      labelNames: ['producer'],
      registers: [registry],
      collect(this: Gauge | Counter) {
        this.reset();
        for (const p of sources.producers()) {
          if (p.statistics === undefined) continue;
          if (this instanceof Gauge) this.labels(p.name).set(read(p.statistics));
          else this.labels(p.name).inc(read(p.statistics));
        }
      },
    });
  };
  producerGauge(
    'connectd_producer_queue_messages',
    "Messages in librdkafka's queues, not yet acknowledged (librdkafka msg_cnt).",
    (s) => s.queueMessages,
  );
  producerGauge('connectd_producer_queue_bytes', "Bytes in librdkafka's queues (msg_size).", (s) => s.queueBytes);
  producerGauge(
    'connectd_producer_tx_messages_total',
    'Messages sent to brokers, retries included (txmsgs).',
    (s) => s.txMessages,
    'counter',
  );
  producerGauge('connectd_producer_tx_bytes_total', 'Bytes sent to brokers (tx_bytes).', (s) => s.txBytes, 'counter');
  const unacknowledgedGauge = (name: string, help: string, read: (u: UnacknowledgedRecords) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['producer'],
      registers: [registry],
      collect() {
        this.reset();
        const now = Date.now();
        for (const p of sources.producers()) {
          const unacknowledged = p.unacknowledged?.(now);
          if (unacknowledged !== undefined) this.labels(p.name).set(read(unacknowledged));
        }
      },
    });
  };
  unacknowledgedGauge(
    'connectd_producer_unacknowledged_records',
    'Records handed to the producer (queued in connectd or librdkafka, or sent) that Kafka has not acknowledged yet.',
    (u) => u.records,
  );
  unacknowledgedGauge(
    'connectd_producer_oldest_unacknowledged_seconds',
    "How long the producer's oldest unacknowledged record has waited (0 when none waits); it only grows while the cluster is out of reach or the producer stopped delivering (health.producer.unacknowledged.threshold.ms).",
    (u) => u.oldestMs / 1000,
  );
  new Gauge({
    name: 'connectd_producer_broker_rtt_seconds',
    help: 'Average request round-trip time to each broker over the last statistics window.',
    labelNames: ['producer', 'broker'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of sources.producers()) for (const [broker, rtt] of p.statistics?.brokerRtt ?? []) this.labels(p.name, broker).set(rtt);
    },
  });
  new Counter({
    name: 'connectd_kafka_client_errors_total',
    help: "Errors librdkafka reported from the worker's Kafka clients (source and dead letter queue producers, sink consumers), per client.id and error code; retries of one failure count each.",
    labelNames: ['client', 'code'],
    registers: [registry],
    collect() {
      this.reset();
      for (const e of sources.kafkaClientErrors?.() ?? []) this.labels(e.client, e.code).inc(e.count);
    },
  });
  new Counter({
    name: 'connectd_producer_queue_full_total',
    help: "Times librdkafka's queue was full: each paused producing until deliveries freed space.",
    labelNames: ['producer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of sources.producers()) this.labels(p.name).inc(p.queueFullEvents);
    },
  });
  new Counter({
    name: 'connectd_producer_replacements_total',
    help: 'Times the producer replaced its Kafka client, which had delivered nothing for task.produce.stall.timeout.ms while the cluster was reachable.',
    labelNames: ['producer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of sources.producers()) this.labels(p.name).inc(p.replacements ?? 0);
    },
  });
  new Counter({
    name: 'connectd_producer_resent_records_total',
    help: 'Records a replacement Kafka client sent again (task.produce.stall.timeout.ms): at most this many may be in Kafka twice.',
    labelNames: ['producer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of sources.producers()) this.labels(p.name).inc(p.resentRecords ?? 0);
    },
  });
  new Gauge({
    name: 'connectd_worker_connectors',
    help: 'Connectors on this worker.',
    registers: [registry],
    collect() {
      this.set([...sources.connectors()].length);
    },
  });
  new Gauge({
    name: 'connectd_worker_tasks',
    help: 'Tasks assigned to this worker.',
    registers: [registry],
    collect() {
      this.set(sources.worker().taskCount);
    },
  });
  const startup = (name: string, help: string, read: (s: ReturnType<MetricsSources['worker']>['startups']) => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(sources.worker().startups));
      },
    });
  };
  startup('connectd_worker_connector_startup_success_total', 'Connector starts that succeeded.', (s) => s.connectorSuccess);
  startup('connectd_worker_connector_startup_failure_total', 'Connector starts that failed.', (s) => s.connectorFailure);
  startup('connectd_worker_task_startup_success_total', 'Task starts that succeeded.', (s) => s.taskSuccess);
  startup('connectd_worker_task_startup_failure_total', 'Task starts that failed.', (s) => s.taskFailure);

  if (sources.rebalance !== undefined) {
    const rebalance = (): RebalanceStats => sources.rebalance!();
    const gauge = (name: string, help: string, read: (r: RebalanceStats) => number): void => {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read(rebalance()));
        },
      });
    };
    new Counter({
      name: 'connectd_worker_rebalance_completed_total',
      help: 'Rebalances this worker completed (an assignment applied).',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(rebalance().completed);
      },
    });
    new Counter({
      name: 'connectd_worker_rebalance_seconds_total',
      help: 'Time spent in completed rebalances: from stopping work to running the new assignment.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(rebalance().totalMs / 1000);
      },
    });
    gauge('connectd_worker_rebalance_last_duration_seconds', 'Duration of the last completed rebalance.', (r) => r.lastMs / 1000);
    gauge('connectd_worker_rebalance_time_since_last_seconds', 'Time since the last rebalance completed (-1: none yet).', (r) =>
      r.lastCompletedAt === undefined ? -1 : (Date.now() - r.lastCompletedAt) / 1000,
    );
    gauge('connectd_worker_rebalancing', '1 while a rebalance is under way (this worker runs nothing then).', (r) =>
      r.rebalancing ? 1 : 0,
    );
    gauge(
      'connectd_worker_rebalance_generation',
      "The generation of the assignment this worker runs (Kafka Connect's epoch).",
      (r) => r.generation,
    );
    gauge('connectd_worker_leader', '1 on the worker that leads the cluster (computes assignments).', (r) => (r.leader ? 1 : 0));
  }

  // Event-loop utilisation since the previous scrape, per thread: the main thread and each worker.
  const lastElu = new Map<string, ReturnType<typeof performance.eventLoopUtilization>>();
  new Gauge({
    name: 'connectd_event_loop_utilization',
    help: "Share of time the thread's event loop was busy since the previous scrape (0..1): main, or worker-<threadId>.",
    labelNames: ['thread'],
    registers: [registry],
    collect() {
      this.reset();
      const measure = (thread: string, elu: typeof performance.eventLoopUtilization): void => {
        const now = elu();
        const previous = lastElu.get(thread);
        lastElu.set(thread, now);
        const utilization = previous === undefined ? now.utilization : elu(now, previous).utilization;
        // Clock reads across threads can make an idle thread come out a hair below zero.
        this.labels(thread).set(Math.min(1, Math.max(0, utilization)));
      };
      const seen = new Set(['main']);
      measure('main', performance.eventLoopUtilization.bind(performance));
      for (const t of sources.threads()) {
        seen.add(`worker-${t.threadId}`);
        measure(`worker-${t.threadId}`, t.performance.eventLoopUtilization.bind(t.performance));
      }
      for (const thread of lastElu.keys()) if (!seen.has(thread)) lastElu.delete(thread);
    },
  });
  return registry;
}
