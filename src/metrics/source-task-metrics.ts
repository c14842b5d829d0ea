/**
 * Per source task counters, kept as plain numbers on the hot path (an ack adds 1 to a field) and
 * read by the Prometheus collectors in ./registry.ts at scrape time. Records are counted where Kafka
 * acknowledged them, not where they were attempted. Every metric is listed in docs/metrics.md.
 */
/** Upper bounds (seconds) of the batch acknowledgement latency histogram. */
export const BATCH_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export class SourceTaskMetrics {
  /** Records the task returned from poll() and sent to the supervisor. */
  pollRecords = 0;
  pollBatches = 0;
  pollBytes = 0;
  /** Records Kafka acknowledged. */
  writeRecords = 0;
  /** Records whose delivery failed. */
  failedRecords = 0;
  offsetCommitSuccess = 0;
  offsetCommitFailure = 0;
  offsetCommitSecondsTotal = 0;
  /** Restarts connectd made by itself (automatic restarts, thread replacement). */
  restarts = 0;
  /** Time the task's poll loop waited for credit (backpressure). */
  creditWaitSeconds = 0;
  /** Batch acknowledgement latency: counts per bucket of BATCH_LATENCY_BUCKETS (+Inf last), sum, count. */
  readonly batchLatencyBuckets = new Float64Array(BATCH_LATENCY_BUCKETS.length + 1);
  batchLatencySum = 0;
  batchLatencyCount = 0;

  constructor(
    readonly connector: string,
    readonly task: number,
  ) {}

  batchPolled(records: number, bytes: number): void {
    this.pollRecords += records;
    this.pollBatches++;
    this.pollBytes += bytes;
  }

  recordAcked(): void {
    this.writeRecords++;
  }

  recordFailed(): void {
    this.failedRecords++;
  }

  /** Seconds from a batch reaching the supervisor to Kafka acknowledging its last record. */
  batchAcknowledged(seconds: number): void {
    let i = 0;
    while (i < BATCH_LATENCY_BUCKETS.length && seconds > BATCH_LATENCY_BUCKETS[i]!) i++;
    this.batchLatencyBuckets[i]!++;
    this.batchLatencySum += seconds;
    this.batchLatencyCount++;
  }

  offsetCommit(ok: boolean, millis: number): void {
    if (ok) this.offsetCommitSuccess++;
    else this.offsetCommitFailure++;
    this.offsetCommitSecondsTotal += millis / 1000;
  }
}
