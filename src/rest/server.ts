/**
 * The REST API, with Kafka Connect's paths, shapes and error body (`{"error_code", "message"}`).
 * This first version serves the read side that operators and the demo need; the full API grows in
 * the REST issue.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { StandaloneHerder } from '../runtime/standalone-herder.js';
import { VERSION } from '../version.js';

export interface RestServerOptions {
  herder: StandaloneHerder;
  metrics: Registry;
  kafkaClusterId: () => string | null;
}

export function createRestServer(opts: RestServerOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  const notFound = (name: string) => ({ error_code: 404, message: `Connector ${name} not found` });

  app.get('/', async () => ({ version: VERSION, commit: process.env.CONNECTD_COMMIT ?? 'unknown', kafka_cluster_id: opts.kafkaClusterId() }));
  app.get('/connectors', async () => opts.herder.connectorNames());
  app.get<{ Params: { name: string } }>('/connectors/:name', async (req, reply) => {
    const info = opts.herder.connectorInfo(req.params.name);
    return info ?? reply.code(404).send(notFound(req.params.name));
  });
  app.get<{ Params: { name: string } }>('/connectors/:name/status', async (req, reply) => {
    const status = opts.herder.status(req.params.name);
    return status ?? reply.code(404).send(notFound(req.params.name));
  });
  app.get('/metrics', async (_req, reply) => {
    const body = await opts.metrics.metrics();
    return reply.type(opts.metrics.contentType).send(body);
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error_code: 404, message: `HTTP ${req.method} ${req.url} not found` }));
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode ?? 500;
    return reply.code(status).send({ error_code: status, message: err.message });
  });
  return app;
}
