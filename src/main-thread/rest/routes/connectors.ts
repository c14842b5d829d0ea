/**
 * `/connectors…` except offsets: list, create, config, status, tasks, topics and the lifecycle
 * (pause, resume, stop, restart, delete), with Kafka Connect's status codes (ConnectorsResource).
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ConfigException } from '../../../worker-thread/sdk/config-def.js';
import { HerderError } from '../../runtime/errors.js';
import type { Herder, TargetState } from '../../runtime/herder.js';
import { anyCase, booleanQuery, configSchema, configValues, connectorParams, isTrue, taskParams } from '../schemas.js';

type Config = Record<string, string | number | boolean>;
type NameParams = { Params: { name: string } };
type TaskParams = { Params: { name: string; task: string } };

const badRequest = (message: string): HerderError => new HerderError(400, 'CONNECTD_ERR_BAD_REQUEST', message);

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

const nameMismatch = (configured: string, name: string): HerderError =>
  badRequest(`Connector name configuration (${configured}) doesn't match connector name in the URL (${name})`);

/**
 * Kafka Connect's CreateConnectorRequest.InitialState, case-insensitive; RUNNING is STARTED. STARTED
 * itself, the herder's name, is taken too (as it was before the schemas).
 */
const INITIAL_STATES = ['RUNNING', 'PAUSED', 'STOPPED'] as const;

const createSchema = {
  body: {
    type: 'object',
    errorMessage: 'request body must be a JSON object {"name": …, "config": {…}}',
    properties: {
      // A name that is not a string is not used (config.name is), as before the schemas.
      name: {},
      config: configSchema('config', { nullable: true }),
      initial_state: {
        type: ['string', 'null'],
        pattern: anyCase([...INITIAL_STATES, 'STARTED']),
        errorMessage: `initial_state must be one of ${INITIAL_STATES.join(', ')}; got {value}`,
      },
    },
  },
} as const;

const restartSchema = {
  params: connectorParams,
  querystring: {
    type: 'object',
    properties: { includeTasks: booleanQuery('includeTasks'), onlyFailed: booleanQuery('onlyFailed') },
  },
} as const;

export const connectorRoutes: FastifyPluginAsync<{ herder: Herder }> = async (app, { herder }) => {
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

  app.get<{ Querystring: { expand?: string | string[] } }>(
    '/connectors',
    { schema: { querystring: { type: 'object', properties: { expand: { type: ['string', 'array'], items: { type: 'string' } } } } } },
    async (req) => {
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
    },
  );

  app.post<{ Body: { name?: unknown; config?: Config | null; initial_state?: string | null } }>(
    '/connectors',
    { schema: createSchema },
    async (req, reply) => {
      const config = configValues(req.body.config);
      const name = typeof req.body.name === 'string' ? req.body.name : config.name;
      if (name === undefined) throw badRequest('connector name is required: give "name" or config.name');
      if (config.name !== undefined && config.name !== name) throw nameMismatch(config.name, name);
      const requested = req.body.initial_state?.toUpperCase() ?? 'RUNNING';
      const initialState = (requested === 'RUNNING' ? 'STARTED' : requested) as TargetState;
      const full = { ...config, name };
      await withValidation(full, () => herder.createConnector(full, initialState));
      return created(reply, name);
    },
  );

  app.get<NameParams>('/connectors/:name', { schema: { params: connectorParams } }, async (req) => herder.connectorInfo(req.params.name));
  app.get<NameParams>('/connectors/:name/config', { schema: { params: connectorParams } }, async (req) =>
    herder.connectorConfig(req.params.name),
  );
  app.put<NameParams & { Body: Config }>(
    '/connectors/:name/config',
    { schema: { params: connectorParams, body: configSchema('config') } },
    async (req, reply) => {
      const { name } = req.params;
      const config = configValues(req.body);
      if (config.name !== undefined && config.name !== name) throw nameMismatch(config.name, name);
      const result = await withValidation(config, () => herder.putConnectorConfig(name, config));
      return result.created ? created(reply, name) : reply.code(200).send(await herder.connectorInfo(name));
    },
  );
  app.patch<NameParams & { Body: Record<string, string | number | boolean | null> }>(
    '/connectors/:name/config',
    { schema: { params: connectorParams, body: configSchema('config patch', { nullValues: true }) } },
    async (req) => {
      const patch = configValues(req.body);
      const effective = Object.fromEntries(Object.entries(patch).filter((e): e is [string, string] => e[1] !== null));
      await withValidation(effective, () => herder.patchConnectorConfig(req.params.name, patch));
      return herder.connectorInfo(req.params.name);
    },
  );
  app.get<NameParams>('/connectors/:name/status', { schema: { params: connectorParams } }, async (req) => herder.status(req.params.name));
  app.get<NameParams>('/connectors/:name/tasks', { schema: { params: connectorParams } }, async (req) => herder.taskInfos(req.params.name));
  app.get<TaskParams>('/connectors/:name/tasks/:task/status', { schema: { params: taskParams } }, async (req) =>
    herder.taskStatus(req.params.name, Number(req.params.task)),
  );

  app.get<NameParams>('/connectors/:name/topics', { schema: { params: connectorParams } }, async (req) => ({
    [req.params.name]: { topics: herder.activeTopics(req.params.name) },
  }));
  app.put<NameParams>('/connectors/:name/topics/reset', { schema: { params: connectorParams } }, async (req, reply) => {
    await herder.resetActiveTopics(req.params.name);
    return reply.code(202).send();
  });

  // Lifecycle, with Kafka Connect's status codes.
  app.put<NameParams>('/connectors/:name/pause', { schema: { params: connectorParams } }, async (req, reply) => {
    await herder.pauseConnector(req.params.name);
    return reply.code(202).send();
  });
  app.put<NameParams>('/connectors/:name/resume', { schema: { params: connectorParams } }, async (req, reply) => {
    await herder.resumeConnector(req.params.name);
    return reply.code(202).send();
  });
  app.put<NameParams>('/connectors/:name/stop', { schema: { params: connectorParams } }, async (req, reply) => {
    await herder.stopConnector(req.params.name);
    return reply.code(204).send();
  });
  app.post<NameParams & { Querystring: { includeTasks?: string; onlyFailed?: string } }>(
    '/connectors/:name/restart',
    { schema: restartSchema },
    async (req, reply) => {
      const includeTasks = isTrue(req.query.includeTasks);
      const onlyFailed = isTrue(req.query.onlyFailed);
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
  app.post<TaskParams>('/connectors/:name/tasks/:task/restart', { schema: { params: taskParams } }, async (req, reply) => {
    await herder.restartTask(req.params.name, Number(req.params.task));
    return reply.code(204).send();
  });
  app.delete<NameParams>('/connectors/:name', { schema: { params: connectorParams } }, async (req, reply) => {
    await herder.deleteConnector(req.params.name);
    return reply.code(204).send();
  });
};
