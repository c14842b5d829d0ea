/**
 * The daemon's logs: JSON lines (pino) with connector and task fields, human-readable on a
 * terminal, and secrets masked whatever a caller passes.
 */
import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger, formatPretty } from '../../src/main-thread/log.js';
import { maskSecrets } from '../../src/main-thread/config/secrets.js';

class Capture extends Writable {
  readonly chunks: string[] = [];
  isTTY?: boolean;
  constructor(isTTY?: boolean) {
    super();
    if (isTTY !== undefined) this.isTTY = isTTY;
  }
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }
  text(): string {
    return this.chunks.join('');
  }
}

t.test('JSON lines by default, with connector and task fields from child loggers', async (t) => {
  const out = new Capture();
  const logger = createLogger('info', out);
  logger.child({ connector: 'generator', task: 1 }).info({ records: 10 }, 'polled');
  logger.debug('not at info');
  const lines = out.text().trimEnd().split('\n');
  t.equal(lines.length, 1);
  t.match(JSON.parse(lines[0]!), { level: 30, msg: 'polled', connector: 'generator', task: 1, records: 10, pid: process.pid });
});

t.test('pretty on a terminal (log.format=auto), or when asked; JSON when asked even on a terminal', async (t) => {
  const tty = new Capture(true);
  createLogger('info', tty, { colors: false })
    .child({ connector: 'generator', task: 0 })
    .warn({ topic: 'a', lag: { ms: 5 } }, 'slow broker');
  t.match(tty.text(), /^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[generator\/0\] slow broker topic=a lag=\{"ms":5\}\n$/);
  const forced = new Capture(false);
  createLogger('info', forced, { format: 'pretty', colors: false }).info('hello');
  t.match(forced.text(), /INFO {2}hello\n$/);
  const json = new Capture(true);
  createLogger('info', json, { format: 'json' }).info('hello');
  t.match(JSON.parse(json.text()), { msg: 'hello' });
  const colored = new Capture(true);
  createLogger('info', colored).error('boom');
  t.match(colored.text(), '\x1b[31mERROR', 'colours on a terminal');
});

t.test('pretty errors show their stack', async (t) => {
  const line = JSON.stringify({
    level: 50,
    time: 0,
    msg: 'failed',
    connector: 'c',
    err: { type: 'Error', message: 'x', stack: 'Error: x\n    at here' },
  });
  t.equal(formatPretty(line), '00:00:00.000 ERROR [c] failed\n    Error: x\n        at here\n');
  t.equal(formatPretty('not json\n'), 'not json\n');
});

t.test('secrets are masked in log lines, nested or not', async (t) => {
  const out = new Capture();
  const logger = createLogger('info', out);
  logger.info(
    {
      config: { 'sasl.jaas.config': 'x password="hunter2"', 'ssl.keystore.password': 'hunter2', 'db.url': 'jdbc:x' },
      password: 'hunter2',
      nested: { deeper: { 'client.secret': 'hunter2' } },
    },
    'config',
  );
  const text = out.text();
  t.notMatch(text, /hunter2/);
  t.match(JSON.parse(text), {
    config: { 'sasl.jaas.config': '[hidden]', 'ssl.keystore.password': '[hidden]', 'db.url': 'jdbc:x' },
    password: '[hidden]',
    nested: { deeper: { 'client.secret': '[hidden]' } },
  });
});

t.test('maskSecrets leaves what it does not need to touch alone', async (t) => {
  const plain = { a: 1, b: { c: 'x' } };
  t.equal(maskSecrets(plain), plain, 'same object when nothing is secret');
  const err = new Error('password=1');
  t.equal(maskSecrets(err), err);
  t.same(
    maskSecrets({
      'key.converter': 'x',
      'ssl.key.location': '/k',
      'ssl.key.pem': 'PEM',
      'sasl.oauthbearer.token.endpoint.url': 'u',
      'rest.basic.auth.credentials.file': '/f',
    }),
    {
      'key.converter': 'x',
      'ssl.key.location': '/k',
      'ssl.key.pem': '[hidden]',
      'sasl.oauthbearer.token.endpoint.url': 'u',
      'rest.basic.auth.credentials.file': '/f',
    },
  );
});
