/**
 * REST fuzzing (issue 14): thousands of generated requests — odd paths and encodings, every method
 * on every route, bodies of wrong types, deep and huge JSON, duplicate and prototype keys, invalid
 * UTF-8, odd content types — against a real daemon and broker. Kafka Connect's contract for bad
 * input: never a crash, never a 5xx, every error `{"error_code": <status>, "message": "…"}`, and
 * nothing changed. Seeded: REST_FUZZ_SEED=<n> replays a run; a failure prints the seed and
 * fast-check's shrunk counterexample.
 */
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { waitFor } from '../fixtures/wait.js';

const PLUGINS = path.resolve(import.meta.dirname, '../fixtures/plugins');
const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-fuzz-'));
t.teardown(() => rm(root, { recursive: true, force: true }));
const proc = await ConnectdProcess.start({
  dir: root,
  bootstrapServers: cluster.bootstrapServers,
  connectors: [],
  worker: { 'plugin.path': PLUGINS },
});
t.teardown(() => proc.kill());
let exited = false;
void proc.exited().then(() => (exited = true));

/** The connectors that exist throughout; the fuzzer must leave them exactly as they are. */
const EXISTING = ['fuzz-a', 'fuzz b'];
const generator = (topic: string) => ({
  'connector.class': 'io.connectd.connectors.generator.GeneratorSourceConnector',
  topic,
  'source.partitions': '1',
  'poll.interval.ms': '1000',
  'batch.size': '1',
});

interface Answer {
  status: number;
  text: string;
}

// One kept-alive connection, as a client would use; requests go one at a time (a small machine).
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
t.teardown(() => agent.destroy());
const { hostname, port } = new URL(proc.url);

/**
 * A request sent as given: node's http client, unlike fetch, neither normalises `..` nor re-encodes
 * the path. The path is taken as bytes (latin1), so raw UTF-8 and invalid UTF-8 reach the server.
 */
function send(method: string, rawPath: string, body?: Buffer, contentType?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (contentType !== undefined) headers['content-type'] = contentType;
    if (body !== undefined) headers['content-length'] = body.length;
    const req = http.request({ host: hostname, port, method, path: rawPath, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(30000, () => req.destroy(new Error(`${method} ${rawPath}: no answer within 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Why an answer breaks the contract, or undefined when it keeps it. */
function violation(method: string, answer: Answer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status} ${answer.text.slice(0, 300)}`;
  if (answer.status < 400 || method === 'HEAD') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `error ${answer.status} with a body that is not JSON: ${JSON.stringify(answer.text.slice(0, 300))}`;
  }
  const shape = body as { error_code?: unknown; message?: unknown };
  const keys = typeof body === 'object' && body !== null ? Object.keys(body).sort().join(',') : '';
  if (keys !== 'error_code,message' || shape.error_code !== answer.status || typeof shape.message !== 'string') {
    return `error ${answer.status} not in Kafka Connect's shape: ${answer.text.slice(0, 300)}`;
  }
  return undefined;
}

async function state(): Promise<string> {
  const names = (await proc.get<string[]>('/connectors')).sort();
  const configs = await Promise.all(names.map((n) => proc.get<Record<string, string>>(`/connectors/${encodeURIComponent(n)}/config`)));
  return JSON.stringify({ names, configs });
}

t.before(async () => {
  for (const [i, name] of EXISTING.entries()) {
    await cluster.createTopic(`fuzz-${i}`, { partitions: 1 });
    const created = await proc.request('PUT', `/connectors/${encodeURIComponent(name)}/config`, generator(`fuzz-${i}`));
    if (created.status !== 201) throw new Error(`creating ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  }
  await waitFor('the connectors running', async () => {
    for (const name of EXISTING) if ((await proc.status(name)).tasks[0]?.state !== 'RUNNING') return false;
    return true;
  });
});

// ---- generators ------------------------------------------------------------------------------

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
/** Methods that cannot change anything: these may name the existing connectors. */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A UTF-8 string as the latin1 string of its bytes: how `send` puts raw UTF-8 on the wire. */
const rawUtf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
function percentEncoded(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '?')); // a lone surrogate
  }
}

const oddSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '.',
    '..',
    '%2E%2E',
    '%2F',
    '%2f',
    'a%2Fb',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    '%',
    '%zz',
    '%E2%82',
    '%FF',
    '%C0%AF',
    '\xff\xfe',
    'x'.repeat(200),
    'é'.repeat(100),
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '0',
    '-1',
    '1e3',
    '99999999999999999999',
    '%20',
    '+',
    '%0A',
    '%0D%0A',
    ';',
    '*',
    '~',
    '%7B%7D',
    '$%7Bx%7D',
  ),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map(percentEncoded),
  fc
    .string({ unit: 'grapheme', maxLength: 8 })
    .map((s) => rawUtf8([...s].filter((ch) => ch.codePointAt(0)! > 0x20 && ch !== '\u007f' && !'/?#'.includes(ch)).join(''))),
  fc.string({ unit: 'binary', maxLength: 8 }).map(percentEncoded),
  fc.constantFrom('😀', '👩‍👩‍👧', '\u202E', '\uFEFF', '名前').map((s) => (s.length % 2 === 0 ? rawUtf8(s) : percentEncoded(s))),
);
const connectorSegment = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...EXISTING.map(encodeURIComponent)) },
  { weight: 4, arbitrary: oddSegment },
);
const taskSegment = fc.oneof(fc.constantFrom('0', '1', '00', '-0', '0x0', '1.5', '9007199254740993'), oddSegment);

/** Every route, as Kafka Connect has them, with placeholders for the segments the fuzzer fills. */
const ROUTES: readonly string[][] = [
  [''],
  ['health'],
  ['metrics'],
  ['connectors'],
  ['connectors', 'C'],
  ['connectors', 'C', 'config'],
  ['connectors', 'C', 'status'],
  ['connectors', 'C', 'tasks'],
  ['connectors', 'C', 'tasks', 'T', 'status'],
  ['connectors', 'C', 'tasks', 'T', 'restart'],
  ['connectors', 'C', 'restart'],
  ['connectors', 'C', 'pause'],
  ['connectors', 'C', 'resume'],
  ['connectors', 'C', 'stop'],
  ['connectors', 'C', 'offsets'],
  ['connectors', 'C', 'topics'],
  ['connectors', 'C', 'topics', 'reset'],
  ['connector-plugins'],
  ['connector-plugins', 'P', 'config'],
  ['connector-plugins', 'P', 'config', 'validate'],
  ['admin', 'loggers'],
  ['admin', 'loggers', 'L'],
];
const pathArb = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    c: connectorSegment,
    t: taskSegment,
    p: fc.oneof(
      fc.constantFrom(
        'GeneratorSource',
        'io.connectd.connectors.generator.GeneratorSourceConnector',
        'org.apache.kafka.connect.transforms.InsertField$Value',
      ),
      oddSegment,
    ),
    l: fc.oneof(fc.constantFrom('root', 'connectd', 'connectd.runtime.Worker'), oddSegment),
    // A few raw routes at odd places: empty segments, a trailing slash, dot segments.
    mangle: fc.constantFrom('none', 'none', 'none', 'trailing-slash', 'double-slash', 'dot-segment'),
    query: fc.constantFrom(
      '',
      '',
      '',
      '?expand=status',
      '?expand=info&expand=x',
      '?expand=',
      '?includeTasks=true&onlyFailed=perhaps',
      '?includeTasks=true&includeTasks=false',
      '?forward=false',
      '?scope=nope',
      '?scope=cluster',
      '?connectorsOnly=x',
      '?connectorsOnly=false',
      '?version=%5B',
      '?%zz',
      '?a=%FF',
      '?__proto__=1',
      '?expand[]=x',
      '?constructor[prototype][x]=1',
      '?&&&',
      `?x=${'y'.repeat(300)}`,
    ),
  })
  .map(({ route, c, t: task, p, l, mangle, query }) => {
    const segments = route.map((s) => (s === 'C' ? c : s === 'T' ? task : s === 'P' ? p : s === 'L' ? l : s));
    let joined = '/' + segments.join('/');
    if (mangle === 'trailing-slash') joined += '/';
    else if (mangle === 'double-slash') joined = joined.replace('/', '//');
    else if (mangle === 'dot-segment') joined = joined.replace(/\/([^/]*)$/, '/../$1');
    return joined + query;
  });

const oddKey = fc.oneof(
  fc.constantFrom(
    'name',
    'config',
    'topic',
    'tasks.max',
    'offsets',
    'level',
    'initial_state',
    '__proto__',
    'constructor',
    'prototype',
    '',
    ' ',
    'a.b',
    '\u0000',
  ),
  fc.string({ maxLength: 10 }),
);
/** Values of every JSON type, objects and arrays nested as connector configs never are. */
const oddValue = fc.jsonValue({ maxDepth: 3 });
/** A connector config that can never be valid: no usable connector.class, or a value of a wrong type. */
const invalidConfig = fc.oneof(
  fc.dictionary(oddKey, oddValue, { maxKeys: 6 }),
  fc.record({ 'connector.class': fc.constantFrom('NoSuchConnector', '', 'GeneratorSource '), topic: oddValue }),
  fc.record({ 'connector.class': fc.constant('GeneratorSource'), topic: fc.constantFrom([], {}, { nested: { deeper: 'x' } }, ['a']) }),
  fc.dictionary(oddKey, fc.constant(null), { maxKeys: 3 }),
);
// The generated config must not contain a usable connector.class: a dictionary can only name one
// by chance if oddKey could make 'connector.class', which it cannot.
const bodyText: fc.Arbitrary<{ body: Buffer | undefined; what: string }> = fc.oneof(
  fc.constant({ body: undefined, what: 'no body' }),
  oddValue.map((v) => ({ body: Buffer.from(JSON.stringify(v)), what: 'a JSON value' })),
  fc
    .record({
      name: fc.oneof(oddValue, fc.string({ unit: 'grapheme', maxLength: 200 })),
      config: invalidConfig,
      initial_state: fc.option(oddValue),
    })
    .map((v) => ({ body: Buffer.from(JSON.stringify(v)), what: 'a create request' })),
  invalidConfig.map((v) => ({ body: Buffer.from(JSON.stringify(v)), what: 'a config' })),
  fc
    .record({ offsets: fc.oneof(oddValue, fc.array(fc.record({ partition: oddValue, offset: oddValue }), { maxLength: 3 })) })
    .map((v) => ({ body: Buffer.from(JSON.stringify(v)), what: 'offsets' })),
  fc
    .record({ level: fc.constantFrom('CHATTY', '', 'debug ', 'OFF;', 7, null, ['INFO']) })
    .map((v) => ({ body: Buffer.from(JSON.stringify(v)), what: 'a logger level' })),
  fc.integer({ min: 1, max: 12000 }).map((n) => ({ body: Buffer.from('['.repeat(n) + ']'.repeat(n)), what: `${n} nested arrays` })),
  fc
    .integer({ min: 1, max: 12000 })
    .map((n) => ({ body: Buffer.from('{"config":'.repeat(n) + '{}' + '}'.repeat(n)), what: `${n} nested objects` })),
  fc.integer({ min: -64, max: 64 }).map((d) => {
    // Near the 1 MiB body limit, on either side of it.
    const body = JSON.stringify({ name: 'huge', config: { 'connector.class': 'NoSuchConnector', padding: '' } });
    return {
      body: Buffer.from(body.replace('"padding":""', `"padding":"${'x'.repeat(1024 * 1024 - body.length + d)}"`)),
      what: `${d} bytes off the limit`,
    };
  }),
  fc
    .constantFrom(
      '{"name":"dup","name":"dup2","config":{"connector.class":"NoSuchConnector","connector.class":"GeneratorSource"}}',
      '{"connector.class":"NoSuchConnector","topic":"a","topic":{"x":1}}',
      '{"level":"DEBUG","level":7}',
      '{"__proto__":{"polluted":1}}',
      '{"config":{"__proto__":{"connector.class":"GeneratorSource"}}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '{"name":"p","config":{"constructor":"x","prototype":"y","__proto__":"z"}}',
      '{"offsets":[{"partition":{"__proto__":{}},"offset":{}}]}',
      '{"a":',
      ']',
      '"',
      'null',
      'true',
      '1e999',
      '-0',
      '"\\ud800"',
      '\uFEFF{}',
      '{}garbage',
      '{"a":1}{"b":2}',
      ' ',
      '\t\n',
    )
    .map((s) => ({ body: Buffer.from(s), what: 'raw text' })),
  fc
    .constantFrom(
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
      Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","config":{}}')]),
      Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
      Buffer.from([0x00, 0x00, 0x00, 0x7b]),
      Buffer.from('{"level":"INFO"}', 'utf16le'),
    )
    .map((b) => ({ body: b, what: 'invalid UTF-8' })),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => ({ body: Buffer.from(s), what: 'random text' })),
);
/** Shown in a counterexample: what the body is and how it starts, not a megabyte of bytes. */
const shownBody: fc.Arbitrary<{ body: Buffer | undefined; what: string }> = bodyText.map((b) =>
  Object.assign(b, {
    [fc.toStringMethod]: () =>
      `${b.what}: ${b.body === undefined ? '(none)' : `${b.body.length} bytes ${JSON.stringify(b.body.subarray(0, 80).toString('latin1'))}`}`,
  }),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;;;',
  'application/json; boundary="',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/vnd.api+json',
  '*/*',
  'json',
  '',
  undefined,
);

const requestArb = fc.record({ method: fc.constantFrom(...METHODS), path: pathArb, body: shownBody, contentType });

/** A mutation must name no existing connector: the fuzzer sends only mutations that must fail. */
function namesExisting(rawPath: string): boolean {
  return rawPath
    .split('?')[0]!
    .split('/')
    .some((segment) => {
      try {
        return EXISTING.includes(decodeURIComponent(segment));
      } catch {
        return false;
      }
    });
}

// ---- what the fuzzer found, kept as explicit regressions ---------------------------------------

t.test('a request the HTTP parser refuses gets a 400 in Kafka Connect shape, and the answer arrives', async (t) => {
  // Found by the fuzzer: a raw (not percent-encoded) UTF-8 path. fastify's own client-error answer was
  // {"error":"Bad Request","message":"Client Error","statusCode":400}, and a GET got no answer at all
  // (`socket hang up`): the socket was destroyed right after the write.
  const emoji = rawUtf8('/connectors/👩‍👩‍👧/tasks/0/status/?expand=status');
  const put = await send('PUT', emoji, Buffer.from('{"level":"INFO"}', 'utf16le'), '');
  t.equal(put.status, 400);
  t.match(JSON.parse(put.text), { error_code: 400, message: /path is not a valid URL/ });
  t.equal(violation('PUT', put), undefined, 'the error shape');
  const get = await send('GET', emoji);
  t.equal(get.status, 400, 'a GET is answered too');
  t.equal(violation('GET', get), undefined, 'the error shape');
  // Found next: the same answer to a HEAD carried the body, which the client reads as garbage after
  // the answer (HPE_CLOSED_CONNECTION).
  const head = await send('HEAD', rawUtf8('/connectors/é/'));
  t.same(head, { status: 400, text: '' }, 'HEAD: the status, no body');
  // Found next: when the HEAD follows, on the same connection, a body the server had refused unread
  // (413), the packet starts with the rest of that body, on the HEAD's line: the body was sent again.
  // Byte by byte here, so that the tail and the HEAD arrive in one packet.
  const socket = net.connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
  const tail = Buffer.from('xxxxxxxx"}');
  const huge = Buffer.from(JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 64) }));
  socket.write(
    `PATCH /connectors/nope/config HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${huge.length}\r\n\r\n`,
  );
  socket.write(huge.subarray(0, huge.length - tail.length));
  await waitFor('the 413', () => received.includes('\r\n\r\n{"error_code":413'), 30000, 20);
  received = '';
  socket.end(Buffer.concat([tail, Buffer.from(`HEAD ${rawUtf8('/connectors/åå/status')} HTTP/1.1\r\nHost: x\r\n\r\n`, 'latin1')]));
  await once(socket, 'close');
  t.match(received, /^HTTP\/1\.1 400 Bad Request\r\n/, 'HEAD after a refused body: 400');
  t.ok(received.endsWith('\r\n\r\n'), `HEAD after a refused body: no body (${JSON.stringify(received.slice(-80))})`);
  // Found next: with a large body behind the refused request line, the connection was cut while the
  // client still sent it: the answer was lost to a reset (`write ECONNRESET`, `socket hang up`).
  const body = Buffer.from(JSON.stringify({ padding: 'x'.repeat(8 * 1024 * 1024) }));
  for (let i = 0; i < 5; i++) {
    const answer = await send('GET', rawUtf8('/connector-plugins/åå/config'), body, 'application/json; charset=latin1').catch(
      (err: Error) => ({ status: 0, text: err.message }),
    );
    t.equal(answer.status, 400, `an 8 MiB body behind a bad path, attempt ${i}: answered (${answer.text.slice(0, 80)})`);
  }
  t.equal((await send('GET', '/health')).status, 200, 'the next connection is served');
});

t.test('a path that does not percent-decode gets a 400 in Kafka Connect shape', async (t) => {
  // Found by the fuzzer: fastify's FST_ERR_BAD_URL answer, {"error":"Bad Request","code":…,"statusCode":400}.
  for (const bad of ['/connectors/%C0%AF', '/connectors/%E2%82/config', '/connectors/a%zz/status']) {
    for (const method of ['GET', 'PATCH']) {
      const answer = await send(method, bad, Buffer.from('{}'), 'application/json');
      t.equal(answer.status, 400, `${method} ${bad}`);
      t.equal(violation(method, answer), undefined, `${method} ${bad}: the error shape`);
    }
  }
});

// ---- the property ------------------------------------------------------------------------------

t.test('generated bad requests: no crash, no 5xx, errors in Kafka Connect shape, nothing changed', async (t) => {
  const seed = process.env.REST_FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.REST_FUZZ_SEED);
  const numRuns = Number(process.env.REST_FUZZ_RUNS ?? 5000);
  t.comment(`REST_FUZZ_SEED=${seed} (numRuns ${numRuns}): set it to replay this run`);
  const before = await state();
  const started = Date.now();
  let sent = 0;
  // A failure may come of the requests before it on the kept-alive connection: they are shown too.
  const recent: string[] = [];
  const statuses = new Map<number, number>();
  try {
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ method, path: rawPath, body, contentType: type }) => {
        fc.pre(READS.has(method) || !namesExisting(rawPath));
        const answer = await send(method, rawPath, method === 'HEAD' ? undefined : body.body, type).catch((err: Error) => {
          throw new Error(
            `${method} ${rawPath} (${body.what}, content-type ${String(type)}): no answer: ${err.message}; the requests before, on the same connection: ${JSON.stringify(recent)}`,
          );
        });
        sent++;
        recent.push(`${method} ${rawPath} (${body.what.slice(0, 40)}, ${String(type)}) → ${answer.status}`);
        if (recent.length > 3) recent.shift();
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (exited) throw new Error('the daemon exited');
        const problem = violation(method, answer);
        if (problem !== undefined) throw new Error(`${method} ${rawPath} (${body.what}, content-type ${String(type)}): ${problem}`);
        if (!READS.has(method) && answer.status < 300) {
          // A mutation that succeeded: only harmless ones may (a 2xx here is checked against the state).
          const now = await state();
          if (now !== before)
            throw new Error(`${method} ${rawPath} (${body.what}) answered ${answer.status} and changed the connectors: ${now}`);
        }
      }),
      { seed, numRuns, maxSkipsPerRun: 100, verbose: 1 },
    );
  } catch (err) {
    const cause = (err as Error).cause;
    t.fail(`REST_FUZZ_SEED=${seed}\n${(err as Error).message}${cause instanceof Error ? `\ncause: ${cause.message}` : ''}`);
  }
  t.comment(
    `${sent} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
  );
  t.notOk(exited, 'the daemon is alive');
  t.equal((await send('GET', '/health')).status, 200, '/health is 200 afterwards');
  t.equal(await state(), before, 'the connector list and every config are unchanged');
});
