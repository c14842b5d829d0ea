/**
 * connectd and Apache Kafka Connect side by side, each a standalone worker running the same
 * connector config (FileStreamSource / FileStreamSink mean the same thing to both) with the same
 * worker keys (converters, offset flush interval):
 *
 * - `runPipeline`: a source into a fresh topic or a sink into a fresh file, watched from outside
 *   (the topic's watermarks, the file's size) until every record is there, then stopped gracefully.
 * - `runIdle`: N file sources on files that do not grow; RSS, threads and CPU once they are idle.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { readDiagnostics } from './contenders.js';
import type { ConnectdDiagnostics } from './contenders.js';
import { KafkaConnectProcess, cleanJavaExit } from './java-contenders.js';
import { fileLines, measureProgress, startCpuWindow } from './progress.js';
import type { CpuWindow, ProgressWindow } from './progress.js';
import { rssNow } from './proc-stats.js';
import { openWatermarkReader } from './topics.js';

export type WorkerFamily = 'connectd' | 'kafka-connect';

interface WorkerHandle {
  pid: number;
  logFile: string;
  stop(): Promise<number | null>;
  kill(): Promise<void>;
  logTail(lines?: number): Promise<string>;
  /** Kafka Connect only: the stacks of its shutdown threads from a thread dump in its log. */
  shutdownStacks?: () => Promise<string>;
  /** connectd only. */
  connectd?: ConnectdProcess;
}

export interface WorkerStart {
  family: WorkerFamily;
  dir: string;
  bootstrapServers: string;
  /** Worker keys for both (converters, offset.flush.interval.ms); connectd-only ones in `connectdWorker`. */
  worker: Record<string, string>;
  connectdWorker?: Record<string, string>;
  connectors: Record<string, string>[];
  /** connectd: extra node flags (--cpu-prof). */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

async function startWorker(opts: WorkerStart): Promise<WorkerHandle> {
  if (opts.family === 'connectd') {
    const proc = await ConnectdProcess.start({
      dir: opts.dir,
      bootstrapServers: opts.bootstrapServers,
      // The run's work directory (its parent) holds every input and output file of the scenarios.
      worker: { 'allowed.paths': path.dirname(path.resolve(opts.dir)), ...opts.worker, ...opts.connectdWorker },
      connectors: opts.connectors,
      nodeArgs: opts.nodeArgs ?? [],
      startTimeoutMs: opts.startTimeoutMs ?? 60000,
    });
    return {
      pid: proc.pid,
      logFile: proc.logFile,
      stop: () => proc.stop(),
      kill: () => proc.kill(),
      logTail: (lines) => proc.logTail(lines),
      connectd: proc,
    };
  }
  const proc = await KafkaConnectProcess.start({
    dir: opts.dir,
    bootstrapServers: opts.bootstrapServers,
    worker: opts.worker,
    connectors: opts.connectors,
    startTimeoutMs: opts.startTimeoutMs ?? 180000,
  });
  return {
    pid: proc.pid,
    logFile: proc.logFile,
    stop: () => proc.stop(60000),
    kill: () => proc.kill(),
    logTail: (lines) => proc.logTail(lines),
    shutdownStacks: () => proc.shutdownStacks(),
  };
}

/** SIGTERM; true when the worker shut down cleanly (it is SIGKILLed when it takes too long: 30 s connectd, 60 s Kafka Connect). */
async function stopWorker(family: WorkerFamily, worker: WorkerHandle): Promise<boolean> {
  const code = await worker.stop();
  return family === 'connectd' ? code === 0 : cleanJavaExit(code);
}

/**
 * Stops the worker after its records were counted. connectd must stop cleanly (its file sink writes
 * what it holds at the stop). Kafka Connect, the reference, sometimes does not stop within 60 s of
 * SIGTERM on a loaded machine (2 smoke runs in 5 on 2026-12-07, with an empty log); its records are
 * already counted and its sink writes each line as it is put, so that is reported with the stacks of
 * its shutdown threads (a SIGQUIT dump) rather than failing the run.
 */
async function stopCleanly(family: WorkerFamily, worker: WorkerHandle): Promise<void> {
  const code = await worker.stop();
  const status = code === null ? 'killed' : `exit status ${code}`;
  if (family === 'connectd') {
    if (code !== 0) throw new Error(`connectd did not stop cleanly (${status}); log ${worker.logFile}:\n${await worker.logTail(20)}`);
    return;
  }
  if (!cleanJavaExit(code))
    process.stderr.write(
      `bench: WARNING kafka-connect did not stop within 60 s of SIGTERM (${status}); log ${worker.logFile}; its shutdown threads:\n${(await worker.shutdownStacks?.()) ?? '(none)'}\n`,
    );
}

export type Progress = { topic: string; partitions: number } | { file: string; lineBytes: number };

export interface PipelineOptions extends WorkerStart {
  brokerPid: number;
  /** Records the run is done at. */
  total: number;
  /** Records left out before the measured window (JIT warm-up); default 1. */
  from?: number;
  progress: Progress;
}

export interface PipelineWindow extends ProgressWindow {
  connectdMetrics?: ConnectdDiagnostics;
}

/**
 * Starts the worker, watches progress (polled every 100 ms) until `total`, reads connectd's
 * diagnostics, stops the worker gracefully (a sink writes and commits what it holds) and returns
 * the measured window. Ground truth is the caller's: count the topic, or the file and the group.
 */
export async function runPipeline(opts: PipelineOptions): Promise<PipelineWindow> {
  const worker = await startWorker(opts);
  let stopped = false;
  try {
    const p = opts.progress;
    let read: () => Promise<number>;
    let close = async (): Promise<void> => undefined;
    if ('topic' in p) {
      const reader = await openWatermarkReader(opts.bootstrapServers, p.topic, p.partitions);
      read = () => reader.read();
      close = () => reader.close();
    } else {
      const lines = fileLines(p.file, p.lineBytes);
      const proc = worker.connectd;
      // connectd's file sink writes 1 MiB at a time (and the rest at the next commit): records put()
      // count as done, as Kafka's sink writes each line as it is put.
      read = proc === undefined ? lines : async () => Math.max(await lines(), await proc.metric('connectd_sink_record_send_total'));
    }
    let w: PipelineWindow;
    try {
      w = await measureProgress({
        pid: worker.pid,
        brokerPid: opts.brokerPid,
        total: opts.total,
        from: opts.from ?? 1,
        pollMs: 50,
        read,
        describe: async () => `log ${worker.logFile}:\n${await worker.logTail(20)}`,
      });
    } finally {
      await close();
    }
    if (worker.connectd !== undefined) w.connectdMetrics = await readDiagnostics(worker.connectd);
    await stopCleanly(opts.family, worker);
    stopped = true;
    return w;
  } finally {
    if (!stopped) await worker.kill();
  }
}

export interface IdleOptions {
  family: WorkerFamily;
  dir: string;
  bootstrapServers: string;
  brokerPid: number;
  worker: Record<string, string>;
  connectdWorker?: Record<string, string>;
  topic: string;
  partitions: number;
  connectors: number;
  /** After every connector's record is in the topic, wait this long, then measure this long. */
  settleMs: number;
  measureMs: number;
  /** connectd: extra node flags (--cpu-prof). */
  nodeArgs?: string[];
}

export interface IdleWindow extends CpuWindow {
  connectors: number;
  /** Records in the topic once all started: one line per connector's file. */
  records: number;
  rssMiB: number;
  threads: number;
  /** From the worker's start to every connector's line in the topic. */
  startupMs: number;
  /** From SIGTERM to the worker's exit, and whether it shut down cleanly (else it was SIGKILLed). */
  stopMs: number;
  stoppedCleanly: boolean;
}

/**
 * N idle file sources: each reads a file holding one line (so each task has started, read and
 * produced), then waits at the end of its file, as a caught-up connector does.
 */
export async function runIdle(opts: IdleOptions): Promise<IdleWindow> {
  const inputs = path.join(opts.dir, 'inputs');
  await mkdir(inputs, { recursive: true });
  const connectors: Record<string, string>[] = [];
  for (let i = 0; i < opts.connectors; i++) {
    const file = path.join(inputs, `idle-${i}.txt`);
    await writeFile(file, `idle connector ${i}\n`);
    connectors.push({ name: `idle-${i}`, 'connector.class': 'FileStreamSource', 'tasks.max': '1', file, topic: opts.topic });
  }
  const started = performance.now();
  const worker = await startWorker({
    family: opts.family,
    dir: opts.dir,
    bootstrapServers: opts.bootstrapServers,
    worker: opts.worker,
    connectdWorker: opts.connectdWorker,
    connectors,
    startTimeoutMs: 600000,
    ...(opts.nodeArgs === undefined ? {} : { nodeArgs: opts.nodeArgs }),
  });
  let stopped = false;
  try {
    const reader = await openWatermarkReader(opts.bootstrapServers, opts.topic, opts.partitions);
    let records = 0;
    try {
      const deadline = performance.now() + 600000;
      while ((records = await reader.read()) < opts.connectors) {
        if (performance.now() > deadline)
          throw new Error(
            `${opts.family}: only ${records} of ${opts.connectors} idle connectors produced their line in 10 min; log ${worker.logFile}:\n${await worker.logTail(20)}`,
          );
        await sleep(250);
      }
    } finally {
      await reader.close();
    }
    const startupMs = performance.now() - started;
    await sleep(opts.settleMs);
    const window = startCpuWindow(worker.pid, opts.brokerPid);
    await sleep(opts.measureMs);
    const w = window.end();
    const now = rssNow(worker.pid);
    const stopping = performance.now();
    const stoppedCleanly = await stopWorker(opts.family, worker);
    stopped = true;
    return {
      ...w,
      connectors: opts.connectors,
      records,
      rssMiB: now.rssMiB,
      threads: now.threads,
      startupMs,
      stopMs: performance.now() - stopping,
      stoppedCleanly,
    };
  } finally {
    if (!stopped) await worker.kill();
  }
}
