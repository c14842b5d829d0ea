/** `/admin/loggers…` (KIP-495). Standalone has one worker, so scope=cluster acts like scope=worker. */
import type { FastifyPluginAsync } from 'fastify';
import { HerderError } from '../../runtime/errors.js';
import type { LoggerRegistry } from '../../logging/logger-registry.js';
import { anyCase } from '../schemas.js';

type LoggerParams = { Params: { logger: string } };

const LEVEL_BODY = 'The request body must be {"level": "<LEVEL>"}';

const setLevelSchema = {
  params: { type: 'object', properties: { logger: { type: 'string' } } },
  querystring: {
    type: 'object',
    properties: {
      scope: { type: 'string', pattern: anyCase(['worker', 'cluster']), errorMessage: 'scope must be worker or cluster, got {value}' },
    },
  },
  // The level's name is the registry's to check (its message lists the levels).
  body: {
    type: 'object',
    errorMessage: LEVEL_BODY,
    required: ['level'],
    properties: { level: { type: 'string', errorMessage: LEVEL_BODY } },
  },
} as const;

export const loggerRoutes: FastifyPluginAsync<{ loggers: LoggerRegistry }> = async (app, { loggers }) => {
  app.get('/admin/loggers', async () => loggers.levels());
  app.get<LoggerParams>('/admin/loggers/:logger', async (req) => {
    const level = loggers.level(req.params.logger);
    if (level === undefined) throw new HerderError(404, 'CONNECTD_ERR_LOGGER_NOT_FOUND', `Logger ${req.params.logger} not found.`);
    return level;
  });
  app.put<LoggerParams & { Querystring: { scope?: string }; Body: { level: string } }>(
    '/admin/loggers/:logger',
    { schema: setLevelSchema },
    async (req) => {
      try {
        return loggers.setLevel(req.params.logger, req.body.level);
      } catch (err) {
        throw new HerderError(400, 'CONNECTD_ERR_BAD_REQUEST', (err as Error).message);
      }
    },
  );
};
