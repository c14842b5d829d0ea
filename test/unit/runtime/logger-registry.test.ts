import { Writable } from 'node:stream';
import { pino } from 'pino';
import t from 'tap';
import { LoggerRegistry } from '../../../src/main-thread/logging/logger-registry.js';

function capture(): { stream: Writable; lines: () => { logger?: string; msg: string; level: number }[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { logger?: string; msg: string; level: number }),
  };
}

t.test('levels follow the hierarchy and reach loggers created before the change', async (t) => {
  const out = capture();
  const registry = new LoggerRegistry(pino({ level: 'info' }, out.stream));
  const task = registry.get('connectd.task.gen', { connector: 'gen', task: 0 });
  const other = registry.get('connectd.task.other');
  const worker = registry.get('connectd.runtime.Worker');
  task.debug('hidden');
  t.same(registry.setLevel('connectd.task', 'DEBUG'), ['connectd.task', 'connectd.task.gen', 'connectd.task.other']);
  task.debug('task debug');
  other.debug('other debug');
  worker.debug('worker debug hidden');
  const later = registry.get('connectd.task.late');
  later.debug('late debug');
  t.same(
    out.lines().map((l) => l.msg),
    ['task debug', 'other debug', 'late debug'],
    'a logger created later inherits the set level',
  );
  t.same(
    Object.keys(registry.levels()),
    ['connectd.runtime.Worker', 'connectd.task', 'connectd.task.gen', 'connectd.task.late', 'connectd.task.other', 'root'],
    'every logger in use, as Kafka Connect lists every logger log4j knows',
  );
  t.same(registry.levels()['connectd.task.gen'], { level: 'DEBUG', last_modified: null }, 'a logger never set itself: its effective level');
  t.match(registry.levels()['connectd.task'], { level: 'DEBUG', last_modified: Number });
  t.same(registry.levels().root, { level: 'INFO', last_modified: null });
  t.equal(registry.level('connectd.task.gen')?.level, 'DEBUG');
  t.equal(registry.level('nope'), undefined);
});

t.test('root overrides everything under it; bad levels are refused', async (t) => {
  const out = capture();
  const registry = new LoggerRegistry(pino({ level: 'info' }, out.stream));
  const a = registry.get('a.b');
  registry.setLevel('a', 'DEBUG');
  registry.setLevel('root', 'ERROR');
  a.warn('hidden');
  a.error('shown');
  t.same(
    out.lines().map((l) => l.msg),
    ['shown'],
  );
  t.same(
    registry.levels(),
    { 'a.b': { level: 'ERROR', last_modified: null }, root: { level: 'ERROR', last_modified: registry.levels().root!.last_modified } },
    'the more specific setting was replaced',
  );
  t.throws(() => registry.setLevel('a', 'LOUD'), /Invalid log level 'LOUD'/);
});
