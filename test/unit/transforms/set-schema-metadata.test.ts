/** SetSchemaMetadata$Key / $Value. */
import t from 'tap';
import { Schema } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { SetSchemaMetadata } from '../../../src/worker-thread/transforms/set-schema-metadata.js';
import { configProblems, configured, sourceRecord } from './helpers.js';

const schema = SchemaBuilder.struct()
  .name('old')
  .version(1)
  .doc('d')
  .field('a', SchemaBuilder.int32().optional().defaultValue(4).build())
  .build();

t.test('renames the schema and rebuilds the Struct on it', async (t) => {
  const out = configured(SetSchemaMetadata.Value, { 'schema.name': 'new.Name', 'schema.version': '7' }).apply(
    sourceRecord({ valueSchema: schema, value: new Struct(schema) }),
  );
  t.equal(out.valueSchema?.name, 'new.Name');
  t.equal(out.valueSchema?.version, 7);
  t.equal(out.valueSchema?.doc, 'd');
  t.equal((out.value as Struct).schema, out.valueSchema);
  t.equal((out.value as Struct).getWithoutDefault('a'), 4, 'the default stands for the null');
  const raw = configured(SetSchemaMetadata.Value, { 'schema.version': '2', 'replace.null.with.default': 'false' }).apply(
    sourceRecord({ valueSchema: schema, value: new Struct(schema) }),
  );
  t.equal(raw.valueSchema?.name, 'old');
  t.equal((raw.value as Struct).getWithoutDefault('a'), null);
  const key = configured(SetSchemaMetadata.Key, { 'schema.name': 'k' }).apply(sourceRecord({ keySchema: schema, key: new Struct(schema) }));
  t.equal(key.keySchema?.name, 'k');
});

t.test('what it passes and what it refuses', async (t) => {
  const record = sourceRecord({ value: null });
  t.equal(configured(SetSchemaMetadata.Value, { 'schema.name': 'n' }).apply(record), record);
  const optional = SchemaBuilder.struct().optional().build();
  t.equal(
    configured(SetSchemaMetadata.Value, { 'schema.name': 'n' }).apply(sourceRecord({ valueSchema: optional, value: null })).valueSchema
      ?.name,
    'n',
  );
  t.throws(() => configured(SetSchemaMetadata.Value, { 'schema.name': 'n' }).apply(sourceRecord({ value: 'x' })), {
    message: 'Schema required for [updating schema metadata]',
  });
  t.throws(
    () =>
      configured(SetSchemaMetadata.Value, { 'schema.name': 'n' }).apply(sourceRecord({ valueSchema: Schema.STRING_SCHEMA, value: 'x' })),
    {
      message: 'Cannot list fields on non-struct type',
    },
  );
  t.same(
    configProblems(() => configured(SetSchemaMetadata.Value, {})),
    [['type', 'Neither schema name nor version configured']],
  );
  t.same(
    configProblems(() => configured(SetSchemaMetadata.Value, { 'schema.version': 'x' })),
    [['schema.version', 'Not a number of type INT']],
  );
});
