/** `/connectors/{name}/offsets` (KIP-875): read, alter and reset a connector's offsets. */
import type { FastifyPluginAsync } from 'fastify';
import type { ConnectorOffset, Herder } from '../../runtime/herder.js';
import { connectorParams } from '../schemas.js';

type NameParams = { Params: { name: string } };

const ALTER_MESSAGE = 'Offsets to alter must be given as {"offsets": [{"partition": {…}, "offset": {…}}, …]} and may not be empty';

/** The shape of each offset is the herder's to check (its messages name the partition at fault). */
const alterSchema = {
  params: connectorParams,
  body: {
    type: 'object',
    errorMessage: ALTER_MESSAGE,
    required: ['offsets'],
    properties: { offsets: { type: 'array', minItems: 1, errorMessage: ALTER_MESSAGE } },
  },
} as const;

export const offsetRoutes: FastifyPluginAsync<{ herder: Herder }> = async (app, { herder }) => {
  app.get<NameParams>('/connectors/:name/offsets', { schema: { params: connectorParams } }, async (req) => ({
    offsets: await herder.offsets(req.params.name),
  }));
  app.patch<NameParams & { Body: { offsets: ConnectorOffset[] } }>('/connectors/:name/offsets', { schema: alterSchema }, async (req) => {
    await herder.alterOffsets(req.params.name, req.body.offsets);
    return { message: 'The offsets for this connector have been altered successfully' };
  });
  app.delete<NameParams>('/connectors/:name/offsets', { schema: { params: connectorParams } }, async (req) => {
    await herder.alterOffsets(req.params.name, null);
    return { message: 'The offsets for this connector have been reset successfully' };
  });
};
