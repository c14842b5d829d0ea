/**
 * The REST layer's wait for a distributed herder's start (RestServerOptions.herderStart), without a
 * broker: what a request on connectors answers when the start takes longer than the request
 * timeout (Kafka Connect's 500 "Request timed out. The worker is currently …"), when it fails, and
 * that the routes that do not touch herder state answer meanwhile. The real worker is tested in
 * test/distributed/rest-during-start.test.ts.
 */
import { Registry } from 'prom-client';
import t from 'tap';
import { createRestServer } from '../../src/main-thread/rest/server.js';
import type { RestServerOptions } from '../../src/main-thread/rest/server.js';

const began = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

function server(started: Promise<void>, timeoutMs: number) {
  return createRestServer({
    herder: { connectorNames: () => ['one'] } as unknown as RestServerOptions['herder'],
    worker: {} as RestServerOptions['worker'],
    metrics: new Registry(),
    kafkaClusterId: () => 'cluster-1',
    health: () => 'starting',
    herderStart: { started, stage: () => ({ description: 'ensuring membership in the cluster', began }) },
    requestTimeoutMs: timeoutMs,
  });
}

t.test('a start that outlasts the request timeout: 500 with the stage, as Kafka Connect', async (t) => {
  const app = server(new Promise<void>(() => undefined), 200);
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/connectors' });
  t.equal(res.statusCode, 500);
  t.same(res.json(), {
    error_code: 500,
    message: 'Request timed out. The worker is currently ensuring membership in the cluster, which began at 2026-01-02T03:04:05.678Z',
  });
  const health = await app.inject({ method: 'GET', url: '/health' });
  t.equal(health.statusCode, 503, '/health answers while the herder starts');
  t.equal((await app.inject({ method: 'GET', url: '/' })).statusCode, 200, 'GET / answers while the herder starts');
});

t.test('a request waits for the start, then answers from the herder', async (t) => {
  let start!: () => void;
  const app = server(new Promise<void>((resolve) => (start = resolve)), 60_000);
  t.teardown(() => app.close());
  let answered = false;
  const pending = app.inject({ method: 'GET', url: '/connectors' }).then((res) => {
    answered = true;
    return res;
  });
  await new Promise((r) => setImmediate(r));
  t.notOk(answered, 'no answer before the start');
  start();
  const res = await pending;
  t.equal(res.statusCode, 200);
  t.same(res.json(), ['one']);
});

t.test('a failed start: 500 naming why', async (t) => {
  const app = server(Promise.reject(new Error('Worker is shutting down')), 60_000);
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'POST', url: '/connectors', payload: { name: 'x', config: {} } });
  t.equal(res.statusCode, 500);
  t.match(res.json(), { message: 'The worker did not start: Worker is shutting down' });
});
