/**
 * The converter registry: Kafka Connect's class names and aliases, configuration by prefix, and
 * errors that name the key.
 */
import t from 'tap';
import {
  ByteArrayConverter,
  JsonConverter,
  LongConverter,
  SimpleHeaderConverter,
  StringConverter,
  createConverter,
  createHeaderConverter,
  knownConverterClasses,
} from '../../../src/worker-thread/data/converters.js';
import { Schema } from '../../../src/worker-thread/data/schema.js';
import { ConfigException } from '../../../src/worker-thread/sdk/config-def.js';

t.test("Kafka's full names, simple names and plugin aliases", async (t) => {
  const cases: [string, unknown][] = [
    ['org.apache.kafka.connect.json.JsonConverter', JsonConverter],
    ['JsonConverter', JsonConverter],
    ['Json', JsonConverter],
    ['org.apache.kafka.connect.storage.StringConverter', StringConverter],
    ['String', StringConverter],
    ['org.apache.kafka.connect.converters.ByteArrayConverter', ByteArrayConverter],
    ['org.apache.kafka.connect.converters.LongConverter', LongConverter],
    ['Long', LongConverter],
  ];
  for (const [name, Klass] of cases) {
    t.ok(createConverter({ 'value.converter': name }, 'value.converter') instanceof (Klass as new () => object), name);
  }
  for (const n of ['Short', 'Integer', 'Float', 'Double', 'Boolean'])
    t.ok(knownConverterClasses().includes(`org.apache.kafka.connect.converters.${n}Converter`), n);
});

t.test('converter keys come from the prefix; key converters know they are keys', async (t) => {
  const config = {
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'false',
    'value.converter': 'JsonConverter',
  };
  const key = createConverter(config, 'key.converter');
  const value = createConverter(config, 'value.converter');
  t.equal(Buffer.from((await key.fromConnectData('t', Schema.INT32_SCHEMA, 1))!).toString(), '1');
  t.equal(
    Buffer.from((await value.fromConnectData('t', Schema.INT32_SCHEMA, 1))!).toString(),
    '{"schema":{"type":"int32","optional":false},"payload":1}',
  );
});

t.test('errors are ConfigExceptions naming the key', async (t) => {
  t.throws(() => createConverter({}, 'value.converter'), {
    name: 'ConfigException',
    code: 'CONNECTD_ERR_INVALID_CONFIG',
    message: /value.converter: Missing required configuration/,
  });
  const unknown = t.throws(() => createConverter({ 'key.converter': 'com.example.NoSuchConverter' }, 'key.converter')) as ConfigException;
  t.match(unknown.message, /key.converter="com.example.NoSuchConverter": unknown converter class \(known: .*JsonConverter/);
  t.throws(() => createConverter({ 'value.converter': 'Json', 'value.converter.decimal.format': 'HEX' }, 'value.converter'), {
    name: 'ConfigException',
    message: /decimal.format/,
  });
});

t.test('header converters: SimpleHeaderConverter by default, any converter by name', async (t) => {
  t.ok(createHeaderConverter({}) instanceof SimpleHeaderConverter);
  t.ok(createHeaderConverter({ 'header.converter': 'Simple' }) instanceof SimpleHeaderConverter, "Kafka's alias without HeaderConverter");
  const json = createHeaderConverter({
    'header.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'header.converter.schemas.enable': 'false',
  });
  t.equal(Buffer.from(json.fromConnectHeader('t', 'h', Schema.STRING_SCHEMA, 'v')!).toString(), '"v"');
  t.throws(() => createHeaderConverter({ 'header.converter': 'Nope' }), ConfigException);
});
