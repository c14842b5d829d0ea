/**
 * The HTTPS listener's client certificate authentication (listeners.https.ssl.client.authentication
 * with a truststore of PEM CAs), and requests forwarded between workers over HTTPS with a private
 * CA and client certificates required (issue 14). No Kafka needed: the herders are stubs, one
 * answering, the other sending the request on to it as a distributed herder does for a connector
 * it does not own. Certificates are made with openssl for the test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import t from 'tap';
import { createRestServer } from '../../src/main-thread/rest/server.js';
import type { RestServerOptions } from '../../src/main-thread/rest/server.js';
import { ForwardRequest } from '../../src/main-thread/runtime/errors.js';
import { parseWorkerConfig } from '../../src/main-thread/config/worker-config.js';
import { loadRestSecurity } from '../../src/main-thread/cli/rest-security.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'connectd-client-auth-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => path.join(dir, name);
const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
openssl(
  'req',
  '-x509',
  '-newkey',
  'rsa:2048',
  '-nodes',
  '-keyout',
  file('ca-key.pem'),
  '-out',
  file('ca.pem'),
  '-days',
  '1',
  '-subj',
  '/CN=connectd test CA',
);
/** A key and a certificate signed by the test CA (or self-signed: `rogue`). */
function issue(name: string, extensions: string, rogue = false): { key: Buffer; cert: Buffer } {
  writeFileSync(file(`${name}.ext`), extensions);
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${name}-key.pem`), '-out', file(`${name}.csr`), '-subj', `/CN=${name}`);
  if (rogue)
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-key',
      file(`${name}-key.pem`),
      '-out',
      file(`${name}.pem`),
      '-days',
      '1',
      '-extfile',
      file(`${name}.ext`),
    );
  else
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca-key.pem'),
      '-CAcreateserial',
      '-out',
      file(`${name}.pem`),
      '-days',
      '1',
      '-extfile',
      file(`${name}.ext`),
    );
  return { key: readFileSync(file(`${name}-key.pem`)), cert: readFileSync(file(`${name}.pem`)) };
}
const ca = readFileSync(file('ca.pem'));
// Each worker's listener certificate serves as its client certificate when it forwards.
const worker = issue('worker', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
const client = issue('client', 'extendedKeyUsage=clientAuth\n');
const rogue = issue('rogue', 'extendedKeyUsage=clientAuth\n', true);

const info = { name: 'owned', config: { name: 'owned' }, tasks: [], type: 'source' };
async function server(
  clientAuthentication: 'none' | 'requested' | 'required',
  herder: Partial<RestServerOptions['herder']>,
): Promise<{ url: string }> {
  const app = createRestServer({
    herder: herder as RestServerOptions['herder'],
    worker: {} as RestServerOptions['worker'],
    metrics: new Registry(),
    kafkaClusterId: () => 'cluster-1',
    health: () => 'healthy',
    tls: { ...worker, ca, clientAuthentication },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  return { url: `https://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

function get(url: string, identity?: { key: Buffer; cert: Buffer }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ca, agent: false, ...identity }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const owner = await server('required', { connectorInfo: async () => info as never });
const forwarder = await server('required', {
  connectorInfo: async () => {
    throw new ForwardRequest(owner.url, 'connector owned');
  },
});
const requested = await server('requested', { connectorInfo: async () => info as never });

t.test('required: no request without a certificate signed by a truststore CA', async (t) => {
  t.equal((await get(`${owner.url}/connectors/owned`, client)).status, 200, 'a CA-signed client certificate');
  await t.rejects(get(`${owner.url}/connectors/owned`), 'no certificate: the handshake fails');
  await t.rejects(get(`${owner.url}/connectors/owned`, rogue), 'a certificate no truststore CA signed');
});

t.test('requested: without a certificate, or with a valid one; an untrusted one gets 401', async (t) => {
  t.equal((await get(`${requested.url}/connectors/owned`)).status, 200, 'no certificate');
  t.equal((await get(`${requested.url}/connectors/owned`, client)).status, 200, 'a CA-signed certificate');
  const untrusted = await get(`${requested.url}/connectors/owned`, rogue);
  t.equal(untrusted.status, 401);
  t.match(JSON.parse(untrusted.body), { error_code: 401, message: /client certificate is not trusted/ });
});

t.test('a request forwarded to the owning worker trusts the private CA and presents the listener certificate', async (t) => {
  const res = await get(`${forwarder.url}/connectors/owned`, client);
  t.equal(res.status, 200, res.body);
  t.same(JSON.parse(res.body), info, "the owner's answer");
});

t.test('worker config: client authentication needs a truststore; the truststore must hold PEM certificates', async (t) => {
  const base = {
    'bootstrap.servers': 'b:9092',
    'offset.storage.file.filename': file('o'),
    'key.converter': 'x',
    'value.converter': 'x',
    listeners: 'https://127.0.0.1:0',
    'listeners.https.ssl.keystore.location': file('worker.pem'),
  };
  t.throws(
    () => parseWorkerConfig({ ...base, 'listeners.https.ssl.client.authentication': 'required' }, 'standalone'),
    /listeners\.https\.ssl\.client\.authentication.*needs listeners\.https\.ssl\.truststore\.location/s,
  );
  t.throws(
    () => parseWorkerConfig({ ...base, 'listeners.https.ssl.client.authentication': 'sometimes' }, 'standalone'),
    /listeners\.https\.ssl\.client\.authentication/,
  );
  t.throws(
    () =>
      parseWorkerConfig(
        {
          ...base,
          listeners: 'http://127.0.0.1:0',
          'listeners.https.ssl.keystore.location': '',
          'listeners.https.ssl.truststore.location': file('ca.pem'),
        },
        'standalone',
      ),
    /truststore\.location.*only with an https listener/s,
  );
  writeFileSync(file('both.pem'), Buffer.concat([worker.key, worker.cert]));
  const config = parseWorkerConfig(
    {
      ...base,
      'listeners.https.ssl.keystore.location': file('both.pem'),
      'listeners.https.ssl.client.authentication': 'required',
      'listeners.https.ssl.truststore.location': file('ca.pem'),
    },
    'standalone',
  );
  const loaded = await loadRestSecurity(config);
  t.same(loaded.problems, []);
  t.equal(loaded.security.tls?.clientAuthentication, 'required');
  t.ok(loaded.security.tls?.ca?.equals(ca), 'the truststore is read');
  const broken = await loadRestSecurity(
    parseWorkerConfig(
      { ...base, 'listeners.https.ssl.keystore.location': file('both.pem'), 'listeners.https.ssl.truststore.location': file('worker.ext') },
      'standalone',
    ),
  );
  t.match(broken.problems, [{ name: 'listeners.https.ssl.truststore.location', message: /not usable PEM CA certificates/ }]);
});
