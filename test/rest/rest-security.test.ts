/**
 * HTTPS and HTTP basic auth on the REST server (no Kafka needed: the routes under test do not reach
 * the herder). A self-signed certificate is made with openssl for the test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import t from 'tap';
import { createRestServer } from '../../src/main-thread/rest/server.js';
import type { RestServerOptions } from '../../src/main-thread/rest/server.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'connectd-tls-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    path.join(dir, 'cert.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ],
  { stdio: 'ignore' },
);
const key = readFileSync(path.join(dir, 'key.pem'));
const cert = readFileSync(path.join(dir, 'cert.pem'));

const app = createRestServer({
  herder: {} as RestServerOptions['herder'],
  worker: {} as RestServerOptions['worker'],
  metrics: new Registry(),
  kafkaClusterId: () => 'cluster-1',
  health: () => 'healthy',
  tls: { key, cert },
  basicAuth: new Map([['admin', 's3cret']]),
});
await app.listen({ host: '127.0.0.1', port: 0 });
t.teardown(() => app.close());
const port = (app.server.address() as AddressInfo).port;

function get(
  pathname: string,
  auth?: string,
  scheme = 'Basic ',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        ca: cert,
        headers: auth === undefined ? {} : { authorization: `${scheme}${Buffer.from(auth).toString('base64')}` },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

t.test('HTTPS with the configured certificate', async (t) => {
  const res = await get('/', 'admin:s3cret');
  t.equal(res.status, 200);
  t.match(JSON.parse(res.body), { kafka_cluster_id: 'cluster-1' });
});

t.test('basic auth: missing, wrong and right credentials', async (t) => {
  const none = await get('/');
  t.equal(none.status, 401);
  t.equal(none.headers['www-authenticate'], 'Basic realm="connectd"');
  t.same(JSON.parse(none.body), { error_code: 401, message: 'Unauthorized: valid HTTP basic auth credentials are required' });
  t.equal((await get('/', 'admin:wrong')).status, 401);
  t.equal((await get('/', 'nobody:s3cret')).status, 401);
  t.equal((await get('/', 'admin')).status, 401, 'no colon');
  t.equal((await get('/health', 'admin:s3cret')).status, 200);
});

t.test('basic auth: the scheme in any case, spaces before the credentials (RFC 7617, RFC 7235)', async (t) => {
  for (const scheme of ['basic ', 'BASIC ', 'Basic   ']) {
    t.equal((await get('/', 'admin:s3cret', scheme)).status, 200, JSON.stringify(scheme));
    t.equal((await get('/', 'admin:wrong', scheme)).status, 401, `${JSON.stringify(scheme)}, wrong password`);
  }
});
