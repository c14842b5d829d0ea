// A real Schema Registry for tests: Apicurio Registry (io.apicurio:apicurio-registry-app, version
// pinned in tools/schema-registry/pom.xml), which serves Confluent Schema Registry's REST API under
// /apis/ccompat/v7, with its in-memory storage (H2), bound to 127.0.0.1 on a port the OS hands out.
// tools/bootstrap.sh unpacks Maven Central's ready-to-run assembly into
// .cache/apicurio-registry/<version>/app.
//
// With `users`, every /apis/ request needs HTTP basic auth as one of them (Quarkus's embedded user
// store and an `authenticated` path policy: plain Quarkus runtime settings of the registry's build).
//
// The JVM runs tied to this process (tools/tied-process.ts): it is SIGKILLed, and its folder
// deleted, when this process exits, crashes or is SIGKILLed, so no registry outlives its test.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../connectd-process.js';
import { spawnTied } from '../tied-process.js';

export interface SchemaRegistryServerOptions {
  /** Basic-auth users (name → password); none: the API is open. Names: letters, digits, `_`, `-`. */
  users?: Record<string, string>;
  /** For start(). Default 120 000 (it starts in ~10 s on an idle 2-core machine). */
  startTimeoutMs?: number;
  /** JVM heap. Default 256. */
  heapMb?: number;
}

/** One line of the registry's access log. */
export interface RegistryAccess {
  method: string;
  /** The request path, query included, e.g. `/apis/ccompat/v7/schemas/ids/1`. */
  path: string;
  status: number;
  /** The authenticated user, or `-`. */
  user: string;
}

export type CompatibilityLevel =
  'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';

const TMP_PREFIX = 'connectd-registry-';
const CCOMPAT = '/apis/ccompat/v7';
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'tools', 'schema-registry', 'pom.xml'))) return dir;
    const up = dirname(dir);
    if (up === dir)
      throw new Error(`connectd repo root (with tools/schema-registry/pom.xml) not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The Apicurio Registry version pinned in tools/schema-registry/pom.xml (`<apicurio.version>`). */
export function apicurioVersion(): string {
  const pom = readFileSync(join(repoRoot(), 'tools', 'schema-registry', 'pom.xml'), 'utf8');
  const m = /<apicurio\.version>\s*([^<\s]+)\s*<\/apicurio\.version>/.exec(pom);
  if (!m?.[1]) throw new Error('tools/schema-registry/pom.xml has no <apicurio.version>');
  return m[1];
}

/** The runner jar in .cache/apicurio-registry/<version>/app (throws, saying what to run, if missing). */
export function apicurioRunnerJar(): string {
  const version = apicurioVersion();
  const jar = join(repoRoot(), '.cache', 'apicurio-registry', version, 'app', `apicurio-registry-app-${version}-runner.jar`);
  if (!existsSync(jar))
    throw new Error(`Apicurio Registry ${version} is missing (${jar}): run \`bash tools/bootstrap.sh\` (or \`npm test\`) first`);
  return jar;
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function ready(port: number): Promise<boolean> {
  try {
    // /health is outside /apis/: it answers without credentials.
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

const ACCESS_LINE =
  /apicurio-registry\.access method="([A-Z]+)" path="([^"]*)" response_code="(\d+)" response_time="[^"]*" remote_ip="[^"]*" remote_user="([^"]*)"/;

const live = new Set<SchemaRegistryServer>();
let exitHandlerInstalled = false;

export class SchemaRegistryServer {
  /** Confluent's API root, e.g. http://127.0.0.1:<port>/apis/ccompat/v7: a converter's `schema.registry.url`. */
  readonly url: string;
  readonly port: number;
  readonly version: string;
  /** The registry's folder: stdout.log (its log, access log included) and its temporary files. */
  readonly dir: string;
  /** `user:password` of the first user, used by request(); null when the API is open. */
  readonly userInfo: string | null;
  /** The JVM's pid while it runs. */
  pid: number | undefined;
  readonly #log: string;
  readonly #exited: Promise<void>;
  #running = true;

  private constructor(dir: string, port: number, version: string, userInfo: string | null, exited: Promise<void>, pid: number) {
    this.dir = dir;
    this.port = port;
    this.url = `http://127.0.0.1:${port}${CCOMPAT}`;
    this.version = version;
    this.userInfo = userInfo;
    this.pid = pid;
    this.#log = join(dir, 'stdout.log');
    this.#exited = exited.then(() => {
      this.#running = false;
      this.pid = undefined;
    });
  }

  static async start(opts: SchemaRegistryServerOptions = {}): Promise<SchemaRegistryServer> {
    // A port the OS called free can be taken before the JVM binds it: try again then.
    for (let attempt = 1; ; attempt++) {
      try {
        return await SchemaRegistryServer.#startOnce(opts);
      } catch (e) {
        if (attempt < 3 && /BindException|Address already in use|Port already bound/.test(String(e))) continue;
        throw e;
      }
    }
  }

  static async #startOnce(opts: SchemaRegistryServerOptions): Promise<SchemaRegistryServer> {
    const jar = apicurioRunnerJar();
    const version = apicurioVersion();
    const users = Object.entries(opts.users ?? {});
    for (const [name] of users) {
      if (!/^[A-Za-z0-9_-]+$/.test(name))
        throw new Error(`SchemaRegistryServer: user name ${JSON.stringify(name)} must be letters, digits, _ or -`);
    }
    const dir = mkdtempSync(join(tmpdir(), TMP_PREFIX));
    const port = await freePort();
    const log = join(dir, 'stdout.log');
    const settings: Record<string, string> = {
      'quarkus.http.host': '127.0.0.1',
      'quarkus.http.port': String(port),
      // The registry's H2 pool opens 20 connections up front by default: one is plenty here.
      'apicurio.datasource.jdbc.initial-size': '1',
      'apicurio.datasource.jdbc.min-size': '1',
      'apicurio.storage.snapshot.location': dir,
    };
    if (users.length > 0) {
      settings['quarkus.http.auth.basic'] = 'true';
      settings['quarkus.security.users.embedded.plain-text'] = 'true';
      for (const [name, password] of users) settings[`quarkus.security.users.embedded.users.${name}`] = password;
      settings['quarkus.http.auth.permission.registry-api.paths'] = '/apis/*';
      settings['quarkus.http.auth.permission.registry-api.policy'] = 'authenticated';
    }
    const java = [
      `-Xmx${opts.heapMb ?? 256}m`,
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-XX:-UsePerfData',
      '-Djava.awt.headless=true',
      `-Djava.io.tmpdir=${dir}`,
      ...Object.entries(settings).map(([k, v]) => `-D${k}=${v}`),
      '-jar',
      jar,
    ];
    const { wrapper, pid: started } = spawnTied('apicurio-registry', log, dir, ['java', ...java]);
    // Watched at once: the JVM may die before its pid is known.
    const exited = new Promise<void>((resolve) => wrapper.once('exit', () => resolve()));
    const pid = await started.catch((e: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Apicurio Registry: ${String(e)}\n${tail(log, 40)}`);
    });
    const first = users[0];
    const server = new SchemaRegistryServer(dir, port, version, first === undefined ? null : `${first[0]}:${first[1]}`, exited, pid);
    if (!exitHandlerInstalled) {
      exitHandlerInstalled = true;
      process.on('exit', () => {
        for (const s of live) s.killSync();
      });
    }
    live.add(server);
    const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
    for (;;) {
      if (!server.#running) {
        const text = tail(log, 40);
        await server.stop();
        throw new Error(`Apicurio Registry exited during start-up; ${log}:\n${text}`);
      }
      if (await ready(port)) return server;
      if (Date.now() > deadline) {
        const text = tail(log, 40);
        await server.stop();
        throw new Error(`Apicurio Registry did not answer on port ${port} within the timeout; ${log}:\n${text}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  get running(): boolean {
    return this.#running;
  }

  /**
   * A call to Confluent's API (`path` under /apis/ccompat/v7, e.g. `/subjects`), as the first
   * user when there are users. Throws on a non-2xx answer, with the registry's message.
   */
  async request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { Accept: CONTENT_TYPE };
    if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (this.userInfo !== null) headers.Authorization = `Basic ${Buffer.from(this.userInfo).toString('base64')}`;
    const res = await fetch(this.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text === '' ? undefined : JSON.parse(text);
  }

  /**
   * Sets the compatibility level, for one subject or (no subject) the registry's default. Apicurio's
   * default is NONE (Confluent's is BACKWARD), kept as the absence of a rule: setting NONE where no
   * rule is set answers 404 "No rule named 'COMPATIBILITY' was found", which is NONE already.
   */
  async setCompatibility(level: CompatibilityLevel, subject?: string): Promise<void> {
    try {
      await this.request('PUT', subject === undefined ? '/config' : `/config/${encodeURIComponent(subject)}`, { compatibility: level });
    } catch (err) {
      if (level === 'NONE' && /answered 404: .*No rule named 'COMPATIBILITY'/.test(String(err))) return;
      throw err;
    }
  }

  /** The requests the registry has served so far, from its access log, oldest first. */
  accessLog(): RegistryAccess[] {
    let text: string;
    try {
      text = readFileSync(this.#log, 'utf8');
    } catch {
      return [];
    }
    const found: RegistryAccess[] = [];
    for (const line of text.split('\n')) {
      const m = ACCESS_LINE.exec(line);
      if (m) found.push({ method: m[1]!, path: m[2]!, status: Number(m[3]), user: m[4]! });
    }
    return found;
  }

  /** SIGKILLs the JVM (in-memory storage: nothing to flush) and deletes its folder. */
  async stop(): Promise<void> {
    live.delete(this);
    if (this.#running && this.pid !== undefined) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      // The wrapper is unref'd: a timer keeps the event loop alive while we wait for it.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#exited,
        new Promise((r) => {
          timer = setTimeout(r, 30_000);
        }),
      ]);
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  /** Synchronous last resort, for process 'exit'. */
  killSync(): void {
    if (this.pid !== undefined) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    try {
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      /* best effort */
    }
  }
}
