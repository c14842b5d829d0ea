/**
 * The registry: every Kafka Connect transformation and predicate, by full class name and short
 * alias, listed for GET /connector-plugins, each with exactly Kafka's config keys (names, types,
 * defaults, importance, documentation, valid values: compared with connect-transforms 4.1.1).
 */
import t from 'tap';
import { configKeyInfo } from '../../../src/worker-thread/sdk/config-def.js';
import { InsertField } from '../../../src/worker-thread/transforms/insert-field.js';
import {
  findTransformPlugin,
  listTransformPlugins,
  resolveTransformPlugin,
  transformPlugins,
} from '../../../src/worker-thread/transforms/registry.js';
import { VERSION } from '../../../src/shared/version.js';
import { transformVectors } from './vectors.js';

const kafkaConfigDefs = transformVectors().configDefs;

t.test('every plugin, sorted, with its type', async (t) => {
  const listed = listTransformPlugins();
  t.equal(listed.length, 29);
  t.same(listed[0], { class: 'org.apache.kafka.connect.transforms.Cast$Key', type: 'transformation', version: VERSION });
  t.same(
    listed.filter((p) => p.type === 'predicate').map((p) => p.class),
    [
      'org.apache.kafka.connect.transforms.predicates.HasHeaderKey',
      'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
      'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
    ],
  );
  t.same(
    Object.keys(kafkaConfigDefs).sort(),
    listed.map((p) => p.class),
    'the same classes as Kafka 4.1.1 ships',
  );
});

t.test('names: the full class name and the name after the package', async (t) => {
  t.equal(
    findTransformPlugin('org.apache.kafka.connect.transforms.InsertField$Value')?.className,
    'org.apache.kafka.connect.transforms.InsertField$Value',
  );
  t.equal(findTransformPlugin('InsertField$Value'), findTransformPlugin('org.apache.kafka.connect.transforms.InsertField$Value'));
  t.equal(findTransformPlugin('TopicNameMatches')?.type, 'predicate');
  t.equal(findTransformPlugin('InsertField'), undefined);
  t.ok(findTransformPlugin('InsertField$Key')?.create() instanceof InsertField.Key);
  t.equal(
    resolveTransformPlugin('Filter', 'predicate'),
    'Class org.apache.kafka.connect.transforms.Filter does not implement the Predicate interface',
  );
  t.equal(
    resolveTransformPlugin('HasHeaderKey', 'transformation'),
    'Class org.apache.kafka.connect.transforms.predicates.HasHeaderKey does not implement the Transformation interface',
  );
  t.equal(
    resolveTransformPlugin('org.apache.kafka.connect.transforms.Cast', 'transformation'),
    'This class is abstract and cannot be created. Did you mean org.apache.kafka.connect.transforms.Cast$Key, org.apache.kafka.connect.transforms.Cast$Value?',
  );
  t.equal(resolveTransformPlugin('Nope', 'transformation'), 'Class Nope could not be found.');
});

t.test("each plugin's ConfigDef is Kafka's", async (t) => {
  for (const plugin of transformPlugins()) {
    const ours = plugin.configDef.keys().map((key) => {
      const info = configKeyInfo(key);
      return {
        name: key.name,
        type: key.type,
        required: info.required,
        ...(info.required ? {} : { default: info.default_value }),
        importance: key.importance,
        documentation: key.documentation,
        validator: key.validator === undefined || typeof key.validator === 'function' ? '' : key.validator.toString(),
      };
    });
    t.same(ours, kafkaConfigDefs[plugin.className], plugin.className);
    t.ok(plugin.overview.length > 0);
  }
});
