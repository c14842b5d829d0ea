/**
 * The Prometheus registry of a connectd worker: one place that defines every metric. Names and
 * meanings: docs/metrics.md. Hot-path numbers live in plain fields (SourceTaskMetrics) and are
 * read here at scrape time, so producing a record costs no metric bookkeeping beyond `+= 1`.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { SourceTaskMetrics } from './source-task-metrics.js';
import type { State } from '../runtime/status.js';

export interface MetricsSources {
  sourceTasks(): Iterable<{ metrics: SourceTaskMetrics; state: State; inFlightRecords(): number }>;
  /** Every task's counters, including tasks that are not running now (counters never go back). */
  taskMetrics(): Iterable<SourceTaskMetrics>;
  connectors(): Iterable<{ name: string; state: State }>;
}

const STATES: readonly State[] = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'RESTARTING'];

export function createMetricsRegistry(sources: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'connectd_process_' });
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
  perTaskCounter('connectd_source_poll_batch_total', 'Non-empty poll() results sent to the supervisor.', (m) => m.pollBatches);
  perTaskCounter('connectd_source_poll_bytes_total', 'Key, value and header bytes polled (after conversion).', (m) => m.pollBytes);
  perTaskCounter('connectd_offset_commit_success_total', 'Offset commits that were persisted.', (m) => m.offsetCommitSuccess);
  perTaskCounter('connectd_offset_commit_failure_total', 'Offset commits that failed (retried at the next flush).', (m) => m.offsetCommitFailure);
  perTaskCounter('connectd_task_restarts_total', 'Restarts connectd made by itself: automatic restarts of FAILED tasks and moves off a replaced thread.', (m) => m.restarts);
  perTaskCounter('connectd_offset_commit_seconds_total', 'Time spent persisting offsets.', (m) => m.offsetCommitSecondsTotal);

  new Gauge({
    name: 'connectd_source_record_active_count',
    help: 'Records handed to the producer and not yet acknowledged by Kafka.',
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
      for (const t of sources.sourceTasks()) {
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
  return registry;
}
