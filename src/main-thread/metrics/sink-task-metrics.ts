/**
 * Per sink task counters (Kafka Connect's sink-task-metrics and task-error-metrics), plain numbers
 * on the hot path, read by the Prometheus collectors in ./registry.ts at scrape time. Every metric
 * is listed in docs/metrics.md.
 */
import { BucketHistogram } from './bucket-histogram.js';

/** Kafka Connect's task-error-metrics, for sink and source tasks alike. */
export class TaskErrorMetrics {
  /** Operations that failed (after retries), tolerated or not. */
  recordErrors = 0;
  /** Records that failed in some stage (Kafka Connect counts both; connectd counts one per record). */
  recordFailures = 0;
  /** Records skipped under errors.tolerance=all. */
  recordsSkipped = 0;
  retries = 0;
  errorsLogged = 0;
  dlqProduceRequests = 0;
  dlqProduceFailures = 0;
  /** Milliseconds since the epoch of the last error; 0 for none. */
  lastErrorTimestamp = 0;
}

export class SinkTaskMetrics {
  /** Records consumed from Kafka and handed to the task's thread. */
  readRecords = 0;
  readBytes = 0;
  /** Records handed to put() (after conversion failures and transforms dropped some). */
  sendRecords = 0;
  offsetCommitSuccess = 0;
  offsetCommitFailure = 0;
  /** Commits with nothing new to commit (Kafka Connect's offset-commit-skip). */
  offsetCommitSkip = 0;
  restarts = 0;
  /** Assigned partitions (Kafka Connect's partition-count). */
  partitionCount = 0;
  /** Records consumed and not yet put (Kafka Connect's sink-record-active-count). */
  activeRecords = 0;
  /** The largest consumer lag over the task's partitions, from librdkafka's statistics. */
  maxLag = 0;
  /** Seconds the consumer was paused because put() could not keep up (backpressure). */
  backpressureSeconds = 0;
  readonly errors = new TaskErrorMetrics();
  /** Time from a batch leaving the supervisor to put() returning (Kafka Connect: put-batch-avg/max-time-ms). */
  readonly putBatchSeconds = new BucketHistogram();
  readonly offsetCommitSeconds = new BucketHistogram();

  constructor(
    readonly connector: string,
    readonly task: number,
  ) {}
}
