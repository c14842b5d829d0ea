/**
 * ParsedConfig (Kafka's AbstractConfig without config providers): typed getters, LONG precision,
 * values(), originals and originalsWithPrefix; and what define() fills in, accepts and rejects.
 */
import t from 'tap';
import { ConfigDef, ConfigException, ParsedConfig, Password } from '../../../src/worker-thread/sdk/config-def.js';
import type { ConfigKeyDefinition } from '../../../src/worker-thread/sdk/config-def.js';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an exception');
}

const key = (name: string, extra: Partial<ConfigKeyDefinition> = {}): ConfigKeyDefinition => ({
  name,
  type: 'STRING',
  importance: 'LOW',
  documentation: '',
  ...extra,
});

const DEF = new ConfigDef()
  .define(key('s', { default: ' text ' }))
  .define(key('i', { type: 'INT', default: '-7' }))
  .define(key('sh', { type: 'SHORT', default: 12 }))
  .define(key('l', { type: 'LONG', default: '9223372036854775807' }))
  .define(key('small.l', { type: 'LONG', default: 42 }))
  .define(key('d', { type: 'DOUBLE', default: '2.5' }))
  .define(key('b', { type: 'BOOLEAN', default: 'TRUE' }))
  .define(key('list', { type: 'LIST', default: 'x, y' }))
  .define(key('c', { type: 'CLASS', default: ' com.example.Converter ' }))
  .define(key('pw', { type: 'PASSWORD', default: ' p ' }))
  .define(key('none', { type: 'CLASS', default: null }));

t.test('typed getters', async (t) => {
  const cfg = DEF.parse({
    'producer.override.acks': 'all',
    'producer.override.linger.ms': '5',
    'producer.override.': 'empty suffix',
    consumer: 'x',
  });
  t.equal(cfg.getString('s'), 'text');
  t.equal(cfg.getInt('i'), -7);
  t.equal(cfg.getShort('sh'), 12);
  t.equal(cfg.getLong('l'), 9223372036854775807n, 'a LONG past 2^53 is an exact bigint');
  t.equal(cfg.getLong('small.l'), 42, 'and a number when it fits');
  t.equal(cfg.getDouble('d'), 2.5);
  t.equal(cfg.getBoolean('b'), true);
  t.same(cfg.getList('list'), ['x', 'y']);
  t.equal(cfg.getClass('c'), 'com.example.Converter');
  t.equal(cfg.getClass('none'), null);
  t.equal(cfg.getPassword('pw')?.value(), 'p');
  t.equal(cfg.getPassword('s'), null, 'not a password');
  t.throws(() => cfg.getInt('nope'), { message: "Unknown configuration 'nope'" });
  t.throws(() => cfg.get('consumer'), /Unknown configuration/, 'an undefined key is only an original');
});

t.test('values() holds every defined key, typed; originals are the props as given, frozen', async (t) => {
  const cfg = DEF.parse({ i: '3', unknown: 'kept' });
  const values = cfg.values();
  t.same(
    Object.keys(values),
    DEF.keys().map((k) => k.name),
  );
  t.equal(values['i'], 3);
  t.ok(values['pw'] instanceof Password);
  t.same(cfg.originals, { i: '3', unknown: 'kept' });
  t.ok(Object.isFrozen(cfg.originals));
  t.same(new ParsedConfig(new Map([['a', 1]]), { a: '1' }).values(), { a: 1 }, 'constructible directly');
});

t.test('originalsWithPrefix: strips the prefix by default, keeps it on request, skips the bare prefix', async (t) => {
  const cfg = DEF.parse({
    'producer.override.acks': 'all',
    'producer.override.linger.ms': '5',
    'producer.override.': 'bare',
    'producer.overrides': 'no',
    s: 'x',
  });
  t.same(cfg.originalsWithPrefix('producer.override.'), { acks: 'all', 'linger.ms': '5' });
  t.same(cfg.originalsWithPrefix('producer.override.', false), { 'producer.override.acks': 'all', 'producer.override.linger.ms': '5' });
  t.same(cfg.originalsWithPrefix('nothing.'), {});
});

t.test('LONG precision: every digit kept from props, defaults and bigints; out of range rejected', async (t) => {
  const one = (extra: Partial<ConfigKeyDefinition>) => new ConfigDef().define(key('n', { type: 'LONG', ...extra }));
  for (const text of ['9007199254740993', '-9007199254740993', '9223372036854775806', '-9223372036854775808']) {
    t.equal(one({}).parse({ n: text }).getLong('n'), BigInt(text), text);
    t.equal(one({ default: text }).parse({}).getLong('n'), BigInt(text), `default ${text}`);
  }
  t.equal(
    one({ default: 2n ** 40n })
      .parse({})
      .getLong('n'),
    2 ** 40,
    'a bigint default that fits a double exactly becomes a number',
  );
  t.equal(
    one({ default: 2 ** 60 })
      .parse({})
      .getLong('n'),
    2n ** 60n,
    'a number default past 2^53 becomes an exact bigint',
  );
  t.throws(() => one({ default: 2n ** 63n }), ConfigException, 'out of range default');
  t.throws(() => one({ default: 1.5 }), /64-bit integer/);
  t.equal(ConfigDef.convertToString(one({}).parse({ n: '9223372036854775807' }).get('n'), 'LONG'), '9223372036854775807');
});

t.test('define fills in Kafka defaults for the UI metadata', async (t) => {
  const [k] = new ConfigDef().define(key('a')).keys();
  t.match(k, { name: 'a', group: null, orderInGroup: -1, width: 'NONE', displayName: 'a', dependents: [], internal: false });
  t.equal(k?.default, undefined, 'no default: required');
  t.ok(Object.isFrozen(k));
  const [optional] = new ConfigDef().define(key('a', { default: undefined })).keys();
  t.notOk(optional && 'default' in optional && optional.default !== undefined, 'default: undefined means required');
  t.same(
    new ConfigDef()
      .define(key('a', { type: 'INT', default: '5' }))
      .define(key('b'))
      .defaultValues(),
    { a: 5 },
  );
});

t.test('define rejects what Kafka rejects, and malformed definitions from plain JS', async (t) => {
  t.throws(() => new ConfigDef().define(key('a')).define(key('a')), { message: 'Configuration a is defined twice.' });
  t.throws(() => new ConfigDef().define(key('n', { type: 'INT', default: '1.5' })), {
    message: 'Invalid default value of configuration n: n="1.5": Not a number of type INT',
  });
  t.match(
    caught(() => new ConfigDef().define(key('s', { default: 5 }))),
    { problems: [{ name: 's', value: '5', message: 'Expected value to be a string, but it was a number 5' }] },
  );
  t.throws(() => new ConfigDef().define(key('i', { type: 'INT', default: 2 ** 31 })), /32-bit integer/);
  t.throws(() => new ConfigDef().define(key('sh', { type: 'SHORT', default: 40000 })), /16-bit integer \(short\)/);
  t.throws(() => new ConfigDef().define(key('b', { type: 'BOOLEAN', default: 1 })), /either true or false/);
  t.throws(() => new ConfigDef().define(key('l', { type: 'LIST', default: [1] as unknown as string[] })), /comma separated list/);
  t.throws(() => new ConfigDef().define(key('c', { type: 'CLASS', default: '  ' })), /Class {4}could not be found\./);
  t.throws(() => new ConfigDef().define(key('x', { type: 'TEXT' as 'STRING' })), TypeError);
  t.throws(() => new ConfigDef().define(key('x', { importance: 'high' as 'HIGH' })), TypeError);
  t.throws(() => new ConfigDef().define(key('x', { width: 'WIDE' as 'LONG' })), TypeError);
  t.throws(() => new ConfigDef().define(key('')), TypeError);
});

t.test('typed defaults are taken as they are', async (t) => {
  const def = new ConfigDef()
    .define(key('list', { type: 'LIST', default: ['a', ' b '] }))
    .define(key('pw', { type: 'PASSWORD', default: new Password('x') }))
    .define(key('d', { type: 'DOUBLE', default: 3n }))
    .define(key('b', { type: 'BOOLEAN', default: false }));
  const cfg = def.parse({});
  t.same(cfg.getList('list'), ['a', ' b '], 'a list default is not re-split or trimmed (Kafka keeps a List as is)');
  t.equal(cfg.getPassword('pw')?.value(), 'x');
  t.equal(cfg.getDouble('d'), 3);
  t.equal(cfg.getBoolean('b'), false);
});

t.test('props given as null (a REST body may hold them) parse as null, as in Kafka', async (t) => {
  const def = new ConfigDef().define(key('a')).define(key('b', { default: 'd' }));
  const cfg = def.parse({ a: null, b: undefined });
  t.equal(cfg.get('a'), null, 'a null value is set, not missing');
  t.equal(cfg.get('b'), 'd', 'undefined is missing');
});
