/**
 * REST hardening (issue 14), against the running daemon and a real broker:
 * - connector names up to the documented maximum (with emoji and spaces) work through every call,
 *   longer ones are refused on create with a 400 naming the limit (fastify's default 100-character
 *   path parameter made longer names unreachable, and undeletable, after a successful create);
 * - a browser on another site cannot change anything (form or text/plain content types: 415;
 *   a foreign Origin or Sec-Fetch-Site: cross-site: 403), while what Kafka Connect clients send —
 *   no content type, or application/json with or without a body, no Origin — works;
 * - the same in a real browser: a page on another site, opened in headless Chromium, posts forms and
 *   no-cors fetches (and a beacon) to `…/restart` and `/connectors`; every one reaches connectd and
 *   is refused, and the connector's task never restarts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { CONNECTOR_NAME_MAX_LENGTH } from '../../src/shared/connector-config.js';
import { waitFor } from '../fixtures/wait.js';
import { TEST_PLUGINS } from '../fixtures/connectd-harness.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-rest-hardening-'));
t.teardown(() => rm(root, { recursive: true, force: true }));
const proc = await ConnectdProcess.start({
  dir: root,
  bootstrapServers: cluster.bootstrapServers,
  connectors: [],
  worker: { 'plugin.path': TEST_PLUGINS },
});
t.teardown(() => proc.kill());

const generator = (topic: string) => ({
  'connector.class': 'GeneratorSource',
  topic,
  'records.per.partition': '1000000',
  'records.per.second': '10',
});

async function call(
  method: string,
  urlPath: string,
  opts: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(proc.url + urlPath, { method, headers: opts.headers ?? {}, body: opts.body });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
const json = { 'content-type': 'application/json' };
const state = async (name: string): Promise<string | undefined> => (await proc.status(name)).connector.state;

/**
 * A name of `length` code points: spaces, emoji (two UTF-16 units, four UTF-8 bytes each), accents;
 * it ends in an emoji, as a name's surrounding spaces do not count (string config values are trimmed).
 */
function longName(length: number): string {
  const pattern = [...'connector 🚀 émoji 🧪 with spaces — '];
  return `${Array.from({ length: length - 1 }, (_, i) => pattern[i % pattern.length]!).join('')}🧪`;
}

t.test(
  `a ${CONNECTOR_NAME_MAX_LENGTH}- and a 200-character name with emoji and spaces: create, read, status, pause, resume, restart, delete`,
  async (t) => {
    for (const length of [200, CONNECTOR_NAME_MAX_LENGTH]) {
      const name = longName(length);
      t.equal([...name].length, length);
      const url = `/connectors/${encodeURIComponent(name)}`;
      t.ok(url.length > 100 * 3, `${length} code points: ${url.length} characters in the path`);
      const created = await call('POST', '/connectors', {
        headers: json,
        body: JSON.stringify({ name, config: generator(`long-${length}`) }),
      });
      t.equal(created.status, 201, `${length} code points: created`);
      t.match((await call('GET', url)).body, { name, config: { name } });
      await waitFor('the connector runs', async () => (await state(name)) === 'RUNNING');
      t.equal((await call('GET', `${url}/tasks/0/status`)).status, 200);
      t.equal((await call('PUT', `${url}/pause`)).status, 202);
      await waitFor('the connector is paused', async () => (await state(name)) === 'PAUSED');
      t.equal((await call('PUT', `${url}/resume`)).status, 202);
      await waitFor('the connector runs again', async () => (await state(name)) === 'RUNNING');
      t.equal((await call('POST', `${url}/restart`)).status, 204);
      t.equal(
        (await call('PUT', `${url}/config`, { headers: json, body: JSON.stringify({ ...generator(`long-${length}`), name }) })).status,
        200,
        'PUT config',
      );
      t.equal((await call('DELETE', url)).status, 204);
      t.equal((await call('GET', url)).status, 404, 'gone');
    }
  },
);

t.test('a name over the maximum is refused on create, with a 400 naming the limit', async (t) => {
  const name = longName(CONNECTOR_NAME_MAX_LENGTH + 1);
  for (const [method, urlPath, body] of [
    ['POST', '/connectors', { name, config: generator('too-long') }],
    ['PUT', `/connectors/${encodeURIComponent(name)}/config`, { ...generator('too-long'), name }],
  ] as const) {
    const res = await call(method, urlPath, { headers: json, body: JSON.stringify(body) });
    t.equal(res.status, 400, method);
    t.match(
      (res.body as { message: string }).message,
      new RegExp(
        `name=.*must be at most ${CONNECTOR_NAME_MAX_LENGTH} characters \\(Unicode code points\\) long, got ${CONNECTOR_NAME_MAX_LENGTH + 1}`,
        's',
      ),
      method,
    );
  }
  t.same((await call('GET', '/connectors')).body, [], 'nothing created');
});

t.test('cross-site requests change nothing; what Kafka Connect clients send still works', async (t) => {
  const name = 'csrf';
  t.equal((await call('POST', '/connectors', { headers: json, body: JSON.stringify({ name, config: generator('csrf') }) })).status, 201);
  await waitFor('the connector runs', async () => (await state(name)) === 'RUNNING');
  const refused: [string, string, Record<string, string>, string | undefined, number][] = [
    // A form post or fetch(…, {mode: 'no-cors'}): bodyless or not, the browser asks no one first.
    ['PUT', '/pause', { 'content-type': 'text/plain' }, undefined, 415],
    ['PUT', '/pause', { 'content-type': 'application/x-www-form-urlencoded' }, '', 415],
    ['POST', '/restart', { 'content-type': 'text/plain;charset=UTF-8' }, '{}', 415],
    ['DELETE', '', { 'content-type': 'multipart/form-data; boundary=b' }, '--b--\r\n', 415],
    ['PUT', '/config', { 'content-type': 'text/plain' }, JSON.stringify({ ...generator('elsewhere'), name }), 415],
    ['PUT', '/pause', { origin: 'https://evil.example' }, undefined, 403],
    ['DELETE', '', { origin: 'null' }, undefined, 403],
    ['PUT', '/pause', { ...json, origin: 'http://localhost:1' }, '', 403],
    ['POST', '/restart', { 'sec-fetch-site': 'cross-site' }, undefined, 403],
  ];
  for (const [method, suffix, headers, body, status] of refused) {
    const res = await call(method, `/connectors/${name}${suffix}`, { headers, body });
    t.equal(res.status, status, `${method} ${suffix} ${JSON.stringify(headers)}`);
    t.match(res.body, { error_code: status, message: String }, "Kafka Connect's error body");
  }
  const refusedCreate = await call('POST', '/connectors', {
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify({ name: 'csrf-2', config: generator('csrf') }),
  });
  t.equal(refusedCreate.status, 415, 'create with text/plain');
  t.same((await call('GET', '/connectors')).body, [name], 'nothing created, nothing deleted');
  t.equal(await state(name), 'RUNNING', 'not paused');
  t.equal(
    (await call('GET', `/connectors/${name}/config`)).body &&
      ((await call('GET', `/connectors/${name}/config`)).body as Record<string, string>).topic,
    'csrf',
    'config unchanged',
  );
  t.equal(
    (await call('GET', `/connectors/${name}`, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })).status,
    200,
    'reads are answered (the browser keeps the answer from the page)',
  );

  // curl without -H, Java and Python clients: no content type, or application/json with or without a body, no Origin.
  t.equal((await call('PUT', `/connectors/${name}/pause`)).status, 202, 'no content type');
  await waitFor('paused', async () => (await state(name)) === 'PAUSED');
  t.equal((await call('PUT', `/connectors/${name}/resume`, { headers: json })).status, 202, 'application/json without a body');
  t.equal((await call('POST', `/connectors/${name}/restart`, { headers: json, body: '' })).status, 204, 'application/json, empty body');
  t.equal(
    (await call('POST', `/connectors/${name}/restart`, { headers: { ...json, origin: proc.url } })).status,
    204,
    "the server's own origin",
  );
  t.equal(
    (await call('PUT', `/connectors/${name}/config`, { headers: json, body: JSON.stringify({ ...generator('csrf'), name }) })).status,
    200,
    'application/json with a body',
  );
  t.equal(
    (await call('DELETE', `/connectors/${name}`, { headers: { 'sec-fetch-site': 'same-origin' } })).status,
    204,
    'Sec-Fetch-Site: same-origin',
  );
});

/** Serves `handler` on a free port of `host` (every address when undefined: `localhost` may be ::1 or 127.0.0.1). */
async function serve(t: Test, host: string | undefined, handler: http.RequestListener): Promise<number> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

t.test('in headless Chromium, a page on another site cannot restart or create a connector', async (t) => {
  const name = 'browser-target';
  const events = path.join(root, 'browser-events.jsonl');
  await cluster.createTopic(name, { partitions: 1 });
  const config = {
    'connector.class': 'RecordingSinkConnector',
    topics: name,
    'output.file': path.join(root, 'browser-out.jsonl'),
    'events.file': events,
  };
  t.equal((await call('POST', '/connectors', { headers: json, body: JSON.stringify({ name, config }) })).status, 201);
  const taskEvents = async (): Promise<string[]> =>
    ((await readFile(events, 'utf8').catch(() => '')).match(/"event":"(start|stop)"/g) ?? []).map((e) => e.slice(9, -1));
  await waitFor(
    'the task started',
    async () => (await taskEvents()).length === 1 && (await proc.status(name)).tasks[0]?.state === 'RUNNING',
  );

  // The browser reaches connectd through a proxy that records each request and connectd's answer,
  // so the test sees that every attempt arrived (an opaque no-cors answer tells the page nothing).
  const seen: { method: string; url: string; contentType: string; secFetchSite: string; origin: string; status: number }[] = [];
  const target = await serve(t, '127.0.0.1', (req, res) => {
    const upstream = http.request(proc.url + (req.url ?? '/'), { method: req.method, headers: req.headers }, (answer) => {
      const h = req.headers;
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: h['content-type'] ?? '',
        secFetchSite: String(h['sec-fetch-site'] ?? ''),
        origin: h.origin ?? '',
        status: answer.statusCode ?? 0,
      });
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const connectd = `http://127.0.0.1:${target}`;
  const restart = `${connectd}/connectors/${name}/restart?includeTasks=true`;
  const evil = (n: string) => JSON.stringify({ name: n, config: { 'connector.class': 'GeneratorSource', topic: 'evil' } });
  // The other site: localhost, while connectd is 127.0.0.1 (another host, so another site).
  const page = `<!doctype html><html><body>
<iframe name="f1"></iframe><iframe name="f2"></iframe>
<form id="restart" target="f1" method="POST" action="${restart}"><input name="a" value="b"></form>
<form id="create" target="f2" method="POST" enctype="text/plain" action="${connectd}/connectors"><input name='${evil('browser-evil-form').slice(0, -2)},"x":"' value='"}}'></form>
<p id="out">running</p>
<script>
document.getElementById('restart').submit();
document.getElementById('create').submit();
Promise.allSettled([
  fetch(${JSON.stringify(restart)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' }),
  fetch(${JSON.stringify(restart)}, { method: 'POST', mode: 'no-cors' }),
  fetch(${JSON.stringify(`${connectd}/connectors`)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(evil('browser-evil-fetch'))} }),
]).then((results) => {
  navigator.sendBeacon(${JSON.stringify(restart)}, '{}');
  document.getElementById('out').textContent = 'fetches: ' + results.map((r) => r.status === 'fulfilled' ? r.value.type : 'rejected').join(',');
});
</script></body></html>`;
  const pagePort = await serve(t, undefined, (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));

  const profile = await mkdtemp(path.join(os.tmpdir(), 'connectd-chromium-'));
  t.teardown(() => rm(profile, { recursive: true, force: true }));
  // --no-sandbox: the tests run as root (CI), where Chromium's sandbox refuses to start. The
  // virtual time budget lets the page's requests finish before the DOM is dumped.
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    `--user-data-dir=${profile}`,
    '--virtual-time-budget=15000',
    '--dump-dom',
    `http://localhost:${pagePort}/`,
  ];
  const dom = await new Promise<string>((resolve, reject) =>
    execFile('chromium', args, { timeout: 120000 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`chromium (Debian's package, installed by tools/bootstrap.sh): ${err.message}\n${stderr.slice(-2000)}`))
        : resolve(stdout),
    ),
  );
  t.match(dom, 'fetches: opaque,opaque,opaque', 'the page ran: each no-cors fetch got its opaque answer');
  await waitFor('the six requests reached connectd', () => seen.length >= 6);
  const summary = seen.map((r) => `${r.method} ${r.url} [${r.contentType || 'no content type'}] ${r.secFetchSite} → ${r.status}`).sort();
  t.same(
    summary,
    [
      // The text/plain form (the JSON-in-a-form-field trick) and the no-cors fetch.
      `POST /connectors [text/plain] cross-site → 415`,
      `POST /connectors [text/plain] cross-site → 415`,
      `POST /connectors/${name}/restart?includeTasks=true [application/x-www-form-urlencoded] cross-site → 415`,
      `POST /connectors/${name}/restart?includeTasks=true [no content type] cross-site → 403`,
      // The beacon.
      `POST /connectors/${name}/restart?includeTasks=true [text/plain;charset=UTF-8] cross-site → 415`,
      `POST /connectors/${name}/restart?includeTasks=true [text/plain] cross-site → 415`,
    ].sort(),
    'every request arrived from the other site and was refused',
  );
  t.ok(
    seen.every((r) => r.origin === `http://localhost:${pagePort}`),
    "each with the page's Origin",
  );
  t.same((await call('GET', '/connectors')).body, [name], 'nothing created');
  t.same(await taskEvents(), ['start'], 'the task never restarted');

  // The control: the same restart from a Kafka Connect client restarts the task, so the events
  // above would have shown a browser's restart.
  t.equal((await call('POST', `/connectors/${name}/restart?includeTasks=true`)).status, 202);
  await waitFor('the task restarted', async () => (await taskEvents()).join(',') === 'start,stop,start');
  t.equal((await call('DELETE', `/connectors/${name}`)).status, 204);
});
