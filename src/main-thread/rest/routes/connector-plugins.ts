/** `/connector-plugins…`: the plugins on this worker, their config keys, and config validation (ConnectorPluginsResource). */
import type { FastifyPluginAsync } from 'fastify';
import { VERSION } from '../../../shared/version.js';
import { configKeyInfo } from '../../../worker-thread/sdk/config-def.js';
import { findTransformPlugin, listTransformPlugins } from '../../../worker-thread/transforms/registry.js';
import { HerderError } from '../../runtime/errors.js';
import type { Herder } from '../../runtime/herder.js';
import type { Worker } from '../../runtime/worker.js';
import { booleanQuery, configSchema, configValues, isTrue } from '../schemas.js';

export interface ConnectorPluginOptions {
  herder: Herder;
  worker: Pick<Worker, 'listConnectorPlugins' | 'connectorPluginConfig'>;
}

type PluginParams = { Params: { plugin: string } };

/** pluginVersionProblem's messages (runtime/plugin-version.ts), as they come back from the worker thread. */
const PLUGIN_VERSION_MISMATCH = /not found that matches the version range|^Invalid version range/;
const PLUGIN_VERSION_STATUS = 400;

const pluginParams = { type: 'object', properties: { plugin: { type: 'string' } } } as const;

export const connectorPluginRoutes: FastifyPluginAsync<ConnectorPluginOptions> = async (app, { herder, worker }) => {
  app.get<{ Querystring: { connectorsOnly?: string } }>(
    '/connector-plugins',
    { schema: { querystring: { type: 'object', properties: { connectorsOnly: booleanQuery('connectorsOnly') } } } },
    async (req) => {
      const found = await worker.listConnectorPlugins();
      const connectors = found.filter((p) => p.type === 'source' || p.type === 'sink');
      if (isTrue(req.query.connectorsOnly, true)) return connectors;
      // The registry imports every converter (Avro, Protobuf, JSON Schema): loaded when first asked
      // for, not at every start of the supervisor.
      const { knownConverterClasses, knownHeaderConverterClasses } = await import('../../../worker-thread/data/converters.js');
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
    },
  );

  app.get<PluginParams & { Querystring: { version?: string } }>(
    '/connector-plugins/:plugin/config',
    {
      schema: {
        params: pluginParams,
        querystring: {
          type: 'object',
          properties: { version: { type: 'string', errorMessage: 'query parameter version must be one version range, got {value}' } },
        },
      },
    },
    async (req) => {
      const transform = findTransformPlugin(req.params.plugin);
      if (transform !== undefined) return transform.configDef.keys().map(configKeyInfo);
      try {
        return await worker.connectorPluginConfig(req.params.plugin, req.query.version);
      } catch (err) {
        const message = (err as Error).message;
        // KIP-891: the plugin is there, in another version than the one asked for.
        if (PLUGIN_VERSION_MISMATCH.test(message)) throw new HerderError(PLUGIN_VERSION_STATUS, 'CONNECTD_ERR_PLUGIN_VERSION', message);
        throw new HerderError(404, 'CONNECTD_ERR_PLUGIN_NOT_FOUND', message);
      }
    },
  );

  app.put<PluginParams & { Body: Record<string, string | number | boolean> }>(
    '/connector-plugins/:plugin/config/validate',
    { schema: { params: pluginParams, body: configSchema('config') } },
    async (req) => herder.validateForPlugin(req.params.plugin, configValues(req.body)),
  );
};
