/** `/`, `/health` (KIP-1017) and `/metrics`: answered while the herder starts, as Kafka Connect's RootResource. */
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import { VERSION } from '../../../shared/version.js';

export interface RootOptions {
  metrics: Registry;
  kafkaClusterId: () => string | null;
  health: () => 'starting' | 'healthy' | 'unhealthy' | { status: 'healthy' | 'unhealthy'; message?: string };
}

const HEALTH_MESSAGES = {
  healthy: 'Worker has completed startup and is ready to handle requests.',
  starting: 'Worker is still starting up.',
  unhealthy: 'Worker is unhealthy.',
} as const;
const HEALTH_STATUS = { healthy: 200, starting: 503, unhealthy: 500 } as const;

export const rootRoutes: FastifyPluginAsync<RootOptions> = async (app, opts) => {
  app.get('/', async () => ({
    version: VERSION,
    commit: process.env.CONNECTD_COMMIT ?? 'unknown',
    kafka_cluster_id: opts.kafkaClusterId(),
  }));

  app.get('/health', async (_req, reply) => {
    const reported = opts.health();
    const status = typeof reported === 'string' ? reported : reported.status;
    const message = typeof reported === 'string' ? HEALTH_MESSAGES[status] : (reported.message ?? HEALTH_MESSAGES[status]);
    return reply.code(HEALTH_STATUS[status]).send({ status, message });
  });

  app.get('/metrics', async (_req, reply) => {
    const body = await opts.metrics.metrics();
    return reply.type(opts.metrics.contentType).send(body);
  });
};
