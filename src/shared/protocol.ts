/**
 * Messages between the supervisor (main thread) and the worker threads that host connectors and
 * tasks. Each connector and each task has its own MessageChannel; these are the only shapes sent on
 * it. Design and sequence diagrams: docs/design/2026-11-25-thread-protocol.md.
 */
import type { MessagePort } from 'node:worker_threads';
import type { TaskConfig } from '../worker-thread/sdk/connector.js';
import type { ConfigInfos, ConfigKeyInfo } from '../worker-thread/sdk/config-def.js';

export type { ConfigKeyInfo };

/** A serialisable error: what the status API shows as `trace`. */
export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const info: ErrorInfo = { name: err.name, message: err.message };
    if (err.stack !== undefined) info.stack = err.stack;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') info.code = code;
    return info;
  }
  return { name: 'Error', message: String(err) };
}

/** Where a plugin comes from: the built-ins plus the worker's `plugin.path`. */
export interface PluginLocation {
  pluginPath: readonly string[];
}

/** The payload of the piscina `run()` that hosts one connector for its whole life. */
export interface ConnectorHostRequest extends PluginLocation {
  kind: 'connector';
  connectorName: string;
  config: Record<string, string>;
  port: MessagePort;
}

/** The payload of the piscina `run()` that hosts one source task for its whole life. */
export interface SourceTaskHostRequest extends PluginLocation {
  kind: 'source-task';
  connectorName: string;
  taskId: number;
  /** The connector's config (for its class and converters) and this task's own config. */
  connectorConfig: Record<string, string>;
  taskConfig: TaskConfig;
  initialCredit: Credit;
  port: MessagePort;
}

/** Loads a connector class and validates a config against its ConfigDef, then returns. */
export interface ValidateHostRequest extends PluginLocation {
  kind: 'validate';
  config: Record<string, string>;
}

export interface ValidateResult {
  /** Problems with the connector's own keys (the framework's are checked on the supervisor). */
  problems: { name: string; value: string | null; message: string }[];
  /** Keys the connector declares PASSWORD: masked in every REST answer. */
  passwordKeys: string[];
  /** Kafka Connect's validate body: the framework's keys and the connector's, every value checked. */
  configInfos: ConfigInfos;
  /** Whether the connector is a source or a sink (from its task class). */
  connectorType: 'source' | 'sink';
}

/** Lists the connector plugins (GET /connector-plugins). */
export interface PluginsHostRequest extends PluginLocation {
  kind: 'plugins';
}
export interface PluginInfo {
  class: string;
  type: 'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';
  version: string;
}

/** A connector plugin's config definition (GET /connector-plugins/{plugin}/config). */
export interface PluginConfigHostRequest extends PluginLocation {
  kind: 'plugin-config';
  plugin: string;
  /** `?version=`: the version (or Maven range) asked for; the plugin's one version must match it. */
  version?: string;
}

/** The payload of the piscina `run()` that hosts one sink task for its whole life. */
export interface SinkTaskHostRequest extends PluginLocation {
  kind: 'sink-task';
  connectorName: string;
  taskId: number;
  connectorConfig: Record<string, string>;
  taskConfig: TaskConfig;
  port: MessagePort;
}

export type HostRequest =
  ConnectorHostRequest | SourceTaskHostRequest | SinkTaskHostRequest | ValidateHostRequest | PluginsHostRequest | PluginConfigHostRequest;

/** How a hosted connector or task ended. A thrown error (run() rejects) means FAILED. */
export interface HostResult {
  stopped: true;
}

export interface Credit {
  records: number;
  bytes: number;
}

// ---- Supervisor → connector host
export type ToConnector = { t: 'task-configs'; id: number; maxTasks: number } | { t: 'stop' };

// ---- Connector host → supervisor
export type FromConnector =
  | { t: 'started'; version: string; passwordKeys: string[]; connectorType: 'source' | 'sink' }
  | { t: 'task-configs'; id: number; configs?: TaskConfig[]; error?: ErrorInfo }
  | { t: 'request-reconfiguration' }
  | { t: 'raise-error'; error: ErrorInfo }
  | { t: 'warn'; message: string };

// ---- Supervisor → source task host
export type ToSourceTask =
  | { t: 'credit'; records: number; bytes: number }
  | { t: 'offsets'; id: number; offsets: (string | null)[] }
  /**
   * Offsets persisted: `released` lists the batches whose records are all persisted, with where
   * Kafka stored each record when the task wants `commitRecord`. Then the task's `commit()` runs.
   */
  | { t: 'committed'; released: ReleasedBatch[] }
  /** Stop polling but keep the task started (Kafka Connect's PAUSED); `resume` polls again. */
  | { t: 'pause' }
  | { t: 'resume' }
  /** Stop polling and call the task's stop(); the host answers `poll-stopped`. */
  | { t: 'stop' }
  /** After the final offset flush: the host ends its run() once pending commit callbacks are done. */
  | { t: 'close' };

export interface ReleasedBatch {
  id: number;
  kafkaPartitions?: Int32Array;
  kafkaOffsets?: Float64Array;
}

// ---- Source task host → supervisor
export type FromSourceTask =
  /** `threadId`: the worker thread hosting the task, so the supervisor can replace that thread. */
  | { t: 'started'; version: string; wantsRecordCommits: boolean; threadId: number }
  | {
      t: 'batch';
      id: number;
      count: number;
      payloadBytes: number;
      topics: string[];
      sourcePartitions: string[];
      buffer: ArrayBuffer;
      /** Total time this task instance waited for credit so far. */
      creditWaitMs: number;
      /** How long the task's poll() that returned this batch took. */
      pollMs: number;
      /** When that poll() returned: performance.timeOrigin + performance.now() in the worker thread (ms since the epoch, sub-ms). */
      polledAt: number;
    }
  | { t: 'offsets-request'; id: number; partitions: string[] }
  | { t: 'poll-stopped' }
  /**
   * The task's stop() threw or rejected. Logged (Kafka Connect's "Could not stop task"); the stop
   * goes on: the task is done either way, and the thread it shares with other tasks lives on.
   */
  | { t: 'stop-failed'; error: ErrorInfo }
  /**
   * The task's commitRecord() or commit() threw after offsets were persisted. Logged, the task goes
   * on (as in Kafka Connect): `count` calls threw since the last report, `error` is the first.
   */
  | { t: 'commit-failed'; method: 'commitRecord' | 'commit'; count: number; error: ErrorInfo }
  /**
   * A polled record that failed conversion or a transform and was skipped (errors.tolerance=all):
   * logged and written to the connector's dead letter queue (connectd's extension) by the
   * supervisor. Key and value are the Connect values as text; the record itself never had bytes.
   */
  | {
      t: 'errant';
      stage: string;
      className: string;
      error: ErrorInfo;
      topic: string;
      sourcePartition: string;
      sourceOffset: string;
      key: string | null;
      value: string | null;
    };

// ---- Sink tasks. A Kafka partition and an offset travel as [topic, partition, offset].
export type PartitionOffset = [topic: string, partition: number, offset: number];
export interface WireTopicPartition {
  topic: string;
  partition: number;
}

/** Where a tolerated or reported failure happened, for the log and the dead letter queue. */
export interface ErrantRecord {
  /** The batch and the index in it of the consumed record (its original bytes stay on the supervisor). */
  batch: number;
  index: number;
  stage: string;
  className: string;
  error: ErrorInfo;
}

// ---- Supervisor → sink task host. Handled one at a time, in order.
export type ToSinkTask =
  /** After an assignment: the task's open(); the answer may carry rewinds (context.offset()). */
  | { t: 'open'; id: number; partitions: WireTopicPartition[] }
  /** Consumed records (see sink-batch.ts). `epoch`: batches older than the task's last rewind are skipped. */
  | { t: 'batch'; id: number; epoch: number; count: number; topics: string[]; buffer: ArrayBuffer }
  /** Before an offset commit: preCommit(currentOffsets); the answer says what may be committed. */
  | { t: 'pre-commit'; id: number; offsets: PartitionOffset[] }
  /** On revocation (after its offsets were committed) or shutdown: close(partitions). */
  | { t: 'close-partitions'; id: number; partitions: WireTopicPartition[] }
  /** The answer to an ErrantRecordReporter report: written to the DLQ (or failed). */
  | { t: 'errant-reported'; reportId: number; error?: ErrorInfo }
  /** Call the task's stop() and end the run. */
  | { t: 'stop' };

// ---- Sink task host → supervisor
export type FromSinkTask =
  | { t: 'started'; version: string; threadId: number }
  | {
      t: 'put-done';
      id: number;
      /** Records handed to put() (after conversion failures and transforms dropped some). */
      put: number;
      /** Whether the batch was skipped (consumed before a rewind the task asked for). */
      skipped: boolean;
      /** context.offset() calls made during put: seek these partitions. */
      rewinds?: PartitionOffset[];
      /** Retries made (error handling and retriable put failures) since the last report. */
      retries: number;
      putMs: number;
    }
  | { t: 'opened'; id: number; rewinds?: PartitionOffset[] }
  /** `error`: preCommit threw; nothing may be committed, and the task skips the batches sent before this answer. */
  | { t: 'pre-committed'; id: number; offsets: PartitionOffset[]; error?: ErrorInfo }
  | { t: 'closed-partitions'; id: number }
  /** A record skipped by errors.tolerance=all, or reported by the task; `reportId` wants an answer. */
  | ({ t: 'errant'; reportId?: number } & ErrantRecord)
  | { t: 'pause-partitions'; partitions: WireTopicPartition[] }
  | { t: 'resume-partitions'; partitions: WireTopicPartition[] }
  /**
   * The task's stop() threw or rejected. Logged (Kafka Connect's "Could not stop task"); the stop
   * goes on: the task is done either way, and the thread it shares with other tasks lives on.
   */
  | { t: 'stop-failed'; error: ErrorInfo }
  | { t: 'request-commit' }
  /** put() threw a RetriableException: the same records are put again in `retryInMs` (for the log). */
  | { t: 'put-retry'; error: ErrorInfo; retryInMs: number };

// `connectd validate`'s worker thread (workers/validate-thread.ts): workerData in, one message out.

export interface ThreadProblem {
  name: string;
  value: string | null;
  message: string;
}

export interface ValidateThreadInput {
  pluginPath: string[];
  /** The worker's key.converter*, value.converter* keys. */
  workerConverters: Record<string, string>;
  /** Each connector's config as the runtime would see it (worker converter defaults filled in). */
  connectors: { config: Record<string, string>; overridesConverters: boolean }[];
}

export interface ValidateThreadOutput {
  worker: ThreadProblem[];
  connectors: { problems: ThreadProblem[]; passwordKeys: string[]; version: string | null }[];
}
