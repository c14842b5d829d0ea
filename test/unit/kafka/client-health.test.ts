/**
 * KafkaClientHealth with librdkafka's events as the binding emits them (text only, code -1) and a
 * fake clock: one log line per state change whatever the retries, every event counted, and health
 * unhealthy only when every client has been unreachable for the threshold.
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import t from 'tap';
import { KafkaClientHealth, REPEAT_QUIET_MS } from '../../../src/main-thread/kafka/client-health.js';
import type { LibrdKafkaError } from '../../../src/main-thread/kafka/binding.js';

interface Line {
  level: number;
  msg: string;
  client: string;
  code?: string;
}

function fixture(thresholdMs = 10_000) {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Line);
      done();
    },
  });
  let now = 1_000_000;
  const health = new KafkaClientHealth(pino({ level: 'info' }, sink), thresholdMs, () => now);
  return { lines, health, advance: (ms: number) => (now += ms) };
}
// The binding's 'event.error': librdkafka's text for the code after "Local: ", lower-cased; code -1.
const event = (message: string) => ({ message, code: -1 }) as unknown as LibrdKafkaError;
const down = event('all broker connections are down');
const transport = event('broker transport failure');
const stats = (state: string) => ({ message: JSON.stringify({ brokers: { 'b:9092/1': { nodeid: 1, state } } }) });
const flush = () => new Promise((r) => setImmediate(r));

t.test('an outage: one WARN, however many retries; one INFO on reconnection', async (t) => {
  const { lines, health, advance } = fixture();
  const client = new EventEmitter();
  health.watch(client, 'p1', 'source producer');
  for (let i = 0; i < 50; i++) {
    client.emit('event.error', transport);
    client.emit('event.error', down);
    client.emit('event.stats', stats('INIT'));
    advance(1000);
  }
  await flush();
  t.same(
    lines.map((l) => [l.level, l.code]),
    [
      [40, 'ERR__TRANSPORT'],
      [40, 'ERR__ALL_BROKERS_DOWN'],
    ],
    'one WARN per error code',
  );
  t.match(lines[1]!.msg, 'source producer p1 cannot reach the cluster: all broker connections are down');
  t.same(
    [...health.errorCounts()],
    [
      { client: 'p1', code: 'ERR__TRANSPORT', count: 50 },
      { client: 'p1', code: 'ERR__ALL_BROKERS_DOWN', count: 50 },
    ],
    'every event counted',
  );
  client.emit('event.stats', stats('UP'));
  client.emit('event.stats', stats('UP'));
  await flush();
  t.equal(lines.length, 3);
  t.same([lines[2]!.level, lines[2]!.msg], [30, 'Kafka source producer p1 reached the cluster again after 50 s']);
  // A new outage right away is a new state change: its WARN again (the transport error, repeating
  // within REPEAT_QUIET_MS, is not).
  client.emit('event.error', transport);
  client.emit('event.error', down);
  await flush();
  t.same(
    lines.slice(3).map((l) => l.code),
    ['ERR__ALL_BROKERS_DOWN'],
  );
  advance(REPEAT_QUIET_MS + 1);
  client.emit('event.error', transport);
  await flush();
  t.same(
    lines.slice(4).map((l) => l.code),
    ['ERR__TRANSPORT'],
    'logged again after being quiet',
  );
});

t.test('a fatal error is logged at ERROR', async (t) => {
  const { lines, health } = fixture();
  const client = new EventEmitter();
  health.watch(client, 'p1', 'source producer');
  client.emit('event.error', event('fatal error'));
  await flush();
  t.same(
    lines.map((l) => [l.level, l.code]),
    [[50, 'ERR__FATAL']],
  );
});

t.test('unhealthy only when every client has had no broker for the threshold', async (t) => {
  const { health, advance } = fixture(10_000);
  t.same(health.health(), { status: 'healthy' }, 'no clients');
  const a = new EventEmitter();
  const b = new EventEmitter();
  health.watch(a, 'a', 'source producer');
  const unwatchB = health.watch(b, 'b', 'sink consumer');
  a.emit('event.error', down);
  advance(20_000);
  t.same(health.health(), { status: 'healthy' }, 'b still reaches the cluster');
  b.emit('event.error', event('authentication failure'));
  advance(9_000);
  t.same(health.health(), { status: 'healthy' }, 'b unreachable for less than the threshold');
  advance(1_000);
  t.same(health.health(), {
    status: 'unhealthy',
    message: 'Kafka cluster unreachable for 10 s from all 2 Kafka clients (a, b): all broker connections are down',
  });
  b.emit('event.stats', stats('UP'));
  t.same(health.health(), { status: 'healthy' }, 'one client reconnected');
  unwatchB();
  t.same(health.health().status, 'unhealthy', 'a closed client no longer counts: a alone has been down 30 s');
  t.match(health.health(), { message: /^Kafka cluster unreachable for 30 s from the source producer a: / });
});
