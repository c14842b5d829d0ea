/**
 * The REST API, wire-compatible with Kafka Connect's: same paths, methods, status codes, JSON
 * shapes and error body (`{"error_code": …, "message": …}`), so that its clients, UIs and Terraform
 * providers work unchanged. Shapes: ../../docs/rest.md and Kafka Connect's ConnectorsResource.
 *
 * Beyond Kafka Connect: values of secret keys and URL passwords come back masked in every GET, a
 * PUT or PATCH that sends the masked value back keeps the stored one, and no answer shows a secret
 * value the worker knows (config/secrets.ts).
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { ConfigException } from '../../worker-thread/sdk/config-def.js';
import { BasicAuthenticator, crossSiteRefusal } from './request-guards.js';
import { forward } from './forward.js';
import { knownSecrets } from '../config/secrets.js';
import { ForwardRequest, HerderError } from '../runtime/errors.js';
import type { ConnectorOffset, Herder, TargetState } from '../runtime/herder.js';
import { VERSION } from '../../shared/version.js';
import { knownConverterClasses, knownHeaderConverterClasses } from '../../worker-thread/data/converters.js';
import { findTransformPlugin, listTransformPlugins } from '../../worker-thread/transforms/registry.js';
import { configKeyInfo } from '../../worker-thread/sdk/config-def.js';
import type { Worker } from '../runtime/worker.js';
import type { LoggerRegistry } from '../logging/logger-registry.js';

export interface RestServerOptions {
  herder: Herder;
  /** Named loggers for /admin/loggers; without it those endpoints answer 404. */
  loggers?: LoggerRegistry;
  worker: Pick<Worker, 'listConnectorPlugins' | 'connectorPluginConfig'>;
  metrics: Registry;
  kafkaClusterId: () => string | null;
  /** KIP-1017: 'starting' until the worker is up and its initial connectors started; a message names the reason. */
  health: () => 'starting' | 'healthy' | 'unhealthy' | { status: 'healthy' | 'unhealthy'; message?: string };
  /**
   * Distributed mode: the herder's start, which settles once the config topic is read to its end
   * and the first join is done, and the stage it is in meanwhile. Until then every request on herder
   * state (every /connectors path) waits for it, as Kafka Connect's wait in its herder thread's
   * queue, up to `requestTimeoutMs`; then 500 "Request timed out. The worker is currently …".
   */
  herderStart?: { started: Promise<void>; stage: () => { description: string; began: number } };
  /** How long a request waits for the herder (Kafka Connect's REST request timeout, 90 s). */
  requestTimeoutMs?: number;
  /** Request body limit in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Serve HTTPS with this PEM key and certificate; `ca`: the CAs trusted for client certificates
   * (with `clientAuthentication`) and for other workers when forwarding, to which this key and
   * certificate are presented.
   */
  tls?: { key: Buffer; cert: Buffer; ca?: Buffer; clientAuthentication?: 'none' | 'requested' | 'required' };
  /**
   * HTTP basic auth: user → password (as Kafka Connect's BasicAuthSecurityRestExtension with a
   * PropertyFileLoginModule file). Every request needs valid credentials.
   */
  basicAuth?: ReadonlyMap<string, string>;
}

type NameParams = { Params: { name: string } };
type TaskParams = { Params: { name: string; task: string } };

const badRequest = (message: string): HerderError => new HerderError(400, 'CONNECTD_ERR_BAD_REQUEST', message);

function booleanQuery(value: unknown, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'true' || value === 'false') return value === 'true';
  throw badRequest(`query parameter ${name} must be true or false, got ${JSON.stringify(value)}`);
}

function taskId(text: string): number {
  if (!/^\d+$/.test(text)) throw badRequest(`task id must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** A connector config as JSON: an object of strings (Kafka Connect rejects other value types). */
function configMap(body: unknown, what: string, allowNull = false): Record<string, string | null> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`${what} must be a JSON object of string values`);
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') out[k] = v;
    else if (v === null && allowNull) out[k] = null;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw badRequest(`${what}: the value of ${JSON.stringify(k)} must be a string${allowNull ? ' or null' : ''}`);
  }
  return out;
}

const nonNull = (config: Record<string, string | null>): Record<string, string> =>
  Object.fromEntries(Object.entries(config).filter((e): e is [string, string] => e[1] !== null));

/** Kafka Connect's message for a config that fails validation (400). */
function invalidConfigMessage(err: ConfigException, connectorClass: string | undefined): string {
  const lines = err.problems.map((p) =>
    p.value === null ? `${p.name}: ${p.message}` : `${p.name}=${JSON.stringify(p.value)}: ${p.message}`,
  );
  return (
    `Connector configuration is invalid and contains the following ${lines.length} error(s):\n${lines.join('\n')}\n` +
    `You can also find the above list of errors at the endpoint \`/connector-plugins/${connectorClass ?? '{connectorType}'}/config/validate\``
  );
}

/**
 * Errors fastify raises before routing (a path that does not percent-decode, a too-long path
 * parameter): its default answer has another shape than every other error.
 */
function frameworkErrors(err: Error & { statusCode?: number }, _req: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode ?? 400;
  void reply.code(status).send({ error_code: status, message: err.message });
}

/** A too-large body up to this many times the limit is read and discarded rather than cut off. */
const LINGER_BODY_FACTOR = 16;

/** pluginVersionProblem's messages (runtime/plugin-version.ts), as they come back from the worker thread. */
const PLUGIN_VERSION_MISMATCH = /not found that matches the version range|^Invalid version range/;
const PLUGIN_VERSION_STATUS = 400;

const INITIAL_STATES: readonly TargetState[] = ['STARTED', 'PAUSED', 'STOPPED'];

/** Kafka Connect's RestServer.DEFAULT_REST_REQUEST_TIMEOUT_MS. */
const REST_REQUEST_TIMEOUT_MS = 90_000;

/**
 * Holds requests on herder state until the herder has started (`RestServerOptions.herderStart`).
 * Kafka Connect answers a request that waited out its timeout with 500 and the herder's stage
 * (HerderRequestHandler.completeRequest, StagedTimeoutException).
 */
function herderStartGate(start: NonNullable<RestServerOptions['herderStart']>, timeoutMs: number): (req: FastifyRequest) => Promise<void> {
  let started = false;
  let failure: Error | undefined;
  start.started.then(
    () => (started = true),
    (err: unknown) => (failure = err instanceof Error ? err : new Error(String(err))),
  );
  return async (req) => {
    if (started || !req.routeOptions.url?.startsWith('/connectors')) return;
    if (failure === undefined) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const outcome = await Promise.race([
        start.started.then(
          () => 'started' as const,
          () => 'failed' as const,
        ),
        timedOut,
      ]);
      clearTimeout(timer);
      if (outcome === 'started') return;
      if (outcome === 'timeout') {
        const stage = start.stage();
        throw new HerderError(
          500,
          'CONNECTD_ERR_REQUEST_TIMEOUT',
          `Request timed out. The worker is currently ${stage.description}, which began at ${new Date(stage.began).toISOString()}`,
        );
      }
    }
    throw new HerderError(500, 'CONNECTD_ERR_NOT_STARTED', `The worker did not start: ${failure?.message ?? 'unknown error'}`);
  };
}

/**
 * A request Node's HTTP parser refuses (a raw non-ASCII byte in the path, a bad header, a timeout)
 * never reaches a route: fastify's own answer to it has another shape than every other error, and
 * it destroys the socket right after writing, which can lose the answer (the client sees
 * `socket hang up`). Kafka Connect's error body, and the connection ended after the answer is out.
 */
const answeredClientErrors = new WeakSet<Duplex>();
/** How long the rest of a request refused by the HTTP parser is read and dropped before the connection is cut. */
const CLIENT_ERROR_LINGER_MS = 10_000;

function clientErrorHandler(err: Error & { code?: string; rawPacket?: unknown; bytesParsed?: number }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // Answered already: this is the rest of the request arriving (Node's parser fails again on each
  // packet). It is read and dropped for a while, as a too-large body is: destroying the socket while
  // the client still sends makes the kernel reset the connection, and the answer is lost with it.
  if (answeredClientErrors.has(socket)) return;
  answeredClientErrors.add(socket);
  setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS).unref();
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message =
    status === 408
      ? 'Request timed out'
      : status === 431
        ? 'Request headers are too large'
        : err.code === 'HPE_INVALID_URL'
          ? 'Malformed HTTP request: the path is not a valid URL (non-ASCII bytes and control characters must be percent-encoded)'
          : `Malformed HTTP request (${err.code ?? 'unknown'}): the request line or a header is not valid HTTP/1.1`;
  const body = JSON.stringify({ error_code: status, message });
  if (!socket.writable) return void socket.destroy();
  // An answer to HEAD has no body: a client would read it as the start of the next answer. The
  // packet may begin with the tail of the previous request's body (one refused unread, 413, and
  // discarded as it comes), even on the same line: the method is that of the last request line
  // begun before the point where parsing failed.
  const parsed = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.subarray(0, err.bytesParsed).toString('latin1') : '';
  const head = parsed.match(/(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \//g)?.at(-1) === 'HEAD /';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${head ? '' : body}`,
  );
}

export function createRestServer(opts: RestServerOptions): FastifyInstance {
  const { herder } = opts;
  const bodyLimit = opts.bodyLimit ?? 1024 * 1024;
  // fastify matches no route when a path parameter is over maxParamLength (default 100): a
  // connector with a longer name was created and then answered 404 on every /connectors/{name}
  // call, DELETE included. Node's request-line bound (its 16 KiB header limit) is the only one
  // here; names are capped on create (CONNECTOR_NAME_MAX_LENGTH, 3060 bytes percent-encoded at most).
  const routing = { maxParamLength: 16 * 1024 };
  const clientAuthentication = opts.tls?.clientAuthentication ?? 'none';
  const https =
    opts.tls === undefined
      ? undefined
      : {
          key: opts.tls.key,
          cert: opts.tls.cert,
          ca: opts.tls.ca,
          requestCert: clientAuthentication !== 'none',
          rejectUnauthorized: clientAuthentication === 'required',
        };
  const app = (https === undefined
    ? Fastify({ logger: false, bodyLimit, clientErrorHandler, frameworkErrors, ...routing })
    : Fastify({ logger: false, bodyLimit, clientErrorHandler, frameworkErrors, ...routing, https })) as unknown as FastifyInstance;
  if (clientAuthentication === 'requested') {
    // Node lets the handshake through whatever the client sent (rejectUnauthorized: false, or a
    // client without a certificate could not connect); a certificate that was sent must be valid,
    // as Kafka Connect's `requested` (JSSE's wantClientAuth) has it.
    app.addHook('onRequest', async (req, reply) => {
      const socket = req.raw.socket as TLSSocket;
      if (socket.authorized || Object.keys(socket.getPeerCertificate()).length === 0) return undefined;
      return reply
        .code(401)
        .send({ error_code: 401, message: `Unauthorized: the client certificate is not trusted (${String(socket.authorizationError)})` });
    });
  }
  // Kafka Connect's clients send `Content-Type: application/json` on every request, bodyless ones
  // too (pause, resume, restart, DELETE…); Jersey answers those as if no content type was sent.
  // fastify's parser refuses an empty JSON body (FST_ERR_CTP_EMPTY_JSON_BODY), so an empty or
  // blank body parses as no body here, and the routes that need one say so in their own 400.
  // Anything else goes through fastify's own parser (its __proto__/constructor poisoning checks).
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if ((body as string).trim() === '') done(null, undefined);
    else void jsonParser(req, body as string, done);
  });
  // The one rule for secrets (config/secrets.ts), by value: no answer — a status trace, an error
  // message, a config — shows a secret value the process knows, whichever code path produced it.
  // Strings only are rewritten, so the JSON stays valid. Values are masked by key where they are shown.
  app.addHook('preSerialization', async (_req, _reply, payload) => knownSecrets.redactDeep(payload, 64));
  // A browser on another site must not change anything here, with or without the user's cached
  // basic auth credentials: refused before they are even checked (request-guards.ts).
  app.addHook('onRequest', async (req, reply) => {
    const refusal = crossSiteRefusal(req.method, req.headers);
    if (refusal === undefined) return undefined;
    return reply.code(refusal.status).send({ error_code: refusal.status, message: refusal.message });
  });
  if (opts.basicAuth !== undefined) {
    const authenticator = new BasicAuthenticator(opts.basicAuth);
    app.addHook('onRequest', async (req, reply) => {
      if (!authenticator.authenticate(req.headers.authorization)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Basic realm="connectd"')
          .send({ error_code: 401, message: 'Unauthorized: valid HTTP basic auth credentials are required' });
      }
      return undefined;
    });
  }

  if (opts.herderStart !== undefined)
    app.addHook('preHandler', herderStartGate(opts.herderStart, opts.requestTimeoutMs ?? REST_REQUEST_TIMEOUT_MS));

  const withValidation = async <T>(config: Record<string, string>, op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (err) {
      if (err instanceof ConfigException) throw new HerderError(400, err.code, invalidConfigMessage(err, config['connector.class']));
      throw err;
    }
  };
  const created = async (reply: FastifyReply, name: string) =>
    reply
      .code(201)
      .header('location', `/connectors/${encodeURIComponent(name)}`)
      .send(await herder.connectorInfo(name));

  app.get('/', async () => ({
    version: VERSION,
    commit: process.env.CONNECTD_COMMIT ?? 'unknown',
    kafka_cluster_id: opts.kafkaClusterId(),
  }));
  app.get('/health', async (_req, reply) => {
    const reported = opts.health();
    const status = typeof reported === 'string' ? reported : reported.status;
    const code = status === 'healthy' ? 200 : status === 'starting' ? 503 : 500;
    const standard =
      status === 'healthy'
        ? 'Worker has completed startup and is ready to handle requests.'
        : status === 'starting'
          ? 'Worker is still starting up.'
          : 'Worker is unhealthy.';
    const message = typeof reported === 'string' ? standard : (reported.message ?? standard);
    return reply.code(code).send({ status, message });
  });

  app.get<{ Querystring: { expand?: string | string[] } }>('/connectors', async (req) => {
    const expand = new Set([req.query.expand ?? []].flat());
    const names = herder.connectorNames();
    if (!expand.has('status') && !expand.has('info')) return names;
    const out: Record<string, { status?: unknown; info?: unknown }> = {};
    for (const name of names) {
      try {
        const item: { status?: unknown; info?: unknown } = {};
        if (expand.has('status')) item.status = await herder.status(name);
        if (expand.has('info')) item.info = await herder.connectorInfo(name);
        out[name] = item;
      } catch (err) {
        // Deleted while listing: omitted, as Kafka Connect does.
        if (!(err instanceof HerderError && err.statusCode === 404)) throw err;
      }
    }
    return out;
  });

  app.post<{ Body: unknown }>('/connectors', async (req, reply) => {
    const body = req.body as { name?: unknown; config?: unknown; initial_state?: unknown } | null;
    if (typeof body !== 'object' || body === null) throw badRequest('request body must be a JSON object {"name": …, "config": {…}}');
    const config = nonNull(configMap(body.config ?? {}, 'config'));
    const name = typeof body.name === 'string' ? body.name : config.name;
    if (name === undefined) throw badRequest('connector name is required: give "name" or config.name');
    if (config.name !== undefined && config.name !== name)
      throw badRequest(`Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`);
    let initialState: TargetState = 'STARTED';
    if (body.initial_state !== undefined && body.initial_state !== null) {
      const requested = typeof body.initial_state === 'string' ? body.initial_state.toUpperCase() : '';
      const state = requested === 'RUNNING' ? 'STARTED' : requested;
      if (!INITIAL_STATES.includes(state as TargetState))
        throw badRequest(`initial_state must be one of RUNNING, PAUSED, STOPPED; got ${JSON.stringify(body.initial_state)}`);
      initialState = state as TargetState;
    }
    const full = { ...config, name };
    await withValidation(full, () => herder.createConnector(full, initialState));
    return created(reply, name);
  });

  app.get<NameParams>('/connectors/:name', async (req) => herder.connectorInfo(req.params.name));
  app.get<NameParams>('/connectors/:name/config', async (req) => herder.connectorConfig(req.params.name));
  app.put<NameParams & { Body: unknown }>('/connectors/:name/config', async (req, reply) => {
    const { name } = req.params;
    const config = nonNull(configMap(req.body, 'config'));
    if (config.name !== undefined && config.name !== name)
      throw badRequest(`Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`);
    const result = await withValidation(config, () => herder.putConnectorConfig(name, config));
    return result.created ? created(reply, name) : reply.code(200).send(await herder.connectorInfo(name));
  });
  app.patch<NameParams & { Body: unknown }>('/connectors/:name/config', async (req) => {
    const patch = configMap(req.body, 'config patch', true);
    await withValidation(nonNull(patch), () => herder.patchConnectorConfig(req.params.name, patch));
    return herder.connectorInfo(req.params.name);
  });
  app.get<NameParams>('/connectors/:name/status', async (req) => herder.status(req.params.name));
  app.get<NameParams>('/connectors/:name/tasks', async (req) => herder.taskInfos(req.params.name));
  app.get<TaskParams>('/connectors/:name/tasks/:task/status', async (req) => herder.taskStatus(req.params.name, taskId(req.params.task)));

  app.get<NameParams>('/connectors/:name/topics', async (req) => ({ [req.params.name]: { topics: herder.activeTopics(req.params.name) } }));
  app.put<NameParams>('/connectors/:name/topics/reset', async (req, reply) => {
    await herder.resetActiveTopics(req.params.name);
    return reply.code(202).send();
  });

  app.get<NameParams>('/connectors/:name/offsets', async (req) => ({ offsets: await herder.offsets(req.params.name) }));
  app.patch<NameParams & { Body: unknown }>('/connectors/:name/offsets', async (req) => {
    const body = req.body as { offsets?: unknown } | null;
    if (typeof body !== 'object' || body === null || !Array.isArray(body.offsets) || body.offsets.length === 0) {
      throw badRequest('Offsets to alter must be given as {"offsets": [{"partition": {…}, "offset": {…}}, …]} and may not be empty');
    }
    await herder.alterOffsets(req.params.name, body.offsets as ConnectorOffset[]);
    return { message: 'The offsets for this connector have been altered successfully' };
  });
  app.delete<NameParams>('/connectors/:name/offsets', async (req) => {
    await herder.alterOffsets(req.params.name, null);
    return { message: 'The offsets for this connector have been reset successfully' };
  });

  // Lifecycle, with Kafka Connect's status codes.
  app.put<NameParams>('/connectors/:name/pause', async (req, reply) => {
    await herder.pauseConnector(req.params.name);
    return reply.code(202).send();
  });
  app.put<NameParams>('/connectors/:name/resume', async (req, reply) => {
    await herder.resumeConnector(req.params.name);
    return reply.code(202).send();
  });
  app.put<NameParams>('/connectors/:name/stop', async (req, reply) => {
    await herder.stopConnector(req.params.name);
    return reply.code(204).send();
  });
  app.post<NameParams & { Querystring: { includeTasks?: string; onlyFailed?: string } }>(
    '/connectors/:name/restart',
    async (req, reply) => {
      const includeTasks = booleanQuery(req.query.includeTasks, 'includeTasks');
      const onlyFailed = booleanQuery(req.query.onlyFailed, 'onlyFailed');
      const done = herder.restartConnector(req.params.name, { includeTasks, onlyFailed });
      // Kafka Connect: the plain connector restart answers 204 when done; with task options, 202 at
      // once with the status showing what restarts.
      if (!includeTasks && !onlyFailed) {
        await done;
        return reply.code(204).send();
      }
      done.catch(() => undefined);
      return reply.code(202).send(await herder.status(req.params.name));
    },
  );
  app.post<TaskParams>('/connectors/:name/tasks/:task/restart', async (req, reply) => {
    await herder.restartTask(req.params.name, taskId(req.params.task));
    return reply.code(204).send();
  });
  app.delete<NameParams>('/connectors/:name', async (req, reply) => {
    await herder.deleteConnector(req.params.name);
    return reply.code(204).send();
  });

  app.get<{ Querystring: { connectorsOnly?: string } }>('/connector-plugins', async (req) => {
    const connectorsOnly = req.query.connectorsOnly === undefined ? true : booleanQuery(req.query.connectorsOnly, 'connectorsOnly');
    const found = await opts.worker.listConnectorPlugins();
    const connectors = found.filter((p) => p.type === 'source' || p.type === 'sink');
    if (connectorsOnly) return connectors;
    return [
      ...connectors,
      ...listTransformPlugins(),
      ...found.filter((p) => p.type !== 'source' && p.type !== 'sink'),
      ...knownConverterClasses()
        .filter((c) => c.includes('.'))
        .map((c) => ({ class: c, type: 'converter', version: VERSION })),
      ...knownHeaderConverterClasses()
        .filter((c) => c.includes('.'))
        .map((c) => ({ class: c, type: 'header_converter', version: VERSION })),
    ];
  });
  app.get<{ Params: { plugin: string }; Querystring: { version?: string } }>('/connector-plugins/:plugin/config', async (req) => {
    const transform = findTransformPlugin(req.params.plugin);
    if (transform !== undefined) return transform.configDef.keys().map(configKeyInfo);
    try {
      return await opts.worker.connectorPluginConfig(req.params.plugin, req.query.version);
    } catch (err) {
      const message = (err as Error).message;
      // KIP-891: the plugin is there, in another version than the one asked for.
      if (PLUGIN_VERSION_MISMATCH.test(message)) throw new HerderError(PLUGIN_VERSION_STATUS, 'CONNECTD_ERR_PLUGIN_VERSION', message);
      throw new HerderError(404, 'CONNECTD_ERR_PLUGIN_NOT_FOUND', message);
    }
  });
  app.put<{ Params: { plugin: string }; Body: unknown }>('/connector-plugins/:plugin/config/validate', async (req) =>
    herder.validateForPlugin(req.params.plugin, nonNull(configMap(req.body, 'config'))),
  );

  // KIP-495 loggers. Standalone has one worker, so scope=cluster acts like scope=worker.
  const loggers = opts.loggers;
  if (loggers !== undefined) {
    app.get('/admin/loggers', async () => loggers.levels());
    app.get<{ Params: { logger: string } }>('/admin/loggers/:logger', async (req) => {
      const level = loggers.level(req.params.logger);
      if (level === undefined) throw new HerderError(404, 'CONNECTD_ERR_LOGGER_NOT_FOUND', `Logger ${req.params.logger} not found.`);
      return level;
    });
    app.put<{ Params: { logger: string }; Querystring: { scope?: string }; Body: unknown }>('/admin/loggers/:logger', async (req) => {
      const scope = (req.query.scope ?? 'worker').toLowerCase();
      if (scope !== 'worker' && scope !== 'cluster')
        throw badRequest(`scope must be worker or cluster, got ${JSON.stringify(req.query.scope)}`);
      const body = req.body as { level?: unknown } | null;
      if (typeof body !== 'object' || body === null || typeof body.level !== 'string')
        throw badRequest('The request body must be {"level": "<LEVEL>"}');
      try {
        return loggers.setLevel(req.params.logger, body.level);
      } catch (err) {
        throw badRequest((err as Error).message);
      }
    });
  }

  app.get('/metrics', async (_req, reply) => {
    const body = await opts.metrics.metrics();
    return reply.type(opts.metrics.contentType).send(body);
  });

  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error_code: 404, message: `HTTP ${req.method} ${req.url} not found` }));
  app.setErrorHandler(async (err: { statusCode?: number; message: string; code?: string }, req, reply) => {
    // Distributed mode: the call runs on the worker that owns the connector or task. Forwarded once
    // (`forward=false` on the hop, as Kafka Connect marks it), with the caller's credentials.
    if (err instanceof ForwardRequest && (req.query as { forward?: string }).forward !== 'false') {
      const target = new URL(req.url, err.url);
      target.searchParams.set('forward', 'false');
      const headers: Record<string, string> = {};
      if (req.headers.authorization !== undefined) headers.authorization = req.headers.authorization;
      if (req.body !== undefined && req.body !== null) headers['content-type'] = 'application/json';
      try {
        const body = req.body === undefined || req.body === null ? undefined : JSON.stringify(req.body);
        const res = await forward(target, { method: req.method, headers, body, timeoutMs: 90_000, tls: opts.tls });
        reply.code(res.status);
        if (res.contentType !== undefined) reply.type(res.contentType);
        return reply.send(res.text === '' ? undefined : res.text);
      } catch (cause) {
        return reply
          .code(500)
          .send({ error_code: 500, message: `forwarding the request to ${err.url} failed: ${(cause as Error).message}` });
      }
    }
    let status = err instanceof HerderError ? err.statusCode : (err.statusCode ?? 500);
    let message = err.message;
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      message = `Request body is larger than the limit of ${bodyLimit} bytes`;
      // fastify closes the connection on a parse error while the client may still be sending; the
      // unread body then makes the kernel answer with a reset that can destroy the 413 before the
      // client reads it (seen as `fetch failed`/EPIPE). For a body of a declared, moderate length
      // the connection stays open and Node discards the rest of the body (it bounds the wait by
      // its requestTimeout); a larger or undeclared one is still cut off.
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared <= bodyLimit * LINGER_BODY_FACTOR) reply.removeHeader('connection');
    } else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') status = 415;
    return reply.code(status).send({ error_code: status, message });
  });
  return app;
}
