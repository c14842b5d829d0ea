/**
 * The REST API, with Kafka Connect's paths, shapes, status codes and error body
 * (`{"error_code": …, "message": …}`). This version serves the reads and the lifecycle operations;
 * the rest of the API (config writes, offsets, plugins, loggers) grows in the REST issue.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { HerderError } from '../runtime/errors.js';
import type { StandaloneHerder } from '../runtime/standalone-herder.js';
import { VERSION } from '../version.js';

export interface RestServerOptions {
  herder: StandaloneHerder;
  metrics: Registry;
  kafkaClusterId: () => string | null;
}

type NameParams = { Params: { name: string } };
type TaskParams = { Params: { name: string; task: string } };

function booleanQuery(value: unknown, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new HerderError(400, 'CONNECTD_ERR_BAD_REQUEST', `query parameter ${name} must be true or false, got ${JSON.stringify(value)}`);
}

function taskId(text: string): number {
  if (!/^\d+$/.test(text)) throw new HerderError(400, 'CONNECTD_ERR_BAD_REQUEST', `task id must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

export function createRestServer(opts: RestServerOptions): FastifyInstance {
  const { herder } = opts;
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

  app.get('/', async () => ({ version: VERSION, commit: process.env.CONNECTD_COMMIT ?? 'unknown', kafka_cluster_id: opts.kafkaClusterId() }));
  app.get('/connectors', async () => herder.connectorNames());
  app.get<NameParams>('/connectors/:name', async (req) => herder.connectorInfo(req.params.name));
  app.get<NameParams>('/connectors/:name/config', async (req) => herder.connectorInfo(req.params.name).config);
  app.get<NameParams>('/connectors/:name/status', async (req) => herder.status(req.params.name));
  app.get<NameParams>('/connectors/:name/tasks', async (req) => herder.taskInfos(req.params.name));
  app.get<TaskParams>('/connectors/:name/tasks/:task/status', async (req) => herder.taskStatus(req.params.name, taskId(req.params.task)));

  // Lifecycle, with Kafka Connect's status codes: pause/resume/stop 202, restart 204 or 202.
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
  app.post<NameParams & { Querystring: { includeTasks?: string; onlyFailed?: string } }>('/connectors/:name/restart', async (req, reply) => {
    const includeTasks = booleanQuery(req.query.includeTasks, 'includeTasks');
    const onlyFailed = booleanQuery(req.query.onlyFailed, 'onlyFailed');
    const done = herder.restartConnector(req.params.name, { includeTasks, onlyFailed });
    // Kafka Connect: the plain connector restart is synchronous (204); with task options it answers
    // 202 at once with the status showing what restarts.
    if (!includeTasks && !onlyFailed) {
      await done;
      return reply.code(204).send();
    }
    done.catch(() => undefined);
    return reply.code(202).send(herder.status(req.params.name));
  });
  app.post<TaskParams>('/connectors/:name/tasks/:task/restart', async (req, reply) => {
    await herder.restartTask(req.params.name, taskId(req.params.task));
    return reply.code(204).send();
  });
  app.delete<NameParams>('/connectors/:name', async (req, reply) => {
    await herder.deleteConnector(req.params.name);
    return reply.code(204).send();
  });

  app.get('/metrics', async (_req, reply) => {
    const body = await opts.metrics.metrics();
    return reply.type(opts.metrics.contentType).send(body);
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error_code: 404, message: `HTTP ${req.method} ${req.url} not found` }));
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err instanceof HerderError ? err.statusCode : (err.statusCode ?? 500);
    return reply.code(status).send({ error_code: status, message: err.message });
  });
  return app;
}
