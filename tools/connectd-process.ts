/**
 * Runs the real connectd daemon (`dist/src/main-thread/cli/main.js standalone|distributed …`) as a child process, for the
 * demo, the tests and the benchmarks: write the configs, start, wait for REST, read status and
 * metrics, stop with SIGTERM or kill with SIGKILL.
 *
 * The daemon never outlives the process that started it: it runs under tools/tied-process.ts's
 * wrapper, which SIGKILLs it when we are gone, even by SIGKILL (a test file killed by tap's timeout,
 * a benchmark stopped with kill -9).
 */
import { execFile } from 'node:child_process';
import { appendFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTied } from './tied-process.js';

const MAIN = fileURLToPath(new URL('../src/main-thread/cli/main.js', import.meta.url));

export interface ConnectdProcessOptions {
  /** Directory for configs, offsets file and log; created if missing. */
  dir: string;
  bootstrapServers: string;
  /** Extra or overriding worker keys. */
  worker?: Record<string, string>;
  connectors: Record<string, string>[];
  /** REST port; default: a free one. */
  port?: number;
  /** `distributed`: a cluster worker (give group.id and the storage topics in `worker`; no connector files). */
  mode?: 'standalone' | 'distributed';
  startTimeoutMs?: number;
  /**
   * When start() returns: `connectors` (default) once GET /connectors answers and lists `connectors`;
   * `listening` as soon as the REST port accepts connections, before the worker may be ready (to
   * test what the API answers while a worker starts).
   */
  readyWhen?: 'connectors' | 'listening';
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=…'] for profiling. */
  nodeArgs?: string[];
  /**
   * A command that runs node, e.g. ['strace', '-f', '-o', file, '--'] or an `unshare …` that sets a
   * namespace up first: the daemon's pid is then that of the node process below it.
   */
  wrap?: string[];
}

export interface TaskStatus {
  id: number;
  state: string;
  worker_id: string;
  trace?: string;
}
export interface ConnectorStatus {
  name: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: TaskStatus[];
  type?: 'source' | 'sink';
}

import { freePort } from './free-port.js';

export { freePort };

export function toProperties(props: Record<string, string>): string {
  return (
    Object.entries(props)
      .map(([k, v]) => `${k}=${v.replaceAll('\\', '\\\\')}`)
      .join('\n') + '\n'
  );
}

/** Whether a TCP connection to 127.0.0.1:port is accepted (and then closed at once). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The first process named node below `pid` (breadth first), once it is there. */
async function nodeBelow(pid: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const queue = [pid];
    while (queue.length > 0) {
      const p = queue.shift()!;
      const comm = await readFile(`/proc/${p}/comm`, 'utf8').catch(() => '');
      if (p !== pid && comm.trim() === 'node') return p;
      const tasks = await readdir(`/proc/${p}/task`).catch(() => [] as string[]);
      for (const task of tasks) {
        const children = await readFile(`/proc/${p}/task/${task}/children`, 'utf8').catch(() => '');
        for (const child of children.trim().split(/\s+/)) if (child !== '') queue.push(Number(child));
      }
    }
    if (Date.now() > deadline) throw new Error(`no node process below pid ${pid} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class ConnectdProcess {
  readonly url: string;
  readonly dir: string;
  readonly offsetsFile: string;
  readonly logFile: string;
  /** The daemon's own pid (not its wrapper's): signals go there, and /proc/<pid> is connectd's. */
  readonly pid: number;
  readonly #exit: Promise<number | null>;
  #exited = false;

  private constructor(pid: number, exit: Promise<number | null>, url: string, dir: string, offsetsFile: string, logFile: string) {
    this.pid = pid;
    this.url = url;
    this.dir = dir;
    this.offsetsFile = offsetsFile;
    this.logFile = logFile;
    this.#exit = exit.then((code) => {
      this.#exited = true;
      return code;
    });
  }

  static async start(opts: ConnectdProcessOptions): Promise<ConnectdProcess> {
    await mkdir(opts.dir, { recursive: true });
    const port = opts.port ?? (await freePort());
    const offsetsFile = path.join(opts.dir, 'offsets.json');
    const worker = {
      'bootstrap.servers': opts.bootstrapServers,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      ...(opts.mode === 'distributed' ? {} : { 'offset.storage.file.filename': offsetsFile }),
      'offset.flush.interval.ms': '1000',
      listeners: `http://127.0.0.1:${port}`,
      ...opts.worker,
    };
    const workerFile = path.join(opts.dir, 'worker.properties');
    await writeFile(workerFile, toProperties(worker));
    const connectorFiles: string[] = [];
    for (const connector of opts.connectors) {
      const file = path.join(opts.dir, `${connector.name ?? 'connector'}.properties`);
      await writeFile(file, toProperties(connector));
      connectorFiles.push(file);
    }
    const logFile = path.join(opts.dir, 'connectd.log');
    const { wrapper, pid } = spawnTied('connectd', logFile, '', [
      ...(opts.wrap ?? []),
      process.execPath,
      '--enable-source-maps',
      ...(opts.nodeArgs ?? []),
      MAIN,
      opts.mode ?? 'standalone',
      workerFile,
      ...connectorFiles,
    ]);
    // The wrapper exits with the daemon's status, 128 + N when signal N ended it (null here, as a
    // ChildProcess killed by a signal says).
    const exit = new Promise<number | null>((resolve) =>
      wrapper.once('exit', (code) => resolve(code === null || code > 128 ? null : code)),
    );
    const daemonPid = opts.wrap === undefined || opts.wrap.length === 0 ? await pid : await nodeBelow(await pid, 10000);
    const proc = new ConnectdProcess(daemonPid, exit, `http://127.0.0.1:${port}`, opts.dir, offsetsFile, logFile);
    const deadline = Date.now() + (opts.startTimeoutMs ?? 90000);
    let exited = false;
    void proc.#exit.then(() => (exited = true));
    for (;;) {
      if (exited) throw new Error(`connectd exited during start-up; log ${logFile}:\n${await proc.logTail()}`);
      if (opts.readyWhen === 'listening') {
        if (await accepts(port)) return proc;
      } else {
        const names = await proc.get<string[]>('/connectors').catch(() => null);
        if (names !== null && opts.connectors.every((c) => names.includes(c.name ?? ''))) return proc;
      }
      if (Date.now() > deadline) {
        await proc.kill();
        throw new Error(`connectd did not start within the timeout; log ${logFile}:\n${await proc.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, opts.readyWhen === 'listening' ? 10 : 100));
    }
  }

  async get<T>(urlPath: string): Promise<T> {
    const res = await fetch(this.url + urlPath);
    if (!res.ok) throw new Error(`GET ${urlPath}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Any REST call; the body parsed as JSON when there is one. */
  async request(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(this.url + urlPath, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  status(connector: string): Promise<ConnectorStatus> {
    return this.get<ConnectorStatus>(`/connectors/${encodeURIComponent(connector)}/status`);
  }

  /** Sum of a Prometheus counter over all its label sets, optionally filtered by a label substring. */
  async metric(name: string, labelFilter = ''): Promise<number> {
    const res = await fetch(`${this.url}/metrics`);
    const text = await res.text();
    let sum = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
        if (labelFilter !== '' && !line.includes(labelFilter)) continue;
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /**
   * SIGTERM and wait; returns the exit code (null if killed by a signal). A daemon still running
   * after `timeoutMs` has its threads' native stacks appended to its log (gdb, when installed:
   * what holds a stop or an exit, issue 13), then is killed.
   */
  async stop(timeoutMs = 30000): Promise<number | null> {
    this.#signal('SIGTERM');
    // The timer also keeps our event loop alive while we wait: the wrapper is unref'd.
    const timer = setTimeout(() => {
      void this.#appendNativeStacks().finally(() => this.#signal('SIGKILL'));
    }, timeoutMs);
    const code = await this.#exit;
    clearTimeout(timer);
    return code;
  }

  /** Every thread's native backtrace (gdb -p, at most 20 s), appended to the log; nothing without gdb. */
  async #appendNativeStacks(): Promise<void> {
    if (this.#exited) return;
    const stacks = await new Promise<string>((resolve) =>
      execFile(
        'gdb',
        ['-p', String(this.pid), '-batch', '-nx', '-ex', 'set pagination off', '-ex', 'thread apply all bt 30'],
        { timeout: 20_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => resolve(err && stdout === '' ? `(no stacks: ${err.message.split('\n')[0]})` : `${stdout}${stderr}`),
      ),
    );
    await appendFile(this.logFile, `\n--- connectd did not stop in time: native stacks of pid ${this.pid} ---\n${stacks}\n`).catch(
      () => undefined,
    );
  }

  /** SIGKILL: no shutdown at all, as a crash. */
  async kill(): Promise<void> {
    this.#signal('SIGKILL');
    const keepAlive = setInterval(() => undefined, 1000);
    await this.#exit;
    clearInterval(keepAlive);
  }

  #signal(signal: NodeJS.Signals): void {
    // Once it has exited, its pid may be another process's.
    if (this.#exited) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // Gone meanwhile: its wrapper's exit resolves #exit.
    }
  }

  exited(): Promise<number | null> {
    return this.#exit;
  }

  async logTail(lines = 40): Promise<string> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  /** The offsets file as a map: source partition JSON (without the connector) → offset. */
  async committedOffsets(connector: string): Promise<Map<string, Record<string, unknown>>> {
    const text = await readFile(this.offsetsFile, 'utf8').catch(() => null);
    const result = new Map<string, Record<string, unknown>>();
    if (text === null) return result;
    const parsed = JSON.parse(text) as { offsets: [[string, unknown], Record<string, unknown>][] };
    for (const [[name, partition], offset] of parsed.offsets) if (name === connector) result.set(JSON.stringify(partition), offset);
    return result;
  }
}
