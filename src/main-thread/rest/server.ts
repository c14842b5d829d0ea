/**
 * The REST API, wire-compatible with Kafka Connect's: same paths, methods, status codes, JSON
 * shapes and error body (`{"error_code": …, "message": …}`), so that its clients, UIs and Terraform
 * providers work unchanged. Shapes: ../../docs/rest.md and Kafka Connect's ConnectorsResource.
 *
 * This file sets up the server: TLS, the guards every request passes (request-guards.ts), body
 * parsing, validation (schemas.ts), forwarding (forward.ts), logging, and the one error handler
 * that answers in Kafka Connect's shape. The routes are plugins, one per resource, in routes/.
 *
 * Beyond Kafka Connect: values of secret keys and URL passwords come back masked in every GET, a
 * PUT or PATCH that sends the masked value back keeps the stored one, and no answer shows a secret
 * value the worker knows (config/secrets.ts).
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import Fastify, { LogController } from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Bindings, Logger } from 'pino';
import { BasicAuthenticator, crossSiteRefusal } from './request-guards.js';
import { forwarding } from './forward.js';
import { herderStartGate } from './herder-start.js';
import type { HerderStart } from './herder-start.js';
import { lazyValidatorBuilder, schemaErrorFormatter, VALIDATOR_OPTIONS } from './schemas.js';
import { connectorRoutes } from './routes/connectors.js';
import { connectorPluginRoutes } from './routes/connector-plugins.js';
import type { ConnectorPluginOptions } from './routes/connector-plugins.js';
import { loggerRoutes } from './routes/loggers.js';
import { offsetRoutes } from './routes/offsets.js';
import { rootRoutes } from './routes/root.js';
import type { RootOptions } from './routes/root.js';
import { knownSecrets } from '../config/secrets.js';
import { HerderError } from '../runtime/errors.js';
import type { Herder } from '../runtime/herder.js';
import type { LoggerRegistry } from '../logging/logger-registry.js';

export interface RestServerOptions {
  herder: Herder;
  /**
   * Named loggers for /admin/loggers (without it those endpoints answer 404); the server logs as
   * `connectd.rest.RestServer` (without it, not at all).
   */
  loggers?: LoggerRegistry;
  worker: ConnectorPluginOptions['worker'];
  metrics: RootOptions['metrics'];
  kafkaClusterId: RootOptions['kafkaClusterId'];
  /** KIP-1017: 'starting' until the worker is up and its initial connectors started; a message names the reason. */
  health: RootOptions['health'];
  /**
   * Distributed mode: the herder's start, which settles once the config topic is read to its end
   * and the first join is done, and the stage it is in meanwhile. Until then every request on herder
   * state (every /connectors path) waits for it, as Kafka Connect's wait in its herder thread's
   * queue, up to `requestTimeoutMs`; then 500 "Request timed out. The worker is currently …".
   */
  herderStart?: HerderStart;
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

/** Kafka Connect's RestServer.DEFAULT_REST_REQUEST_TIMEOUT_MS. */
const REST_REQUEST_TIMEOUT_MS = 90_000;

/** The logger the server logs as, under the name Kafka Connect's RestServer has in its package. */
export const REST_LOGGER = 'connectd.rest.RestServer';

/**
 * What the server logs, and at which level. One line per request, at debug, when it is answered:
 * method, path and query, status and time — never a header or a body, so never a config value or a
 * credential (what is logged still goes through the logger's masking, log.ts). Kafka Connect logs
 * each request at INFO (Jetty's request log); here a load balancer's health checks would then fill
 * the log, so they are at debug: `PUT /admin/loggers/connectd.rest.RestServer {"level":"DEBUG"}`
 * shows them. Answers of 500 and up are logged at error by the error handler (server.ts), the rest
 * of fastify's per-request lines ("incoming request", 404s) not at all.
 */
class RequestLog extends LogController {
  override incomingRequest(): void {}
  override routeNotFound(): void {}
  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    const line = { method: req.method, url: req.url, statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime) };
    if (error) reply.log.warn({ ...line, err: error }, 'request failed while answering');
    else reply.log.debug(line, 'request');
  }
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
  const routerOptions = { maxParamLength: 16 * 1024 };
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
  const logger: Logger | undefined = opts.loggers?.get(REST_LOGGER);
  const common = {
    ...(logger === undefined
      ? { logger: false }
      : {
          loggerInstance: logger,
          logController: new RequestLog(),
          // Each request's logger is a child of the registry's logger, which /admin/loggers sets the
          // level of: fastify's default makes it of its own copy, whose level stays as it was at start.
          childLoggerFactory: (_parent: unknown, bindings: Bindings) => logger.child(bindings),
        }),
    bodyLimit,
    clientErrorHandler,
    frameworkErrors,
    ajv: VALIDATOR_OPTIONS,
    schemaController: { compilersFactory: { buildValidator: lazyValidatorBuilder() } },
    schemaErrorFormatter,
    routerOptions,
  } satisfies FastifyServerOptions;
  // fastify's overloads type the instance by its server and logger; this module uses the default instance type.
  const create = Fastify as unknown as (options: object) => FastifyInstance;
  const app = create(https === undefined ? common : { ...common, https });
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

  forwarding(app, { tls: opts.tls });

  void app.register(rootRoutes, { metrics: opts.metrics, kafkaClusterId: opts.kafkaClusterId, health: opts.health });
  // Every /connectors path reads or changes herder state: in distributed mode it waits for the
  // herder's start (herder-start.ts), in this scope only.
  void app.register(async (scope) => {
    if (opts.herderStart !== undefined)
      scope.addHook('preHandler', herderStartGate(opts.herderStart, opts.requestTimeoutMs ?? REST_REQUEST_TIMEOUT_MS));
    await scope.register(connectorRoutes, { herder });
    await scope.register(offsetRoutes, { herder });
  });
  void app.register(connectorPluginRoutes, { herder, worker: opts.worker });
  // KIP-495 loggers; without a registry these paths are unknown (404).
  if (opts.loggers !== undefined) void app.register(loggerRoutes, { loggers: opts.loggers });

  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error_code: 404, message: `HTTP ${req.method} ${req.url} not found` }));
  // Every error a route, a hook or fastify raises is answered here, in Kafka Connect's shape: a
  // HerderError with its status, a failed validation (schemas.ts) with 400 and its message.
  app.setErrorHandler(async (err: FastifyError | HerderError, req, reply) => {
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
    // A 4xx is the client's: its message may quote a config value, so it is not logged.
    if (status >= 500) req.log.error({ code: err.code, status, err }, 'request failed');
    return reply.code(status).send({ error_code: status, message });
  });
  return app;
}
