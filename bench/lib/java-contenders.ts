/**
 * Apache Kafka's own contenders, from the jars tools/bootstrap.sh resolves into
 * .cache/kafka-connect/<version>/libs (tools/kafka-connect/pom.xml, the broker's version):
 *
 * - Kafka Connect standalone (`org.apache.kafka.connect.cli.ConnectStandalone`) with the given
 *   worker and connector properties, a free REST port and its offsets file in the run's folder,
 *   started with connect-standalone.sh's heap (-Xms256M -Xmx2G) and Kafka's G1 settings;
 * - ProducerPerformance (`org.apache.kafka.tools.ProducerPerformance`, kafka-producer-perf-test.sh)
 *   with its script's heap (-Xmx512M).
 *
 * Every JVM runs under tools/tied-process.ts's wrapper: it dies with the harness, even by SIGKILL.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaVersion } from '../../tools/kafka/cluster.js';
import { KAFKA_JVM_PERFORMANCE_OPTS, log4j2Config } from '../../tools/kafka/jvm.js';
import { fixtureJvmArgs, spawnTied } from '../../tools/tied-process.js';
import { freePort, toProperties } from '../../tools/connectd-process.js';
import type { ConnectdProcessOptions } from '../../tools/connectd-process.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** .cache/kafka-connect/<version>/libs (throws, naming the fix, when tools/bootstrap.sh has not fetched them). */
export function kafkaConnectLibsDir(): string {
  const version = kafkaVersion();
  const libs = path.join(REPO, '.cache', 'kafka-connect', version, 'libs');
  if (!existsSync(path.join(libs, `connect-file-${version}.jar`))) {
    throw new Error(`Kafka Connect ${version} jars are missing from ${libs}: run \`bash tools/bootstrap.sh\` first`);
  }
  return libs;
}

/**
 * A JVM of ours: its pid, its exit, SIGTERM/SIGKILL to it, its log. Its wrapper is unref'd: a wait
 * for its exit must hold a timer of its own (stop() does), and a harness that fails does not hang.
 */
export class JavaProcess {
  readonly pid: number;
  readonly logFile: string;
  readonly exited: Promise<number | null>;
  #done = false;

  private constructor(pid: number, logFile: string, exited: Promise<number | null>) {
    this.pid = pid;
    this.logFile = logFile;
    this.exited = exited.then((code) => {
      this.#done = true;
      return code;
    });
  }

  /** Starts `java <jvmArgs> -cp <libs>/* <mainClass> <args>` with its output in `<dir>/<name>.log`. */
  static async start(
    name: string,
    dir: string,
    jvmArgs: readonly string[],
    mainClass: string,
    args: readonly string[],
  ): Promise<JavaProcess> {
    await mkdir(dir, { recursive: true });
    const logFile = path.join(dir, `${name}.log`);
    const log4j = path.join(dir, `${name}-log4j2.properties`);
    await writeFile(log4j, log4j2Config(path.join(dir, `${name}-server.log`)));
    const java = [
      'java',
      ...fixtureJvmArgs(),
      ...jvmArgs,
      ...KAFKA_JVM_PERFORMANCE_OPTS,
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${log4j}`,
      '-cp',
      `${kafkaConnectLibsDir()}/*`,
      mainClass,
      ...args,
    ];
    const { wrapper, pid } = spawnTied(name, logFile, '', java);
    const exited = new Promise<number | null>((resolve) => wrapper.once('exit', (code) => resolve(code)));
    return new JavaProcess(await pid, logFile, exited);
  }

  get running(): boolean {
    return !this.#done;
  }

  /**
   * SIGTERM (the JVM runs its shutdown hooks); after `timeoutMs` a SIGQUIT (the JVM prints every
   * thread's stack to its log: what the shutdown waits for) and SIGKILL 2 s later. The exit status
   * (143 = by SIGTERM, 137 = killed).
   */
  async stop(timeoutMs = 30000): Promise<number | null> {
    if (this.#done) return this.exited;
    signal(this.pid, 'SIGTERM');
    let kill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      signal(this.pid, 'SIGQUIT');
      kill = setTimeout(() => signal(this.pid, 'SIGKILL'), 2000);
    }, timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    clearTimeout(kill);
    return code;
  }

  /** From a thread dump in the log (see stop()): the stacks of the threads running shutdown hooks or Connect's stop. */
  async shutdownStacks(maxLines = 40): Promise<string> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    const threads = text.split(/\n(?=")/).filter((t) => /ShutdownHook|Connect\.stop|Herder\.stop|Worker\.stop/.test(t));
    return threads.join('\n').split('\n').slice(0, maxLines).join('\n');
  }

  async kill(): Promise<void> {
    if (this.#done) return;
    signal(this.pid, 'SIGKILL');
    await this.exited;
  }

  async logTail(lines = 30): Promise<string> {
    const read = (f: string): Promise<string> => readFile(f, 'utf8').catch(() => '');
    const text = `${await read(this.logFile)}${await read(this.logFile.replace(/\.log$/, '-server.log'))}`;
    return text.split('\n').slice(-lines).join('\n');
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone.
  }
}

/** A JVM exit after SIGTERM that means a clean shutdown. */
export function cleanJavaExit(code: number | null): boolean {
  return code === 0 || code === 143;
}

/** What connectd's runner takes (folder, broker, worker keys, connector configs), minus its node flags and port. */
export type KafkaConnectOptions = Pick<ConnectdProcessOptions, 'dir' | 'bootstrapServers' | 'worker' | 'connectors' | 'startTimeoutMs'>;

/** Apache Kafka Connect in standalone mode, the way connect-standalone.sh runs it. */
export class KafkaConnectProcess {
  readonly url: string;
  readonly offsetsFile: string;
  readonly java: JavaProcess;

  private constructor(java: JavaProcess, url: string, offsetsFile: string) {
    this.java = java;
    this.url = url;
    this.offsetsFile = offsetsFile;
  }

  get pid(): number {
    return this.java.pid;
  }
  get logFile(): string {
    return this.java.logFile;
  }

  static async start(opts: KafkaConnectOptions): Promise<KafkaConnectProcess> {
    await mkdir(opts.dir, { recursive: true });
    const port = await freePort();
    const offsetsFile = path.join(opts.dir, 'connect.offsets');
    const worker = {
      'bootstrap.servers': opts.bootstrapServers,
      'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'offset.storage.file.filename': offsetsFile,
      listeners: `http://127.0.0.1:${port}`,
      // Every plugin here (connect-file, connect-runtime's converters) has a ServiceLoader manifest:
      // Kafka's recommended setting then (KIP-898), which skips scanning the classpath by reflection
      // (seconds of start-up and a heap grown by the scan's garbage).
      'plugin.discovery': 'service_load',
      ...opts.worker,
    };
    const workerFile = path.join(opts.dir, 'connect-standalone.properties');
    await writeFile(workerFile, toProperties(worker));
    const files: string[] = [];
    for (const c of opts.connectors) {
      const file = path.join(opts.dir, `${c.name}.properties`);
      await writeFile(file, toProperties(c));
      files.push(file);
    }
    const java = await JavaProcess.start(
      'connect-standalone',
      opts.dir,
      ['-Xms256M', '-Xmx2G'],
      'org.apache.kafka.connect.cli.ConnectStandalone',
      [workerFile, ...files],
    );
    const proc = new KafkaConnectProcess(java, `http://127.0.0.1:${port}`, offsetsFile);
    const deadline = Date.now() + (opts.startTimeoutMs ?? 120000);
    const names = opts.connectors.map((c) => c.name ?? '');
    for (;;) {
      if (!java.running) throw new Error(`Kafka Connect exited during start-up; log ${java.logFile}:\n${await java.logTail()}`);
      const listed = await proc.get<string[]>('/connectors').catch(() => null);
      if (listed !== null && names.every((n) => listed.includes(n))) return proc;
      if (Date.now() > deadline) {
        await java.kill();
        throw new Error(`Kafka Connect did not list its connectors within the timeout; log ${java.logFile}:\n${await java.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async get<T>(urlPath: string): Promise<T> {
    const res = await fetch(this.url + urlPath);
    if (!res.ok) throw new Error(`GET ${urlPath}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  stop(timeoutMs = 60000): Promise<number | null> {
    return this.java.stop(timeoutMs);
  }
  shutdownStacks(): Promise<string> {
    return this.java.shutdownStacks();
  }
  kill(): Promise<void> {
    return this.java.kill();
  }
  logTail(lines = 30): Promise<string> {
    return this.java.logTail(lines);
  }
}

export interface ProducerPerformanceJob {
  dir: string;
  bootstrapServers: string;
  topic: string;
  records: number;
  recordSize: number;
  /** Records per second; -1: as fast as it can. */
  throughput: number;
  producerProps: Record<string, string | number | boolean>;
}

/** ProducerPerformance's own summary line ("N records sent, R records/sec (M MB/sec), … 99.9th."). */
export interface ProducerPerformanceReport {
  recordsPerSecond: number;
  avgLatencyMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/** Starts ProducerPerformance; it begins sending at once and exits when every record is acknowledged. */
export function startProducerPerformance(job: ProducerPerformanceJob): Promise<JavaProcess> {
  const props = Object.entries({ 'bootstrap.servers': job.bootstrapServers, ...job.producerProps }).map(([k, v]) => `${k}=${String(v)}`);
  const args = [
    '--topic',
    job.topic,
    '--num-records',
    String(job.records),
    '--record-size',
    String(job.recordSize),
    '--throughput',
    String(job.throughput),
    '--producer-props',
    ...props,
  ];
  return JavaProcess.start('producer-performance', job.dir, ['-Xmx512M'], 'org.apache.kafka.tools.ProducerPerformance', args);
}

/** Reads ProducerPerformance's final summary from its log, once it has exited. */
export async function producerPerformanceReport(proc: JavaProcess): Promise<ProducerPerformanceReport | undefined> {
  const text = await readFile(proc.logFile, 'utf8').catch(() => '');
  const m =
    /(\d+) records sent, ([\d.]+) records\/sec \([\d.]+ MB\/sec\), ([\d.]+) ms avg latency, [\d.]+ ms max latency, (\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/.exec(
      text,
    );
  if (m === null) return undefined;
  return {
    recordsPerSecond: Math.round(Number(m[2])),
    avgLatencyMs: Number(m[3]),
    p50Ms: Number(m[4]),
    p99Ms: Number(m[5]),
    p999Ms: Number(m[6]),
  };
}

/**
 * The settings a Kafka client of Kafka Connect's ran with, from the first "<Client>Config values:"
 * block in its log (e.g. 'ProducerConfig'): what "Kafka Connect's defaults" were in a run.
 */
export async function loggedClientSettings(
  dir: string,
  client: 'ProducerConfig' | 'ConsumerConfig',
  keys: readonly string[],
): Promise<Record<string, string>> {
  const text = await readFile(path.join(dir, 'connect-standalone-server.log'), 'utf8').catch(() => '');
  const start = text.indexOf(`${client} values:`);
  const out: Record<string, string> = {};
  if (start < 0) return out;
  for (const line of text.slice(start).split('\n').slice(1)) {
    const m = /^\t([\w.]+) = (.*)$/.exec(line);
    if (m === null) break;
    if (keys.includes(m[1]!)) out[m[1]!] = m[2]!;
  }
  return out;
}
