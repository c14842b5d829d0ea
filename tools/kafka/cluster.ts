// A real Apache Kafka cluster (KRaft, combined broker+controller nodes) for tests, the demo and
// benchmarks. The broker runs from the jars that tools/bootstrap.sh caches in
// .cache/kafka/<version>/libs; everything binds 127.0.0.1 on ports the OS hands out.
//
// Every JVM is started through a small bash wrapper that SIGKILLs it as soon as this Node process
// goes away (the wrapper's stdin is a pipe from us: EOF means we died, even by SIGKILL), so a
// crashed or killed test never leaves brokers behind. Signals from the fixture (SIGSTOP, SIGCONT,
// SIGTERM, SIGKILL) go to the JVM's own pid, which the wrapper reports first thing.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafka from '@confluentinc/kafka-javascript';
import type { LibrdKafkaError, Metadata, NewTopic, Producer as ProducerT, TopicDescription } from '@confluentinc/kafka-javascript';
import { KAFKA_JVM_PERFORMANCE_OPTS, log4j2Config } from './jvm.js';
import { fixtureJvmArgs, spawnTied } from '../tied-process.js';
import { freePorts } from '../free-port.js';

const { Producer, AdminClient } = kafka;

export interface KafkaClusterOptions {
  brokers?: 1 | 3;
  /** Default: a fresh mkdtemp under os.tmpdir(). */
  dataDir?: string;
  /** Extra/overriding broker properties, applied to every node. */
  serverProperties?: Record<string, string>;
  /** JVM heap per node. Default 512 for one node, 384 each for three. */
  heapMb?: number;
  /** For start() and startNode(). Default 90 000. */
  startTimeoutMs?: number;
  /**
   * Extra JVM options for every node, after the fixture's own (so they win). Naming a collector
   * (-XX:+UseSerialGC...) drops the fixture's G1 settings. 3-node clusters run C1 only
   * (-XX:TieredStopAtLevel=1, faster start); '-XX:TieredStopAtLevel=4' restores the full JIT.
   */
  jvmArgs?: string[];
}

export interface KafkaNode {
  nodeId: number;
  /** PLAINTEXT (client) port on 127.0.0.1. */
  port: number;
  controllerPort: number;
  /** Kafka's log.dirs (the partition data). server.log and stdout.log are in its parent, `dir`. */
  logDir: string;
  /** The node's own folder: server.properties, log4j2.properties, server.log, stdout.log. */
  dir: string;
  /** The JVM's pid while it runs. */
  pid: number | undefined;
  running: boolean;
  /** True between pauseNode() and resumeNode(). */
  paused: boolean;
}

const PROBE_TOPIC = 'connectd-fixture-probe';
const TMP_PREFIX = 'connectd-kafka-';
const ERR_TOPIC_ALREADY_EXISTS = 36;

// ---------------------------------------------------------------------------------------------
// Locating the jars

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'tools', 'kafka', 'pom.xml'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`connectd repo root (with tools/kafka/pom.xml) not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The Kafka version pinned in tools/kafka/pom.xml (`<kafka.version>`). */
export function kafkaVersion(): string {
  const pom = readFileSync(join(repoRoot(), 'tools', 'kafka', 'pom.xml'), 'utf8');
  const m = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pom);
  if (!m?.[1]) throw new Error('tools/kafka/pom.xml has no <kafka.version>');
  return m[1];
}

/** .cache/kafka/<version>/libs, with the broker jars in it (throws if they are missing). */
export function kafkaLibsDir(): string {
  const version = kafkaVersion();
  const libs = join(repoRoot(), '.cache', 'kafka', version, 'libs');
  if (!existsSync(join(libs, `kafka_2.13-${version}.jar`))) {
    throw new Error(`Kafka ${version} jars are missing from ${libs}: run \`bash tools/bootstrap.sh\` (or \`npm test\`) first`);
  }
  return libs;
}

/**
 * The broker's class-data-sharing archive (tools/kafka/cds.ts, made once by tools/bootstrap.sh):
 * the classes a broker loads as it boots, pre-parsed. Measured on the 2-core machine, a broker
 * boots on 3.2 s of CPU with it instead of 5.8 s, and the suite starts a broker in almost every
 * integration test file. Absent or made by another JVM, the JVM just loads classes as usual.
 */
export function kafkaCdsArchive(): string {
  return join(repoRoot(), '.cache', 'kafka', kafkaVersion(), 'broker.jsa');
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Kafka's cluster id format: 16 random bytes, base64url without padding, not starting with '-'. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function tail(file: string, lines: number): string {
  try {
    const all = readFileSync(file, 'utf8').split('\n');
    if (all.at(-1) === '') all.pop();
    return all.slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** The first ERROR/FATAL records of a log4j file, each with the line after it when that is not
 * a new record (the exception's message). The shutdown that follows a startup failure pushes
 * the cause out of the last lines. */
function errorLines(file: string, max: number): string {
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return '';
  }
  const out: string[] = [];
  for (let i = 0; i < lines.length && out.length < max; i++) {
    const l = lines[i]!;
    if (!/^\[[^\]]+\] (ERROR|FATAL) /.test(l)) continue;
    out.push(l);
    const next = lines[i + 1];
    if (next && !next.startsWith('[')) out.push(next);
  }
  return out.join('\n');
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Deletes temporary data dirs left by test processes that died before their wrappers could
 * (e.g. killed while a cluster was still starting): those whose `owner` pid is gone, or that have
 * no owner file, and that nobody touched for a minute.
 */
function sweepStaleDataDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(TMP_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(tmpdir(), name);
    try {
      if (Date.now() - statSync(dir).mtimeMs < 60_000) continue;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(dir, 'owner'), 'utf8').trim());
      } catch {
        /* no owner file */
      }
      if (Number.isInteger(owner) && owner > 0 && pidAlive(owner)) continue;
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      /* someone else's, or gone meanwhile */
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------
// Process-wide cleanup: whatever happens to the test, no broker survives this process.

const liveClusters = new Set<KafkaCluster>();
let exitHandlerInstalled = false;

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    for (const c of liveClusters) c.killAllSync();
  });
}

interface NodeState extends KafkaNode {
  wrapper: ChildProcess | undefined;
  exited: Promise<void> | undefined;
  /** True while we want it up: an exit then is a crash. */
  expected: boolean;
  exitInfo: string | undefined;
}

// ---------------------------------------------------------------------------------------------

export class KafkaCluster {
  readonly bootstrapServers: string;
  readonly nodes: readonly KafkaNode[];
  readonly kafkaVersion: string;
  readonly dataDir: string;

  readonly #nodes: NodeState[];
  readonly #libs: string;
  readonly #heapMb: number;
  readonly #startTimeoutMs: number;
  readonly #jvmArgs: readonly string[];
  readonly #ownsDataDir: boolean;
  #stopped = false;

  private constructor(
    libs: string,
    version: string,
    dataDir: string,
    ownsDataDir: boolean,
    nodes: NodeState[],
    heapMb: number,
    startTimeoutMs: number,
    jvmArgs: readonly string[],
  ) {
    this.#jvmArgs = jvmArgs;
    this.#libs = libs;
    this.kafkaVersion = version;
    this.dataDir = dataDir;
    this.#ownsDataDir = ownsDataDir;
    this.#nodes = nodes;
    this.nodes = nodes;
    this.#heapMb = heapMb;
    this.#startTimeoutMs = startTimeoutMs;
    this.bootstrapServers = nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  static async start(opts: KafkaClusterOptions = {}): Promise<KafkaCluster> {
    // A port the OS called free can be taken by someone else before the JVM binds it: retry then.
    for (let attempt = 1; ; attempt++) {
      try {
        return await KafkaCluster.#startOnce(opts);
      } catch (e) {
        if (attempt < 3 && /BindException|Address already in use/.test(errText(e))) continue;
        throw e;
      }
    }
  }

  static async #startOnce(opts: KafkaClusterOptions): Promise<KafkaCluster> {
    const libs = kafkaLibsDir();
    const version = kafkaVersion();
    const brokers = opts.brokers ?? 1;
    if (brokers !== 1 && brokers !== 3) throw new Error(`brokers must be 1 or 3, got ${String(brokers)}`);
    const heapMb = opts.heapMb ?? (brokers === 1 ? 512 : 384);
    const startTimeoutMs = opts.startTimeoutMs ?? 90_000;

    let dataDir: string;
    let owns: boolean;
    if (opts.dataDir === undefined) {
      sweepStaleDataDirs();
      dataDir = mkdtempSync(join(tmpdir(), TMP_PREFIX));
      writeFileSync(join(dataDir, 'owner'), `${process.pid}\n`);
      owns = true;
    } else {
      dataDir = resolve(opts.dataDir);
      mkdirSync(dataDir, { recursive: true });
      owns = false;
    }

    const ports = await freePorts(brokers * 2);
    const nodes: NodeState[] = [];
    for (let i = 0; i < brokers; i++) {
      const dir = join(dataDir, `node-${i + 1}`);
      if (existsSync(dir)) throw new Error(`${dir} already exists: give KafkaCluster.start() an empty dataDir`);
      nodes.push({
        nodeId: i + 1,
        port: ports[2 * i]!,
        controllerPort: ports[2 * i + 1]!,
        dir,
        logDir: join(dir, 'data'),
        pid: undefined,
        running: false,
        paused: false,
        wrapper: undefined,
        exited: undefined,
        expected: false,
        exitInfo: undefined,
      });
    }

    const cluster = new KafkaCluster(libs, version, dataDir, owns, nodes, heapMb, startTimeoutMs, [
      ...fixtureJvmArgs(),
      ...(opts.jvmArgs ?? []),
    ]);
    installExitHandler();
    liveClusters.add(cluster);
    try {
      const voters = nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
      const rf = Math.min(brokers, 3);
      const minIsr = brokers === 3 ? 2 : 1;
      for (const n of nodes) {
        mkdirSync(n.dir, { recursive: true });
        const props: Record<string, string> = {
          'process.roles': 'broker,controller',
          'node.id': String(n.nodeId),
          'controller.quorum.voters': voters,
          listeners: `PLAINTEXT://127.0.0.1:${n.port},CONTROLLER://127.0.0.1:${n.controllerPort}`,
          'advertised.listeners': `PLAINTEXT://127.0.0.1:${n.port}`,
          'controller.listener.names': 'CONTROLLER',
          'inter.broker.listener.name': 'PLAINTEXT',
          'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
          'log.dirs': n.logDir,
          'num.partitions': '1',
          'default.replication.factor': String(rf),
          'min.insync.replicas': String(minIsr),
          'offsets.topic.replication.factor': String(rf),
          'offsets.topic.num.partitions': '10',
          'transaction.state.log.replication.factor': String(rf),
          'transaction.state.log.min.isr': String(minIsr),
          'transaction.state.log.num.partitions': '10',
          'share.coordinator.state.topic.replication.factor': String(rf),
          'share.coordinator.state.topic.min.isr': String(minIsr),
          'group.initial.rebalance.delay.ms': '0',
          'auto.create.topics.enable': 'true',
          // Notice a dead (SIGKILLed/SIGSTOPped) node within seconds rather than 9 s / 30 s.
          'broker.heartbeat.interval.ms': '1000',
          'broker.session.timeout.ms': '6000',
          'replica.lag.time.max.ms': '10000',
          ...opts.serverProperties,
        };
        writeFileSync(
          join(n.dir, 'server.properties'),
          Object.entries(props)
            .map(([k, v]) => `${k}=${v}\n`)
            .join(''),
        );
        writeFileSync(join(n.dir, 'log4j2.properties'), log4j2Config(join(n.dir, 'server.log')));
      }
      const clusterId = newClusterId();
      await Promise.all(nodes.map((n) => cluster.#format(n, clusterId)));
      for (const n of nodes) await cluster.#spawn(n);
      await cluster.waitUntilReady(startTimeoutMs);
      return cluster;
    } catch (e) {
      await cluster.stop().catch(() => undefined);
      throw e;
    }
  }

  // -------------------------------------------------------------------------------------------

  async createTopic(
    name: string,
    opts: { partitions?: number; replicationFactor?: number; configs?: Record<string, string> } = {},
  ): Promise<void> {
    const partitions = opts.partitions ?? 1;
    const rf = opts.replicationFactor ?? Math.min(this.#nodes.length, 3);
    const admin = AdminClient.create({ 'bootstrap.servers': this.#runningBootstrap(), log_level: 0 });
    try {
      await new Promise<void>((res, rej) => {
        const topic: NewTopic = { topic: name, num_partitions: partitions, replication_factor: rf };
        if (opts.configs) topic.config = opts.configs;
        admin.createTopic(topic, 30_000, (err) => (err ? rej(new Error(`createTopic ${name}: ${err.message}`)) : res()));
      });
      const deadline = Date.now() + 30_000;
      for (;;) {
        const d = await describeTopic(admin, name).catch(() => undefined);
        if (d && !d.error && d.partitions.length === partitions && d.partitions.every((p) => p.leader !== null && p.leader.id >= 0)) return;
        if (Date.now() > deadline) throw new Error(`createTopic ${name}: leaders not known after 30 s`);
        await sleep(100);
      }
    } finally {
      admin.disconnect();
    }
  }

  /** A consumer group's committed offsets for a topic's partitions (partition → offset; absent when none). */
  async committedOffsets(groupId: string, topic: string, partitions?: number): Promise<Map<number, number>> {
    const admin = AdminClient.create({ 'bootstrap.servers': this.#runningBootstrap(), log_level: 0 });
    let count: number;
    try {
      count = partitions ?? (await describeTopic(admin, topic))?.partitions.length ?? 1;
    } finally {
      admin.disconnect();
    }
    const consumer = new kafka.KafkaConsumer(
      { 'bootstrap.servers': this.#runningBootstrap(), 'group.id': groupId, 'enable.auto.commit': false, log_level: 0 },
      {},
    );
    await new Promise<void>((res, rej) => consumer.connect({ timeout: 30_000 }, (err) => (err ? rej(new Error(err.message)) : res())));
    try {
      const tps = Array.from({ length: count }, (_, partition) => ({ topic, partition }));
      const committed = await new Promise<{ partition: number; offset?: number }[]>((res, rej) =>
        consumer.committed(tps, 10_000, (err, result) => (err ? rej(new Error(err.message)) : res(result))),
      );
      const out = new Map<number, number>();
      for (const c of committed) if (c.offset !== undefined && c.offset >= 0) out.set(c.partition, c.offset);
      return out;
    } finally {
      await new Promise<void>((res) => consumer.disconnect(() => res()));
    }
  }

  async killNode(nodeId: number): Promise<void> {
    const n = this.#node(nodeId);
    n.expected = false;
    if (n.pid !== undefined && n.running) {
      try {
        process.kill(n.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await exitOf(n, 30_000);
  }

  async stopNode(nodeId: number, timeoutMs = 30_000): Promise<void> {
    const n = this.#node(nodeId);
    n.expected = false;
    if (n.pid === undefined || !n.running) return;
    const pid = n.pid;
    try {
      process.kill(pid, 'SIGTERM');
      if (n.paused) process.kill(pid, 'SIGCONT');
    } catch {
      /* already gone */
    }
    if (!(await exitOf(n, timeoutMs))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      await exitOf(n, 30_000);
    }
  }

  async startNode(nodeId: number): Promise<void> {
    const n = this.#node(nodeId);
    if (this.#stopped) throw new Error('cluster is stopped');
    if (n.running) throw new Error(`node ${nodeId} is already running`);
    await this.#spawn(n);
    await this.waitUntilReady(this.#startTimeoutMs);
  }

  pauseNode(nodeId: number): void {
    const n = this.#node(nodeId);
    if (n.pid === undefined || !n.running) throw new Error(`node ${nodeId} is not running`);
    process.kill(n.pid, 'SIGSTOP');
    n.paused = true;
  }

  resumeNode(nodeId: number): void {
    const n = this.#node(nodeId);
    if (n.pid === undefined || !n.running) throw new Error(`node ${nodeId} is not running`);
    process.kill(n.pid, 'SIGCONT');
    n.paused = false;
  }

  /**
   * Resolves when every running, unpaused node is registered with the cluster and a record
   * produced with acks=all to a probe topic (replicated on min(nodes,3) nodes) is acknowledged;
   * with several nodes also when the probe partition's ISR holds every such node again (so a
   * restarted node has caught up). Fails early, with the node's log, if a node dies meanwhile.
   */
  async waitUntilReady(timeoutMs = this.#startTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no attempt yet';
    for (;;) {
      this.#throwIfCrashed();
      const want = this.#nodes.filter((n) => n.running && !n.paused).map((n) => n.nodeId);
      if (want.length === 0) throw new Error('waitUntilReady: no node is running');
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        await this.#probe(want, Math.min(left, 10_000));
        return;
      } catch (e) {
        last = errText(e);
      }
      this.#throwIfCrashed();
      await sleep(Math.min(250, Math.max(0, deadline - Date.now())));
    }
    throw new Error(`Kafka cluster not ready after ${timeoutMs} ms (last: ${last})\n${this.#logTails()}`);
  }

  async stop(opts: { keepData?: boolean } = {}): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      if (opts.keepData) {
        // Graceful, so the logs are clean for whoever reads the data next. With several nodes,
        // the last ones lose the controller quorum and never finish their controlled shutdown:
        // they get SIGKILL after 10 s (the others take ~3 s); Kafka recovers their logs on start.
        await Promise.all(this.#nodes.map((n) => this.stopNode(n.nodeId, this.#nodes.length > 1 ? 10_000 : 30_000)));
      } else {
        await Promise.all(this.#nodes.map((n) => this.killNode(n.nodeId)));
      }
      liveClusters.delete(this);
      if (!opts.keepData) this.#removeData();
    }
  }

  /** Synchronous last resort, for process 'exit'. */
  killAllSync(): void {
    for (const n of this.#nodes) {
      n.expected = false;
      if (n.pid !== undefined && n.running) {
        try {
          process.kill(n.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    if (this.#ownsDataDir) {
      try {
        rmSync(this.dataDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        /* best effort */
      }
    }
  }

  // -------------------------------------------------------------------------------------------

  #node(nodeId: number): NodeState {
    const n = this.#nodes.find((x) => x.nodeId === nodeId);
    if (!n) throw new Error(`no node ${nodeId} (nodes: ${this.#nodes.map((x) => x.nodeId).join(', ')})`);
    return n;
  }

  #runningBootstrap(): string {
    const up = this.#nodes.filter((n) => n.running && !n.paused);
    return (up.length > 0 ? up : this.#nodes).map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  #removeData(): void {
    if (this.#ownsDataDir) {
      rmSync(this.dataDir, { recursive: true, force: true, maxRetries: 5 });
      return;
    }
    for (const n of this.#nodes) rmSync(n.dir, { recursive: true, force: true, maxRetries: 5 });
    try {
      if (readdirSync(this.dataDir).length === 0) rmdirSync(this.dataDir);
    } catch {
      /* leave it */
    }
  }

  /** Use the CDS archive, unless it is missing or these very JVMs are the ones that make one. */
  #cdsArgs(): string[] {
    if (
      this.#jvmArgs.some(
        (a) => a.startsWith('-XX:ArchiveClassesAtExit') || a.startsWith('-XX:SharedArchiveFile') || a.startsWith('-Xshare'),
      )
    )
      return [];
    const archive = kafkaCdsArchive();
    // -Xlog:cds=off: an archive of another JDK build is skipped with a warning we need not read.
    return existsSync(archive) ? [`-XX:SharedArchiveFile=${archive}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off'] : [];
  }

  #javaArgs(n: NodeState): string[] {
    // Kafka's own (kafka-server-start.sh) G1 settings, unless jvmArgs picks another collector.
    const gc = this.#jvmArgs.some((a) => /^-XX:\+Use\w+GC$/.test(a)) ? [] : KAFKA_JVM_PERFORMANCE_OPTS;
    return [
      `-Xms${this.#heapMb}m`,
      `-Xmx${this.#heapMb}m`,
      ...gc,
      '-XX:+ExitOnOutOfMemoryError',
      '-XX:-UsePerfData',
      // Three JVMs booting on two cores: C1 only starts them in ~5 s instead of ~8 s. Not for a
      // single node, which benchmarks use (pass jvmArgs ['-XX:TieredStopAtLevel=4'] to undo).
      ...(this.#nodes.length > 1 ? ['-XX:TieredStopAtLevel=1'] : []),
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(n.dir, 'log4j2.properties')}`,
      ...this.#cdsArgs(),
      ...this.#jvmArgs,
      '-cp',
      `${this.#libs}/*`,
    ];
  }

  async #format(n: NodeState, clusterId: string): Promise<void> {
    const out = join(n.dir, 'stdout.log');
    const args = [
      ...this.#javaArgs(n).filter((a) => !a.startsWith('-Xm')),
      '-Xmx256m',
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      join(n.dir, 'server.properties'),
    ];
    // Tied as the broker is: a harness killed while it formats leaves no JVM behind.
    const { wrapper } = spawnTied('kafka-format', out, '', ['java', ...args]);
    // The wrapper is unref'd once started: this timer keeps us alive until it exits.
    const keepAlive = setInterval(() => undefined, 1000);
    const code = await new Promise<number | null>((res, rej) => {
      wrapper.once('error', rej);
      wrapper.once('exit', (c) => res(c));
    }).finally(() => clearInterval(keepAlive));
    if (code !== 0) {
      throw new Error(`formatting ${n.logDir} failed (exit ${String(code)}):\n${tail(out, 40)}\n${tail(join(n.dir, 'server.log'), 40)}`);
    }
  }

  async #spawn(n: NodeState): Promise<void> {
    const out = join(n.dir, 'stdout.log');
    // The JVM dies with this process, even by SIGKILL (tools/tied-process.ts).
    const { wrapper: child, pid: started } = spawnTied('kafka-node', out, this.#ownsDataDir ? n.dir : '', [
      'java',
      ...this.#javaArgs(n),
      'kafka.Kafka',
      join(n.dir, 'server.properties'),
    ]);
    n.wrapper = child;
    n.exitInfo = undefined;
    n.exited = new Promise<void>((res) => {
      child.once('exit', (code, signal) => {
        const wasExpected = n.expected;
        n.running = false;
        n.paused = false;
        n.pid = undefined;
        n.wrapper = undefined;
        child.stdin?.destroy();
        if (wasExpected) n.exitInfo = `node ${n.nodeId} exited unexpectedly (${signal ?? `status ${String(code)}`})`;
        n.expected = false;
        res();
      });
    });
    const pid = await started.catch((e: unknown) => {
      throw new Error(`node ${n.nodeId}: ${errText(e)}\n${tail(out, 40)}`);
    });
    n.pid = pid;
    n.running = true;
    n.paused = false;
    n.expected = true;
    // The wrapper is unref'd (spawnTied): stop()/the exit handler and its stdin watch end the
    // broker, and waits on it always hold a timer of their own.
  }

  #throwIfCrashed(): void {
    const dead = this.#nodes.find((n) => n.exitInfo !== undefined);
    if (dead) {
      const info = dead.exitInfo!;
      dead.exitInfo = undefined;
      throw new Error(`${info}\n${this.#logTail(dead)}`);
    }
  }

  #logTail(n: NodeState): string {
    const log = join(n.dir, 'server.log');
    const errors = errorLines(log, 12);
    const so = tail(join(n.dir, 'stdout.log'), 20);
    return (
      (errors ? `--- node ${n.nodeId} ${log}: first ERROR/FATAL lines ---\n${errors}\n` : '') +
      `--- node ${n.nodeId} ${log} (last 40 lines) ---\n${tail(log, 40)}` +
      (so ? `\n--- node ${n.nodeId} stdout.log (last 20 lines) ---\n${so}` : '')
    );
  }

  #logTails(): string {
    return this.#nodes.map((n) => this.#logTail(n)).join('\n');
  }

  /** One readiness attempt; throws with the reason if not ready. */
  async #probe(want: number[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const rf = Math.min(this.#nodes.length, 3);
    const producer = new Producer({
      'bootstrap.servers': this.#runningBootstrap(),
      acks: -1, // all
      dr_cb: true,
      'message.timeout.ms': Math.max(1000, timeoutMs - 500),
      'reconnect.backoff.ms': 50,
      'reconnect.backoff.max.ms': 500,
      'socket.connection.setup.timeout.ms': 3000,
      log_level: 0,
    });
    try {
      await new Promise<void>((res, rej) =>
        producer.connect({ timeout: Math.max(500, deadline - Date.now()) }, (err) =>
          err ? rej(new Error(`connect: ${err.message}`)) : res(),
        ),
      );
      const md0 = await metadata(producer, undefined, deadline);
      const have = new Set(md0.brokers.map((b) => b.id));
      const missing = want.filter((id) => !have.has(id));
      if (missing.length > 0) throw new Error(`node(s) ${missing.join(', ')} not registered yet (brokers: ${[...have].join(', ')})`);

      const admin = AdminClient.createFrom(producer);
      await new Promise<void>((res, rej) =>
        admin.createTopic(
          { topic: PROBE_TOPIC, num_partitions: 1, replication_factor: rf, config: { 'min.insync.replicas': String(Math.min(rf, 2)) } },
          Math.max(500, deadline - Date.now()),
          (err) => (err && err.code !== ERR_TOPIC_ALREADY_EXISTS ? rej(new Error(`create probe topic: ${err.message}`)) : res()),
        ),
      );

      await new Promise<void>((res, rej) => {
        const timer = setTimeout(() => rej(new Error('probe produce not acknowledged in time')), Math.max(500, deadline - Date.now()));
        producer.on('delivery-report', (err: LibrdKafkaError | null) => {
          clearTimeout(timer);
          if (err) rej(new Error(`probe produce: ${err.message}`));
          else res();
        });
        producer.setPollInterval(20);
        try {
          producer.produce(PROBE_TOPIC, null, Buffer.from('probe'), null, Date.now());
        } catch (e) {
          clearTimeout(timer);
          rej(e instanceof Error ? e : new Error(String(e)));
        }
      });

      if (this.#nodes.length > 1) {
        const md = await metadata(producer, PROBE_TOPIC, deadline);
        const part = md.topics.find((t) => t.name === PROBE_TOPIC)?.partitions[0];
        const isr = new Set(part?.isrs ?? []);
        const notIn = want.filter((id) => !isr.has(id) && (part?.replicas ?? []).includes(id));
        if (notIn.length > 0) throw new Error(`node(s) ${notIn.join(', ')} not in the probe partition's ISR yet`);
      }
    } finally {
      // Producer.disconnect() throws on a producer that is not connected (a failed connect).
      if (producer.isConnected()) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, 5000);
          try {
            producer.disconnect(2000, () => {
              clearTimeout(t);
              r();
            });
          } catch {
            clearTimeout(t);
            r();
          }
        });
      }
    }
  }
}

/**
 * Waits for the node's wrapper to exit; false on timeout. The timer also keeps the event loop
 * alive meanwhile: the child itself is unref'd.
 */
async function exitOf(n: NodeState, timeoutMs: number): Promise<boolean> {
  if (!n.exited || !n.running) return true;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      n.exited.then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function metadata(p: ProducerT, topic: string | undefined, deadline: number): Promise<Metadata> {
  return new Promise((res, rej) => {
    const o =
      topic === undefined ? { timeout: Math.max(500, deadline - Date.now()) } : { topic, timeout: Math.max(500, deadline - Date.now()) };
    p.getMetadata(o, (err: LibrdKafkaError | null, md: Metadata) => (err ? rej(new Error(`metadata: ${err.message}`)) : res(md)));
  });
}

function describeTopic(admin: ReturnType<typeof AdminClient.create>, name: string): Promise<TopicDescription | undefined> {
  return new Promise((res, rej) =>
    admin.describeTopics([name], { timeout: 5000 }, (err, result) => (err ? rej(new Error(err.message)) : res(result[0]))),
  );
}
