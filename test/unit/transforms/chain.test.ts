/**
 * TransformationChain: config parsing as Kafka Connect's ConnectorConfig does it (every problem at
 * once, each naming its key), stages in order, predicates with and without negate, records dropped
 * by Filter, errors wrapped with their stage, the empty chain, and both record kinds.
 */
import t from 'tap';
import { DataException } from '../../../src/worker-thread/data/errors.js';
import { Schema } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { ConfigException } from '../../../src/worker-thread/sdk/config-def.js';
import { SourceRecord } from '../../../src/worker-thread/sdk/records.js';
import { SinkRecord } from '../../../src/worker-thread/sdk/sink.js';
import { TransformationChain, TransformationError, transformationConfigProblems } from '../../../src/worker-thread/transforms/chain.js';
import { transformsConfigDef } from '../../../src/worker-thread/transforms/transforms-config.js';
import { sinkRecord, sourceRecord } from './helpers.js';

const problemsOf = (config: Record<string, string>): [string, string][] =>
  transformationConfigProblems(config).map((p) => [p.name, p.message]);

t.test('an empty chain returns the record itself and is one shared instance', async (t) => {
  const chain = TransformationChain.fromConfig({ name: 'c', 'connector.class': 'X' });
  t.equal(chain, TransformationChain.EMPTY);
  t.ok(chain.isEmpty);
  const record = sourceRecord({ value: 'x' });
  t.equal(chain.apply(record), record, 'the same object: nothing allocated');
  t.equal(TransformationChain.fromConfig({ transforms: '' }), TransformationChain.EMPTY);
  t.equal(TransformationChain.fromConfig({ transforms: ' ', predicates: '' }), TransformationChain.EMPTY);
  t.same(chain.stages(), []);
});

t.test('stages run in order, by full class name or short alias', async (t) => {
  const chain = TransformationChain.fromConfig({
    transforms: 'hoist, insert ,route',
    'transforms.hoist.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
    'transforms.hoist.field': 'line',
    'transforms.insert.type': 'InsertField$Value',
    'transforms.insert.topic.field': 'from',
    'transforms.route.type': 'RegexRouter',
    'transforms.route.regex': '(.*)',
    'transforms.route.replacement': '$1-copy',
  });
  const out = chain.apply(sourceRecord({ value: 'hello' }));
  t.ok(out instanceof SourceRecord);
  t.equal(out?.topic, 'orders-copy');
  t.same(
    out?.value,
    new Map<string, unknown>([
      ['line', 'hello'],
      ['from', 'orders'],
    ]),
    'InsertField saw the topic before RegexRouter renamed it',
  );
  t.same(out?.sourceOffset, { position: 7 }, 'the source offset is kept');
  t.same(
    chain.stages().map((s) => [s.alias, s.className]),
    [
      ['hoist', 'org.apache.kafka.connect.transforms.HoistField$Value'],
      ['insert', 'org.apache.kafka.connect.transforms.InsertField$Value'],
      ['route', 'org.apache.kafka.connect.transforms.RegexRouter'],
    ],
  );
  t.equal(
    String(chain),
    'TransformationChain{org.apache.kafka.connect.transforms.HoistField$Value, org.apache.kafka.connect.transforms.InsertField$Value, org.apache.kafka.connect.transforms.RegexRouter}',
  );
});

t.test('a predicate selects the records a stage transforms; negate inverts it', async (t) => {
  const config = {
    transforms: 'dropTombstones,tagOthers',
    'transforms.dropTombstones.type': 'org.apache.kafka.connect.transforms.Filter',
    'transforms.dropTombstones.predicate': 'isTombstone',
    'transforms.tagOthers.type': 'InsertHeader',
    'transforms.tagOthers.header': 'routed',
    'transforms.tagOthers.value.literal': 'yes',
    'transforms.tagOthers.predicate': 'isOrders',
    'transforms.tagOthers.negate': 'true',
    predicates: 'isTombstone,isOrders',
    'predicates.isTombstone.type': 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
    'predicates.isOrders.type': 'TopicNameMatches',
    'predicates.isOrders.pattern': 'orders',
  };
  const chain = TransformationChain.fromConfig(config);
  t.equal(chain.apply(sourceRecord({ value: null })), null, 'a tombstone is dropped');
  const orders = chain.apply(sourceRecord({ value: 'x' }));
  t.same(orders?.headers, [], 'orders matches, negated: not tagged');
  const other = chain.apply(sourceRecord({ topic: 'payments', value: 'x' }));
  t.same(other?.headers, [{ key: 'routed', value: 'yes' }], 'another topic is tagged');
  t.same(chain.stages()[1], {
    alias: 'tagOthers',
    className: 'org.apache.kafka.connect.transforms.InsertHeader',
    predicate: { alias: 'isOrders', className: 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches' },
    negate: true,
  });

  const notNegated = TransformationChain.fromConfig({ ...config, 'transforms.tagOthers.negate': 'false' });
  t.same(notNegated.apply(sourceRecord({ value: 'x' }))?.headers, [{ key: 'routed', value: 'yes' }]);
  t.same(notNegated.apply(sourceRecord({ topic: 'payments', value: 'x' }))?.headers, []);
});

t.test('a dropped record stops the chain', async (t) => {
  let seen = 0;
  const chain = TransformationChain.fromConfig({
    transforms: 'filter,after',
    'transforms.filter.type': 'Filter',
    'transforms.after.type': 'HoistField$Value',
    'transforms.after.field': 'f',
  });
  const record = sourceRecord({ value: 'x' });
  Object.defineProperty(record, 'value', {
    get: () => {
      seen++;
      return 'x';
    },
  });
  t.equal(chain.apply(record), null);
  t.equal(seen, 0, 'the stage after Filter never read the record');
});

t.test('an error names its stage and keeps the original as its cause', async (t) => {
  const chain = TransformationChain.fromConfig({
    transforms: 'extract',
    'transforms.extract.type': 'ExtractField$Value',
    'transforms.extract.field': 'id',
  });
  const err = t.throws(() => chain.apply(sourceRecord({ value: 'not a map' }))) as TransformationError;
  t.ok(err instanceof TransformationError);
  t.equal(err.code, 'CONNECTD_ERR_TRANSFORMATION');
  t.equal(err.stage, 'TRANSFORMATION');
  t.equal(err.alias, 'extract');
  t.equal(err.className, 'org.apache.kafka.connect.transforms.ExtractField$Value');
  t.ok(err.cause instanceof DataException);
  t.equal(
    err.message,
    'Transformation extract (org.apache.kafka.connect.transforms.ExtractField$Value) failed: Only Map objects supported in absence of schema for [field extraction], found: string',
  );
});

t.test('the chain works on sink records and keeps what a sink record carries', async (t) => {
  const schema = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).build();
  const chain = TransformationChain.fromConfig({
    transforms: 'offset,route',
    'transforms.offset.type': 'InsertField$Value',
    'transforms.offset.offset.field': 'offset',
    'transforms.route.type': 'TimestampRouter',
    'transforms.route.timestamp.format': 'yyyy',
  });
  const out = chain.apply(sinkRecord({ valueSchema: schema, value: new Struct(schema).put('id', 1) }, 99));
  t.ok(out instanceof SinkRecord);
  t.equal(out?.topic, 'orders-2023');
  t.equal(out?.originalTopic, 'orders', 'the original topic is what was consumed');
  t.equal(out?.kafkaOffset, 99);
  t.equal(out?.timestampType, 'CreateTime');
  t.equal((out?.value as Struct).get('offset'), 99n);
});

t.test('every configuration problem at once, each naming its key', async (t) => {
  const config = {
    transforms: 'a,b,c,d,e,f,g,a',
    'transforms.a.type': 'Filter',
    // b: no type
    'transforms.c.type': 'org.example.NoSuchTransform',
    'transforms.d.type': 'InsertField',
    'transforms.e.type': 'ExtractField$Value', // field missing
    'transforms.e.negate': 'true',
    'transforms.f.type': 'InsertField$Value', // no field to insert: configure refuses it
    'transforms.g.type': 'Filter',
    'transforms.g.predicate': 'nope',
    predicates: 'p,q',
    'predicates.p.type': 'TopicNameMatches',
    'predicates.p.pattern': '(unclosed',
    'predicates.q.type': 'Filter',
    'transforms.orphan.type': 'Whatever', // not listed: ignored, as in Kafka
  };
  const problems = problemsOf(config);
  t.same(problems, [
    ['transforms', 'Invalid value [a, b, c, d, e, f, g, a] for configuration transforms: Duplicate alias provided.'],
    ['transforms.b.type', 'Missing required configuration "transforms.b.type" which has no default value.'],
    [
      'transforms.c.type',
      'Invalid value org.example.NoSuchTransform for configuration transforms.c.type: Class org.example.NoSuchTransform could not be found.',
    ],
    [
      'transforms.d.type',
      'Invalid value InsertField for configuration transforms.d.type: This class is abstract and cannot be created. Did you mean org.apache.kafka.connect.transforms.InsertField$Key, org.apache.kafka.connect.transforms.InsertField$Value?',
    ],
    [
      'transforms.e.type',
      "Invalid value ExtractField$Value for configuration transforms.e.type: Config 'transforms.e.negate' was provided but there is no config 'transforms.e.predicate' defining a predicate to be negated.",
    ],
    ['transforms.e.field', 'Missing required configuration "transforms.e.field" which has no default value.'],
    ['predicates.p.pattern', problems.find(([name]) => name === 'predicates.p.pattern')?.[1] ?? 'missing'],
    [
      'predicates.q.type',
      'Invalid value Filter for configuration predicates.q.type: Class org.apache.kafka.connect.transforms.Filter does not implement the Predicate interface',
    ],
    ['transforms.f.type', 'No field insertion configured'],
    [
      'transforms.g.predicate',
      "Invalid value nope for configuration transforms.g.predicate: there is no predicate with that alias in 'predicates'",
    ],
  ]);
  t.match(
    problems.find(([name]) => name === 'predicates.p.pattern')?.[1],
    /^Invalid value \(unclosed for configuration predicates\.p\.pattern: Invalid regex: /,
  );
  t.same(transformationConfigProblems(config)[1], {
    name: 'transforms.b.type',
    value: null,
    message: 'Missing required configuration "transforms.b.type" which has no default value.',
  });
  t.same(transformationConfigProblems(config)[2]?.value, 'org.example.NoSuchTransform');

  const err = t.throws(() => TransformationChain.fromConfig(config)) as ConfigException;
  t.ok(err instanceof ConfigException);
  t.equal(err.problems.length, problems.length, 'fromConfig throws them all');
  t.match(err.message, /^Invalid transformation configuration: transforms=/);
});

t.test('plugin keys are validated with Kafka wording, prefixed by the alias', async (t) => {
  t.same(
    problemsOf({
      transforms: 'cast,ts,neg',
      'transforms.cast.type': 'Cast$Value',
      'transforms.cast.spec': 'a:int8,b:bytes',
      'transforms.cast.replace.null.with.default': 'maybe',
      'transforms.ts.type': 'TimestampConverter$Value',
      'transforms.ts.target.type': 'string', // no format: configure refuses it
      'transforms.neg.type': 'Filter',
      'transforms.neg.predicate': 'p',
      'transforms.neg.negate': 'sometimes',
      predicates: 'p',
      'predicates.p.type': 'HasHeaderKey',
      'predicates.p.name': '',
    }),
    [
      [
        'transforms.cast.spec',
        'Invalid value [a:int8, b:bytes] for configuration transforms.cast.spec: Cast transformation does not support casting to BYTES; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]',
      ],
      [
        'transforms.cast.replace.null.with.default',
        'Invalid value maybe for configuration transforms.cast.replace.null.with.default: Expected value to be either true or false',
      ],
      [
        'transforms.neg.negate',
        'Invalid value sometimes for configuration transforms.neg.negate: Expected value to be either true or false',
      ],
      ['predicates.p.name', 'Invalid value  for configuration predicates.p.name: String must be non-empty'],
      ['transforms.ts.format', 'TimestampConverter requires format option to be specified when using string timestamps'],
    ],
  );
});

t.test('a predicate named by several stages, and predicates listed but unused, are configured', async (t) => {
  const config = {
    transforms: 'x,y',
    'transforms.x.type': 'Filter',
    'transforms.x.predicate': 'p',
    'transforms.y.type': 'Filter',
    'transforms.y.predicate': 'p',
    'transforms.y.negate': 'true',
    predicates: 'p,unused',
    'predicates.p.type': 'HasHeaderKey',
    'predicates.p.name': 'drop',
    'predicates.unused.type': 'TopicNameMatches',
  };
  t.same(problemsOf(config), [
    ['predicates.unused.pattern', 'Missing required configuration "predicates.unused.pattern" which has no default value.'],
    // Kafka's RegexValidator runs on the missing value too.
    ['predicates.unused.pattern', 'Invalid value null for configuration predicates.unused.pattern: Invalid regex: null'],
  ]);
  const chain = TransformationChain.fromConfig({ ...config, 'predicates.unused.pattern': '.*' });
  t.equal(chain.apply(sourceRecord({ value: 'x', headers: [{ key: 'drop', value: null }] })), null, 'x drops it');
  t.equal(chain.apply(sourceRecord({ value: 'x' })), null, 'y (negated) drops the others');
  chain.close();
});

t.test('transformsConfigDef: the keys Kafka Connect adds to a connector config, for the validate endpoint', async (t) => {
  const props = {
    transforms: 'mask',
    'transforms.mask.type': 'MaskField$Value',
    predicates: 'p',
    'predicates.p.type': 'RecordIsTombstone',
  };
  const def = transformsConfigDef(props);
  const keys = def.keys().map((k) => [k.name, k.group, k.orderInGroup]);
  t.same(keys, [
    ['transforms', 'Transforms', 12],
    ['predicates', 'Predicates', 13],
    ['transforms.mask.type', 'Transforms: mask', 0],
    ['transforms.mask.fields', 'Transforms: mask', 2],
    // Kafka's documentation order: required first, then importance, then name.
    ['transforms.mask.negate', 'Transforms: mask', 3],
    ['transforms.mask.predicate', 'Transforms: mask', 4],
    ['transforms.mask.replace.null.with.default', 'Transforms: mask', 5],
    ['transforms.mask.replacement', 'Transforms: mask', 6],
    ['predicates.p.type', 'Predicates: p', 0],
  ]);
  const infos = def.validate(props, 'X');
  t.equal(infos.error_count, 2);
  t.same(infos.groups, ['Transforms', 'Predicates', 'Transforms: mask', 'Predicates: p']);
  const type = infos.configs.find((c) => c.definition?.name === 'transforms.mask.type');
  t.equal(type?.definition?.display_name, 'Transformation type for mask');
  t.equal(type?.definition?.documentation, "Class for the 'mask' transformation.");
  t.ok(type?.value?.recommended_values.includes('org.apache.kafka.connect.transforms.Cast$Key'));
  t.notOk(type?.value?.recommended_values.includes('org.apache.kafka.connect.transforms.predicates.HasHeaderKey'));
  t.same(infos.configs.find((c) => c.definition?.name === 'transforms.mask.fields')?.value?.errors, [
    'Missing required configuration "transforms.mask.fields" which has no default value.',
    'Invalid value null for configuration transforms.mask.fields: Empty list',
  ]);

  const base = transformsConfigDef({}, transformsConfigDef({}));
  t.same(
    base.keys().map((k) => k.name),
    ['transforms', 'predicates'],
    'a base that has the keys keeps them',
  );
});
