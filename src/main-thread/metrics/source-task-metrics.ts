/**
 * Per source task counters, kept as plain numbers on the hot path (an ack adds 1 to a field) and
 * read by the Prometheus collectors in ./registry.ts at scrape time. Records are counted where Kafka
 * acknowledged them, not where they were attempted. Every metric is listed in docs/metrics.md.
 */
import { BucketHistogram } from './bucket-histogram.js';
import { TaskErrorMetrics } from './sink-task-metrics.js';

export class SourceTaskMetrics {
  /** Records the task returned from poll() and sent to the supervisor. */
  pollRecords = 0;
  pollBatches = 0;
  pollBytes = 0;
  /** Records Kafka acknowledged. */
  writeRecords = 0;
  /** Records whose delivery failed. */
  failedRecords = 0;
  /** Records a transform (e.g. Filter) dropped: never produced, their offsets still committed. */
  droppedRecords = 0;
  offsetCommitSuccess = 0;
  offsetCommitFailure = 0;
  offsetCommitSecondsTotal = 0;
  /** Restarts connectd made by itself (automatic restarts, thread replacement). */
  restarts = 0;
  /** Time the task's poll loop waited for credit (backpressure). */
  creditWaitSeconds = 0;
  /** Kafka Connect's task-error-metrics: records skipped by errors.tolerance=all, DLQ writes. */
  readonly errors = new TaskErrorMetrics();
  /** From a batch reaching the supervisor to Kafka acknowledging its last record. */
  readonly batchAckSeconds = new BucketHistogram();
  /**
   * Produce latency per record: from the task's poll() returning it to Kafka acknowledging it, as
   * at most its batch's last acknowledgement (one observation per batch, weighted by its records).
   */
  readonly recordAckSeconds = new BucketHistogram();
  /** How long the task's poll() took for each non-empty batch (Kafka Connect: poll-batch-*-time-ms). */
  readonly pollBatchSeconds = new BucketHistogram();
  /** How long each offset commit took to persist. */
  readonly offsetCommitSeconds = new BucketHistogram();
  /** Records per non-empty poll (Kafka Connect: batch-size-avg/max). */
  readonly pollBatchRecords = new BucketHistogram([1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 65536]);

  constructor(
    readonly connector: string,
    readonly task: number,
  ) {}

  batchPolled(records: number, bytes: number): void {
    this.pollBatchRecords.observe(records);
    this.pollRecords += records;
    this.pollBatches++;
    this.pollBytes += bytes;
  }

  recordAcked(): void {
    this.writeRecords++;
  }

  recordDropped(): void {
    this.droppedRecords++;
  }

  recordFailed(): void {
    this.failedRecords++;
  }

  /** A batch of `records` fully acknowledged: seconds since it reached the supervisor, and since poll() returned it. */
  batchAcknowledged(seconds: number, sincePolled: number, records: number): void {
    this.batchAckSeconds.observe(seconds);
    this.recordAckSeconds.observe(sincePolled, records);
  }

  offsetCommit(ok: boolean, millis: number): void {
    if (ok) this.offsetCommitSuccess++;
    else this.offsetCommitFailure++;
    this.offsetCommitSecondsTotal += millis / 1000;
    this.offsetCommitSeconds.observe(millis / 1000);
  }
}
