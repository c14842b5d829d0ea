/**
 * The REST layer's own parts, without a broker: request validation by the routes' JSON schemas
 * (rest/schemas.ts; each 400 in Kafka Connect's shape, naming the field and why), forwarding to the
 * worker that owns a connector (rest/forward.ts), and the request log (rest/server.ts). The herder
 * is a stand-in that records its calls: what is under test is what reaches it and what is answered.
 * The real daemon's answers are tested in rest-api, rest-fuzz and kafka-connect-contract.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import t from 'tap';
import { createLogger } from '../../src/main-thread/log.js';
import { LoggerRegistry } from '../../src/main-thread/logging/logger-registry.js';
import { ForwardRequest } from '../../src/main-thread/runtime/errors.js';
import { lazyValidatorBuilder, VALIDATOR_OPTIONS } from '../../src/main-thread/rest/schemas.js';
import { createRestServer, REST_LOGGER } from '../../src/main-thread/rest/server.js';
import type { RestServerOptions } from '../../src/main-thread/rest/server.js';

type Call = [string, ...unknown[]];

/** A herder that records each call and answers as a herder with the connector `c` would. */
function recordingHerder(calls: Call[], behaviour: { throwOn?: (method: string) => Error | undefined } = {}) {
  const info = { name: 'c', config: {}, tasks: [], type: 'source' };
  const answer =
    (method: string, value: unknown = undefined) =>
    (...args: unknown[]) => {
      calls.push([method, ...args]);
      const err = behaviour.throwOn?.(method);
      if (err !== undefined) return Promise.reject(err);
      return Promise.resolve(value);
    };
  return {
    connectorNames: () => ['c'],
    connectorInfo: answer('connectorInfo', info),
    createConnector: answer('createConnector'),
    putConnectorConfig: answer('putConnectorConfig', { created: false }),
    patchConnectorConfig: answer('patchConnectorConfig'),
    pauseConnector: answer('pauseConnector'),
    deleteConnector: answer('deleteConnector'),
    restartConnector: answer('restartConnector'),
    restartTask: answer('restartTask'),
    alterOffsets: answer('alterOffsets'),
    status: answer('status', { name: 'c', connector: { state: 'RUNNING' }, tasks: [] }),
    validateForPlugin: answer('validateForPlugin', { error_count: 0 }),
  } as unknown as RestServerOptions['herder'];
}

function server(herder: RestServerOptions['herder'], extra: Partial<RestServerOptions> = {}) {
  return createRestServer({
    herder,
    worker: {} as RestServerOptions['worker'],
    metrics: new Registry(),
    kafkaClusterId: () => 'cluster-1',
    health: () => 'healthy',
    ...extra,
  });
}

t.test('bad input: 400 in Kafka Connect shape, naming the field and the reason; the herder is not called', async (t) => {
  const calls: Call[] = [];
  const loggers = new LoggerRegistry(createLogger('info', new Writable({ write: (_c, _e, cb) => cb() })));
  const app = server(recordingHerder(calls), { loggers });
  t.teardown(() => app.close());
  const cases: [method: 'POST' | 'PUT' | 'PATCH' | 'GET', url: string, body: unknown, message: string][] = [
    ['POST', '/connectors', ['a'], 'request body must be a JSON object {"name": …, "config": {…}}'],
    ['POST', '/connectors', 'text', 'request body must be a JSON object {"name": …, "config": {…}}'],
    ['POST', '/connectors', { name: 'x', config: ['a'] }, 'config must be a JSON object of string values'],
    ['POST', '/connectors', { name: 'x', config: { topic: ['not', 'a', 'string'] } }, 'config: the value of "topic" must be a string'],
    ['POST', '/connectors', { name: 'x', config: { 'a/b~c': null } }, 'config: the value of "a/b~c" must be a string'],
    [
      'POST',
      '/connectors',
      { name: 'x', initial_state: 'SLEEPING' },
      'initial_state must be one of RUNNING, PAUSED, STOPPED; got "SLEEPING"',
    ],
    ['POST', '/connectors', { name: 'x', initial_state: 3 }, 'initial_state must be one of RUNNING, PAUSED, STOPPED; got 3'],
    ['POST', '/connectors', { config: {} }, 'connector name is required: give "name" or config.name'],
    [
      'POST',
      '/connectors',
      { name: 'x', config: { name: 'y' } },
      "Connector name configuration (y) doesn't match connector name in the URL (x)",
    ],
    ['PUT', '/connectors/c/config', [], 'config must be a JSON object of string values'],
    ['PUT', '/connectors/c/config', { 'tasks.max': { n: 1 } }, 'config: the value of "tasks.max" must be a string'],
    ['PATCH', '/connectors/c/config', { topic: [] }, 'config patch: the value of "topic" must be a string or null'],
    ['PUT', '/connector-plugins/GeneratorSource/config/validate', null, 'config must be a JSON object of string values'],
    ['POST', '/connectors/c/restart?includeTasks=perhaps', undefined, 'query parameter includeTasks must be true or false, got "perhaps"'],
    [
      'POST',
      '/connectors/c/restart?onlyFailed=true&onlyFailed=false',
      undefined,
      'query parameter onlyFailed must be true or false, got ["true","false"]',
    ],
    ['POST', '/connectors/c/tasks/x1/restart', undefined, 'task id must be a non-negative integer, got "x1"'],
    ['GET', '/connectors/c/tasks/-1/status', undefined, 'task id must be a non-negative integer, got "-1"'],
    [
      'PATCH',
      '/connectors/c/offsets',
      {},
      'Offsets to alter must be given as {"offsets": [{"partition": {…}, "offset": {…}}, …]} and may not be empty',
    ],
    [
      'PATCH',
      '/connectors/c/offsets',
      { offsets: [] },
      'Offsets to alter must be given as {"offsets": [{"partition": {…}, "offset": {…}}, …]} and may not be empty',
    ],
    ['PUT', '/admin/loggers/connectd', { level: 7 }, 'The request body must be {"level": "<LEVEL>"}'],
    ['PUT', '/admin/loggers/connectd', { lvl: 'DEBUG' }, 'The request body must be {"level": "<LEVEL>"}'],
    ['PUT', '/admin/loggers/connectd?scope=nope', { level: 'DEBUG' }, 'scope must be worker or cluster, got "nope"'],
    // Before the schemas, a repeated scope reached `.toLowerCase()` of an array: a 500.
    [
      'PUT',
      '/admin/loggers/connectd?scope=worker&scope=cluster',
      { level: 'DEBUG' },
      'scope must be worker or cluster, got ["worker","cluster"]',
    ],
    ['GET', '/connector-plugins?connectorsOnly=yes', undefined, 'query parameter connectorsOnly must be true or false, got "yes"'],
  ];
  for (const [method, url, body, message] of cases) {
    const res = await app.inject({
      method,
      url,
      headers: { 'content-type': 'application/json' },
      payload: body === undefined ? '' : JSON.stringify(body),
    });
    t.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(body)}: 400`);
    t.same(res.json(), { error_code: 400, message }, `${method} ${url} ${JSON.stringify(body)}: the message`);
  }
  t.same(calls, [], 'no bad request reached the herder');
});

t.test('valid input reaches the herder as Kafka Connect reads it', async (t) => {
  const calls: Call[] = [];
  const app = server(recordingHerder(calls));
  t.teardown(() => app.close());
  const json = { 'content-type': 'application/json' };

  // Numbers and booleans in a config are their text (Jackson reading a Map<String, String>).
  const put = await app.inject({
    method: 'PUT',
    url: '/connectors/c/config',
    payload: { 'tasks.max': 2, 'errors.log.enable': true, topic: 't' },
  });
  t.equal(put.statusCode, 200);
  t.same(calls.shift(), ['putConnectorConfig', 'c', { 'tasks.max': '2', 'errors.log.enable': 'true', topic: 't' }]);
  calls.length = 0;

  // initial_state in any case; a null config is an empty one; null removes a key in a patch.
  const created = await app.inject({ method: 'POST', url: '/connectors', payload: { name: 'n', config: null, initial_state: 'paused' } });
  t.equal(created.statusCode, 201);
  t.equal(created.headers.location, '/connectors/n');
  t.same(calls.shift(), ['createConnector', { name: 'n' }, 'PAUSED']);
  calls.length = 0;
  t.equal((await app.inject({ method: 'POST', url: '/connectors', payload: { name: 'r', initial_state: 'Running' } })).statusCode, 201);
  t.same(calls.shift(), ['createConnector', { name: 'r' }, 'STARTED']);
  calls.length = 0;
  t.equal((await app.inject({ method: 'PATCH', url: '/connectors/c/config', payload: { topic: null, 'tasks.max': 3 } })).statusCode, 200);
  t.same(calls.shift(), ['patchConnectorConfig', 'c', { topic: null, 'tasks.max': '3' }]);
  calls.length = 0;

  // Kafka Connect's clients send `Content-Type: application/json` on bodyless requests too.
  t.equal((await app.inject({ method: 'PUT', url: '/connectors/c/pause', headers: json, payload: '' })).statusCode, 202);
  t.equal((await app.inject({ method: 'DELETE', url: '/connectors/c', headers: json, payload: '' })).statusCode, 204);
  t.equal((await app.inject({ method: 'GET', url: '/connectors', headers: json, payload: '' })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: '/connectors/c/restart?includeTasks=', headers: json, payload: ' ' })).statusCode, 204);
  t.same(calls.at(-1), ['restartConnector', 'c', { includeTasks: false, onlyFailed: false }]);
  t.equal((await app.inject({ method: 'POST', url: '/connectors/c/restart?includeTasks=true' })).statusCode, 202);
  t.equal((await app.inject({ method: 'POST', url: '/connectors/c/tasks/007/restart' })).statusCode, 204);
  t.same(calls.at(-1), ['restartTask', 'c', 7]);
  const offsets = [{ partition: { p: 1 }, offset: { o: 2 } }];
  t.equal((await app.inject({ method: 'PATCH', url: '/connectors/c/offsets', payload: { offsets } })).statusCode, 200);
  t.same(calls.at(-1), ['alterOffsets', 'c', offsets]);
});

t.test('forwarding: a ForwardRequest is answered by the owner, once, with the caller credentials and body', async (t) => {
  const seen: { method?: string; url?: string; authorization?: string; contentType?: string; body: string }[] = [];
  const owner = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      res.writeHead(req.method === 'DELETE' ? 204 : 201, req.method === 'DELETE' ? {} : { 'content-type': 'application/json' });
      res.end(req.method === 'DELETE' ? undefined : '{"from":"owner"}');
    });
  });
  await new Promise<void>((resolve) => owner.listen(0, '127.0.0.1', resolve));
  t.teardown(() => owner.close());
  const ownerUrl = `http://127.0.0.1:${(owner.address() as AddressInfo).port}`;
  const calls: Call[] = [];
  const app = server(recordingHerder(calls, { throwOn: () => new ForwardRequest(ownerUrl, 'Connector c') }));
  t.teardown(() => app.close());

  const put = await app.inject({
    method: 'PUT',
    url: '/connectors/c/config?x=1',
    headers: { authorization: 'Basic dTpw' },
    payload: { 'tasks.max': 2 },
  });
  t.equal(put.statusCode, 201, "the owner's status");
  t.same(put.json(), { from: 'owner' }, "the owner's body");
  t.match(seen.shift(), {
    method: 'PUT',
    url: '/connectors/c/config?x=1&forward=false',
    authorization: 'Basic dTpw',
    contentType: 'application/json',
    body: '{"tasks.max":2}',
  });
  const deleted = await app.inject({
    method: 'DELETE',
    url: '/connectors/c',
    headers: { 'content-type': 'application/json' },
    payload: '',
  });
  t.equal(deleted.statusCode, 204);
  t.equal(deleted.body, '');
  t.match(seen.shift(), { method: 'DELETE', url: '/connectors/c?forward=false', body: '' });
  t.equal(seen.length, 0);

  const hop = await app.inject({ method: 'DELETE', url: '/connectors/c?forward=false' });
  t.equal(hop.statusCode, 409, 'a request that was forwarded already is not forwarded again');
  t.same(hop.json(), { error_code: 409, message: `Connector c runs on the worker at ${ownerUrl}` });
  t.equal(seen.length, 0);

  owner.close();
  await new Promise((resolve) => owner.once('close', resolve));
  const down = await app.inject({ method: 'PUT', url: '/connectors/c/pause' });
  t.equal(down.statusCode, 500, 'an owner that does not answer');
  t.match(down.json(), { error_code: 500, message: new RegExp(`^forwarding the request to ${ownerUrl} failed: `) });
});

t.test('the request log: one line per request at debug, never a body or a header', async (t) => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const loggers = new LoggerRegistry(createLogger('info', sink, { format: 'json' }));
  const calls: Call[] = [];
  const herder = recordingHerder(calls, {
    throwOn: (method) => (method === 'deleteConnector' ? new Error('the store is gone') : undefined),
  });
  const app = server(herder, { loggers });
  t.teardown(() => app.close());
  const value = 'a-config-value-7f3e';
  const send = () =>
    app.inject({
      method: 'PUT',
      url: '/connectors/c/config',
      headers: { authorization: 'Basic c2VjcmV0LXVzZXI6cHc=' },
      payload: { topic: value, 'connection.password': value },
    });

  t.equal((await send()).statusCode, 200);
  t.same(lines, [], 'at info, a request is not logged');

  t.equal((await app.inject({ method: 'PUT', url: `/admin/loggers/${REST_LOGGER}`, payload: { level: 'DEBUG' } })).statusCode, 200);
  lines.length = 0;
  t.equal((await send()).statusCode, 200);
  t.equal((await app.inject({ method: 'PUT', url: '/connectors/c/config', payload: { topic: [value] } })).statusCode, 400);
  t.equal((await app.inject({ method: 'DELETE', url: '/connectors/c' })).statusCode, 500);
  await new Promise((resolve) => setImmediate(resolve));
  const requests = lines.filter((l) => l.msg === 'request');
  t.match(
    requests,
    [
      { level: 20, logger: REST_LOGGER, method: 'PUT', url: '/connectors/c/config', statusCode: 200, responseTime: Number },
      { level: 20, method: 'PUT', url: '/connectors/c/config', statusCode: 400 },
      { level: 20, method: 'DELETE', url: '/connectors/c', statusCode: 500 },
    ],
    'one line per request, with its method, path and status',
  );
  t.equal(requests.length, 3);
  t.match(
    lines.find((l) => l.msg === 'request failed'),
    { level: 50, status: 500, err: { message: 'the store is gone' } },
    'a 500 is logged at error with its cause',
  );
  const text = lines.map((l) => JSON.stringify(l)).join('\n');
  t.notOk(text.includes(value), 'no config value in the log');
  t.notOk(text.includes('c2VjcmV0LXVzZXI6cHc='), 'no credentials in the log');
});

t.test('every route schema compiles (the server compiles each at its first request, not at start)', async (t) => {
  const loggers = new LoggerRegistry(createLogger('info', new Writable({ write: (_c, _e, cb) => cb() })));
  const app = server(recordingHerder([]), { loggers });
  const schemas: { route: string; part: string; schema: unknown }[] = [];
  app.addHook('onRoute', (route) => {
    for (const part of ['params', 'querystring', 'body', 'headers'] as const) {
      const schema = (route.schema as Record<string, unknown> | undefined)?.[part];
      if (schema !== undefined) schemas.push({ route: `${String(route.method)} ${route.url}`, part, schema });
    }
  });
  await app.ready();
  t.teardown(() => app.close());
  t.ok(schemas.length >= 20, `the routes' schemas were seen (${schemas.length})`);
  t.same(
    schemas.filter((s) => s.part === 'headers').map((s) => s.route),
    [],
    'no header schema: a custom validator builder makes fastify skip lower-casing header schemas',
  );
  const compile = lazyValidatorBuilder()({}, VALIDATOR_OPTIONS);
  for (const { route, part, schema } of schemas) {
    const validate = compile({ schema: schema as object, url: route, httpPart: part });
    // The first call compiles: an invalid schema throws here.
    t.doesNotThrow(() => validate({}), `${route} ${part} compiles`);
  }
});
