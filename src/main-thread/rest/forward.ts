/**
 * Distributed mode: a call on a connector or task runs on the worker that owns it. The herder says
 * so by throwing ForwardRequest with that worker's URL; {@link forwarding}, a fastify plugin, sends
 * the request there once and answers with what it answered (Kafka Connect's RestClient, used by
 * `ConnectorsResource` for `forward=true` calls). Over HTTPS it trusts the listener's truststore CAs
 * (a cluster's private CA) and presents the listener's own certificate, so that workers whose
 * listeners require client certificates can reach each other.
 */
import http from 'node:http';
import https from 'node:https';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ForwardRequest } from '../runtime/errors.js';

/** Kafka Connect's RestServer.DEFAULT_REST_REQUEST_TIMEOUT_MS, for the hop too. */
const FORWARD_TIMEOUT_MS = 90_000;

/**
 * Wraps the handler of every route registered after it (an `onRoute` hook on the root instance, so
 * every route plugin gets it): a ForwardRequest the handler throws is answered by the owner's
 * answer. Forwarded once: the hop carries `forward=false`, as Kafka Connect marks it, and a
 * ForwardRequest on a request that came with it goes to the error handler as the herder's 409.
 * The caller's credentials go with the hop; the body goes as the client sent it (validation does
 * not rewrite it, schemas.ts).
 */
export function forwarding(app: FastifyInstance, opts: { tls?: ForwardOptions['tls'] }): void {
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
      let result: unknown;
      try {
        result = handler.call(this, req, reply);
      } catch (err) {
        return forwardOr(err, req, reply);
      }
      return result instanceof Promise ? result.catch((err: unknown) => forwardOr(err, req, reply)) : result;
    };
  });

  async function forwardOr(err: unknown, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    if (!(err instanceof ForwardRequest) || (req.query as { forward?: unknown } | undefined)?.forward === 'false') throw err;
    const target = new URL(req.url, err.url);
    target.searchParams.set('forward', 'false');
    const headers: Record<string, string> = {};
    if (req.headers.authorization !== undefined) headers.authorization = req.headers.authorization;
    const hasBody = req.body !== undefined && req.body !== null;
    if (hasBody) headers['content-type'] = 'application/json';
    try {
      const res = await forward(target, {
        method: req.method,
        headers,
        body: hasBody ? JSON.stringify(req.body) : undefined,
        timeoutMs: FORWARD_TIMEOUT_MS,
        tls: opts.tls,
      });
      reply.code(res.status);
      if (res.contentType !== undefined) reply.type(res.contentType);
      return reply.send(res.text === '' ? undefined : res.text);
    } catch (cause) {
      return reply.code(500).send({ error_code: 500, message: `forwarding the request to ${err.url} failed: ${(cause as Error).message}` });
    }
  }
}

export interface ForwardOptions {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly timeoutMs: number;
  /** This worker's listener key, certificate and truststore; absent for an http listener. */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer; readonly ca?: Buffer } | undefined;
}

export interface ForwardedResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
}

export function forward(target: URL, opts: ForwardOptions): Promise<ForwardedResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const options: https.RequestOptions = { method: opts.method, headers, timeout: opts.timeoutMs };
    // Without a truststore the system's CAs apply (Node's default), as for any HTTPS client.
    if (target.protocol === 'https:' && opts.tls !== undefined)
      Object.assign(options, { key: opts.tls.key, cert: opts.tls.cert, ...(opts.tls.ca === undefined ? {} : { ca: opts.tls.ca }) });
    const req = (target.protocol === 'https:' ? https : http).request(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 500, contentType: res.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
