// A real S3-compatible server for tests and the demo: S3Proxy (org.gaul:s3proxy, version pinned in
// tools/s3/pom.xml) with its filesystem backend, bound to 127.0.0.1 on a port the OS hands out,
// checking AWS signatures (v2 and v4) against one access key. tools/bootstrap.sh caches the jars in
// .cache/s3proxy/<version>/libs.
//
// Like the Kafka fixture (tools/kafka/cluster.ts), the JVM runs under a small bash wrapper whose
// stdin is a pipe from this Node process: EOF on it — this process exited, crashed or was
// SIGKILLed — makes the wrapper SIGKILL the JVM and delete the data folder, so no server outlives
// its test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../free-port.js';

export interface S3ServerOptions {
  /** For start(). Default 60 000. */
  startTimeoutMs?: number;
  /** JVM heap. Default 256. */
  heapMb?: number;
}

const TMP_PREFIX = 'connectd-s3-';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'tools', 's3', 'pom.xml'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`connectd repo root (with tools/s3/pom.xml) not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The S3Proxy version pinned in tools/s3/pom.xml (`<s3proxy.version>`). */
export function s3ProxyVersion(): string {
  const pom = readFileSync(join(repoRoot(), 'tools', 's3', 'pom.xml'), 'utf8');
  const m = /<s3proxy\.version>\s*([^<\s]+)\s*<\/s3proxy\.version>/.exec(pom);
  if (!m?.[1]) throw new Error('tools/s3/pom.xml has no <s3proxy.version>');
  return m[1];
}

/** .cache/s3proxy/<version>/libs (throws, saying what to run, if the jars are missing). */
export function s3ProxyLibsDir(): string {
  const version = s3ProxyVersion();
  const libs = join(repoRoot(), '.cache', 's3proxy', version, 'libs');
  if (!existsSync(join(libs, `s3proxy-${version}.jar`))) {
    throw new Error(`S3Proxy ${version} jars are missing from ${libs}: run \`bash tools/bootstrap.sh\` (or \`npm test\`) first`);
  }
  return libs;
}

/** Any HTTP answer at all from the endpoint (S3Proxy says 403 to an unsigned request): it is serving. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('error', () => resolve(false));
    req.once('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// $1 = log file, $2 = folder to delete once we are gone, rest = the java command. Prints the JVM's
// pid and closes stdout; a background reader holds our stdin pipe (as fd 3: bash gives background
// jobs /dev/null) and SIGKILLs the JVM on EOF. EOF afterwards also tells that the Node process is
// gone, so the wrapper deletes the data folder itself.
const WRAPPER = `
exec 3<&0 2>>"$1"
log=$1; cleanup=$2; shift 2
"$@" </dev/null >>"$log" 2>&1 &
c=$!
echo "$c"
( read -r _ <&3; kill -9 "$c" 2>/dev/null ) &
w=$!
exec 1>&- 0</dev/null
wait "$c"; rc=$?
gone=
if read -r -t 0 -u 3; then gone=1; fi
kill "$w" 2>/dev/null
if [ -n "$gone" ]; then rm -rf "$cleanup" 2>/dev/null; fi
exit $rc
`;

const LOGBACK = `<configuration>
  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="out"/></root>
</configuration>
`;

const live = new Set<S3Server>();
let exitHandlerInstalled = false;

export class S3Server {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  readonly region = 'us-east-1';
  readonly accessKeyId = 'connectd-test';
  readonly secretAccessKey = 'connectd-test-secret';
  /** S3Proxy's folder: properties, logback.xml, stdout.log, and the buckets under data/. */
  readonly dir: string;
  readonly version: string;
  /** The JVM's pid while it runs. */
  pid: number | undefined;
  readonly #exited: Promise<void>;
  #running = true;

  private constructor(dir: string, port: number, version: string, child: ChildProcess, pid: number) {
    this.dir = dir;
    this.port = port;
    this.endpoint = `http://127.0.0.1:${port}`;
    this.version = version;
    this.pid = pid;
    this.#exited = new Promise((resolve) =>
      child.once('exit', () => {
        this.#running = false;
        this.pid = undefined;
        resolve();
      }),
    );
  }

  static async start(opts: S3ServerOptions = {}): Promise<S3Server> {
    // A port the OS called free can be taken before the JVM binds it: try again then.
    for (let attempt = 1; ; attempt++) {
      try {
        return await S3Server.#startOnce(opts);
      } catch (e) {
        if (attempt < 3 && /BindException|Address already in use|Failed to bind/.test(String(e))) continue;
        throw e;
      }
    }
  }

  static async #startOnce(opts: S3ServerOptions): Promise<S3Server> {
    const libs = s3ProxyLibsDir();
    const version = s3ProxyVersion();
    const dir = mkdtempSync(join(tmpdir(), TMP_PREFIX));
    const data = join(dir, 'data');
    mkdirSync(data);
    const port = await freePort();
    const properties = [
      `s3proxy.endpoint=http://127.0.0.1:${port}`,
      's3proxy.authorization=aws-v2-or-v4',
      's3proxy.identity=connectd-test',
      's3proxy.credential=connectd-test-secret',
      'jclouds.provider=filesystem-nio2',
      // The backend's own credentials: unused by the filesystem, but S3Proxy requires them.
      'jclouds.identity=unused',
      'jclouds.credential=unused',
      `jclouds.filesystem.basedir=${data}`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 's3proxy.properties'), properties);
    writeFileSync(join(dir, 'logback.xml'), LOGBACK);
    const log = join(dir, 'stdout.log');
    const java = [
      `-Xmx${opts.heapMb ?? 256}m`,
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-XX:-UsePerfData',
      '-Djava.awt.headless=true',
      `-Dlogback.configurationFile=${join(dir, 'logback.xml')}`,
      '-cp',
      `${libs}/*`,
      'org.gaul.s3proxy.Main',
      '--properties',
      join(dir, 's3proxy.properties'),
    ];
    const child = spawn('bash', ['-c', WRAPPER, 's3proxy', log, dir, 'java', ...java], {
      stdio: ['pipe', 'pipe', 'ignore'],
      detached: true,
    });
    child.stdin.on('error', () => undefined);
    const pid = await new Promise<number>((resolve, reject) => {
      let buf = '';
      child.once('error', reject);
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(Number(buf.split('\n')[0]));
      });
      child.stdout.once('end', () => reject(new Error(`S3Proxy wrapper exited before starting java\n${tail(log, 40)}`)));
    });
    const server = new S3Server(dir, port, version, child, pid);
    if (!exitHandlerInstalled) {
      exitHandlerInstalled = true;
      process.on('exit', () => {
        for (const s of live) s.killSync();
      });
    }
    live.add(server);
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    for (;;) {
      if (!server.#running) {
        await server.stop();
        throw new Error(`S3Proxy exited during start-up; ${log}:\n${tail(log, 40)}`);
      }
      if (await answers(port)) return server;
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`S3Proxy did not answer on port ${port} within the timeout; ${log}:\n${tail(log, 40)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get running(): boolean {
    return this.#running;
  }

  /** A client for this server (path-style addressing, as S3-compatible servers need). */
  client(): S3Client {
    return new S3Client({
      endpoint: this.endpoint,
      region: this.region,
      forcePathStyle: true,
      credentials: { accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey },
      // S3Proxy answers 501 to the aws-chunked uploads with trailing checksums that newer SDKs send by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async createBucket(name: string): Promise<void> {
    const client = this.client();
    try {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    } finally {
      client.destroy();
    }
  }

  /** The connector properties that point an S3 source at this server. */
  connectorProps(): Record<string, string> {
    return {
      's3.endpoint': this.endpoint,
      's3.region': this.region,
      's3.path.style.access.enabled': 'true',
      'aws.access.key.id': this.accessKeyId,
      'aws.secret.access.key': this.secretAccessKey,
    };
  }

  /** SIGKILLs the JVM and deletes the data. */
  async stop(): Promise<void> {
    live.delete(this);
    if (this.#running && this.pid !== undefined) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      // The child is unref'd: a timer keeps the event loop alive while we wait for it.
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
