/**
 * validateAll and validate: every key answered at once, recommenders (valid values and visibility
 * from the other keys' parsed values), dependents, merging a framework ConfigDef with a connector's
 * as Kafka Connect's herder does, and embedding a child ConfigDef under a prefix.
 */
import t from 'tap';
import {
  ConfigDef,
  ConfigException,
  ConfigValue,
  Range,
  ValidString,
  configInfos,
  configKeyInfo,
} from '../../../src/worker-thread/sdk/config-def.js';
import type { ConfigKeyDefinition, ParsedConfigMap, Recommender } from '../../../src/worker-thread/sdk/config-def.js';

const key = (name: string, extra: Partial<ConfigKeyDefinition> = {}): ConfigKeyDefinition => ({
  name,
  type: 'STRING',
  importance: 'LOW',
  documentation: '',
  ...extra,
});

function result(map: Map<string, ConfigValue>, name: string): ConfigValue {
  const value = map.get(name);
  if (value === undefined) throw new Error(`no ConfigValue for ${name}`);
  return value;
}

/** A JDBC-like mode switch: the column keys matter only in their mode. */
function modeDef(seen: ParsedConfigMap[] = []): ConfigDef {
  const onlyIn = (mode: string, columns: string[]): Recommender => ({
    validValues: (_name, parsed) => {
      seen.push({ ...parsed });
      return parsed['mode'] === mode ? columns : [];
    },
    visible: (_name, parsed) => parsed['mode'] === mode,
  });
  return new ConfigDef()
    .define(
      key('mode', {
        default: 'bulk',
        validator: ValidString.in('bulk', 'incrementing', 'timestamp'),
        dependents: ['incrementing.column', 'timestamp.column'],
      }),
    )
    .define(key('incrementing.column', { default: '', recommender: onlyIn('incrementing', ['id', 'seq']) }))
    .define(key('timestamp.column', { default: '', recommender: onlyIn('timestamp', ['updated_at']) }))
    .define(key('batch.max.rows', { type: 'INT', default: 100, validator: Range.between(1, 10000) }))
    .define(key('poll.enabled', { type: 'BOOLEAN', default: true }));
}

t.test('recommenders: visibility and valid values follow the parent value', async (t) => {
  const seen: ParsedConfigMap[] = [];
  const def = modeDef(seen);

  const bulk = def.validateAll({});
  t.same(
    [result(bulk, 'incrementing.column').visible, result(bulk, 'timestamp.column').visible],
    [false, false],
    'bulk mode hides both columns',
  );
  t.same(result(bulk, 'incrementing.column').recommendedValues, []);

  const incrementing = def.validateAll({ mode: 'incrementing' });
  t.equal(result(incrementing, 'incrementing.column').visible, true);
  t.same(result(incrementing, 'incrementing.column').recommendedValues, ['id', 'seq']);
  t.equal(result(incrementing, 'timestamp.column').visible, false);
  t.equal(result(incrementing, 'mode').visible, true, 'a key without a recommender is visible');

  t.match(
    seen.at(-1),
    { mode: 'incrementing', 'batch.max.rows': 100, 'poll.enabled': true },
    'recommenders see every key parsed and typed',
  );

  const invalid = def.validateAll({ mode: 'nonsense', 'batch.max.rows': 'many' });
  t.equal(seen.at(-1)?.['batch.max.rows'], null, 'an unparsable value is null to the recommenders');
  t.equal(result(invalid, 'incrementing.column').visible, false);
  t.same(result(invalid, 'mode').errorMessages, [
    'Invalid value nonsense for configuration mode: String must be one of: bulk, incrementing, timestamp',
  ]);
});

t.test('the ConfigInfos of a dependent: definition.dependents, value.visible and recommended_values', async (t) => {
  const infos = modeDef().validate({ 'connector.class': 'Jdbc', mode: 'timestamp' });
  const byName = new Map(infos.configs.map((c) => [c.value?.name, c]));
  t.same(byName.get('mode')?.definition?.dependents, ['incrementing.column', 'timestamp.column']);
  t.same(byName.get('timestamp.column')?.value, {
    name: 'timestamp.column',
    value: '',
    recommended_values: ['updated_at'],
    errors: [],
    visible: true,
  });
  t.same(byName.get('incrementing.column')?.value, {
    name: 'incrementing.column',
    value: '',
    recommended_values: [],
    errors: [],
    visible: false,
  });
  t.equal(infos.error_count, 0);
});

t.test('a recommender that throws a ConfigException reports an error on its key; any other error propagates', async (t) => {
  const failing: Recommender = {
    validValues: () => {
      throw new ConfigException([{ name: 'table', value: 'x', message: 'Could not list tables' }]);
    },
    visible: () => true,
  };
  const def = new ConfigDef().define(key('table', { default: 'x', recommender: failing }));
  t.same(result(def.validateAll({}), 'table').errorMessages, ['Invalid value x for configuration table: Could not list tables']);

  const buggy = new ConfigDef().define(
    key('table', {
      default: 'x',
      recommender: {
        validValues: () => [],
        visible: () => {
          throw new TypeError('bug');
        },
      },
    }),
  );
  t.throws(() => buggy.validateAll({}), TypeError, 'a bug in a recommender is not a validation error (Kafka: HTTP 500)');
});

t.test('validateAll: every key answered at once, with every message, never throwing', async (t) => {
  const def = new ConfigDef()
    .define(key('name', { validator: (_n, v) => (typeof v === 'string' && v.includes('/') ? 'may not contain "/"' : undefined) }))
    .define(key('topic'))
    .define(key('tasks.max', { type: 'INT', default: 1, validator: Range.atLeast(1) }))
    .define(key('batch.size', { type: 'INT', validator: Range.between(1, 10) }))
    .define(key('enabled', { type: 'BOOLEAN', default: false }))
    .define(key('ok', { type: 'LONG', default: 5 }));
  const results = def.validateAll({ name: 'a/b', 'tasks.max': '0', 'batch.size': 'x', enabled: 'maybe', ok: '7' });
  t.same([...results.keys()], ['name', 'topic', 'tasks.max', 'batch.size', 'enabled', 'ok'], 'definition order');
  t.same(Object.fromEntries([...results].map(([n, v]) => [n, v.errorMessages])), {
    name: ['Invalid value a/b for configuration name: may not contain "/"'],
    topic: ['Missing required configuration "topic" which has no default value.'],
    'tasks.max': ['Invalid value 0 for configuration tasks.max: Value must be at least 1'],
    'batch.size': [
      'Invalid value x for configuration batch.size: Not a number of type INT',
      'Invalid value null for configuration batch.size: Value must be non-null',
    ],
    enabled: ['Invalid value maybe for configuration enabled: Expected value to be either true or false'],
    ok: [],
  });
  t.same(
    [result(results, 'tasks.max').value, result(results, 'batch.size').value, result(results, 'ok').value],
    [0, null, 7],
    'parsed values; null where unparsable',
  );
  t.ok(result(results, 'ok') instanceof ConfigValue);
  t.equal(def.validate({}).error_count, 4, 'name and topic missing; batch.size missing and its Range failing on null');
});

t.test('a required key with a validator: missing, and the validator on null, as Kafka validates', async (t) => {
  const def = new ConfigDef().define(key('port', { type: 'INT', validator: Range.between(1, 65535) }));
  t.same(result(def.validateAll({}), 'port').errorMessages, [
    'Missing required configuration "port" which has no default value.',
    'Invalid value null for configuration port: Value must be non-null',
  ]);
  const err = t.throws(() => def.parse({}));
  t.match(
    err,
    { problems: [{ name: 'port', value: null, message: 'Missing required configuration "port" which has no default value.' }] },
    'parse reports it once',
  );
});

t.test('dependents that name no key: an error and invisible in validateAll, a problem in parse', async (t) => {
  const def = new ConfigDef().define(key('a', { default: '', dependents: ['ghost', 'b'] })).define(key('b', { default: '' }));
  const ghost = result(def.validateAll({}), 'ghost');
  t.same([ghost.value, ghost.errorMessages, ghost.visible], [null, ['ghost is referred in the dependents, but not defined.'], false]);
  t.match(
    t.throws(() => def.parse({})),
    { problems: [{ name: 'ghost', value: null, message: 'ghost is referred in the dependents, but not defined.' }] },
  );
  const infos = def.validate({});
  t.same(
    infos.configs.map((c) => [c.definition?.name ?? null, c.value?.name]),
    [
      [null, 'ghost'],
      ['a', 'a'],
      ['b', 'b'],
    ],
    'unmatched results first, with a null definition',
  );
});

t.test('a key that two keys depend on is validated once; a cycle of dependents is still validated', async (t) => {
  // Kafka walks the dependents from each key no key depends on: it validates a shared dependent once per
  // parent (duplicating its errors) and never reaches keys that only depend on each other.
  const def = new ConfigDef()
    .define(key('p1', { default: '', dependents: ['shared'] }))
    .define(key('p2', { default: '', dependents: ['shared'] }))
    .define(key('shared', { type: 'INT', validator: Range.atLeast(0) }))
    .define(key('c1', { type: 'INT', dependents: ['c2'] }))
    .define(key('c2', { default: '', dependents: ['c1'] }));
  const results = def.validateAll({ shared: '-1' });
  t.same(result(results, 'shared').errorMessages, ['Invalid value -1 for configuration shared: Value must be at least 0']);
  t.same(result(results, 'c1').errorMessages, ['Missing required configuration "c1" which has no default value.']);
});

t.test('configInfos merges a framework ConfigDef with a connector one, as the herder does', async (t) => {
  const framework = new ConfigDef()
    .define(key('name', { importance: 'HIGH', group: 'Common', orderInGroup: 1 }))
    .define(
      key('tasks.max', { type: 'INT', default: 1, validator: Range.atLeast(1), importance: 'HIGH', group: 'Common', orderInGroup: 2 }),
    );
  const connector = new ConfigDef().define(key('topic', { importance: 'HIGH', group: 'Source', orderInGroup: 1 }));
  const props = { 'connector.class': 'Demo', name: 'demo', 'tasks.max': '0' };
  const values = [...framework.validateAll(props).values(), ...connector.validateAll(props).values()];
  // Kafka Connect also adds errors to framework results after validating (converters, overrides).
  values[0]?.addErrorMessage('Connector name is taken');
  const merged = configInfos('Demo', [...framework.keys(), ...connector.keys()], values, [...framework.groups(), ...connector.groups()]);
  t.equal(merged.name, 'Demo');
  t.same(merged.groups, ['Common', 'Source']);
  t.same(
    merged.configs.map((c) => [c.definition?.name, c.value?.errors.length]),
    [
      ['name', 1],
      ['tasks.max', 1],
      ['topic', 1],
    ],
  );
  t.equal(merged.error_count, 3);

  const orphan = new ConfigValue('converter.x', null, [], ['Null value can not be supplied as the configuration value.']);
  const withOrphan = configInfos('Demo', framework.keys(), [...framework.validateAll(props).values(), orphan], framework.groups());
  t.same(withOrphan.configs[0], {
    definition: null,
    value: {
      name: 'converter.x',
      value: null,
      recommended_values: [],
      errors: ['Null value can not be supplied as the configuration value.'],
      visible: true,
    },
  });
  t.equal(withOrphan.error_count, 2);

  const noValue = configInfos('Demo', framework.keys(), [], []);
  t.same(
    noValue.configs.map((c) => c.value),
    [null, null],
    'a key without a result has a null value',
  );
});

t.test('configKeyInfo is the GET /connector-plugins/{p}/config entry', async (t) => {
  const def = new ConfigDef()
    .define(
      key('tables', {
        type: 'LIST',
        default: ['a', 'b'],
        importance: 'MEDIUM',
        documentation: 'Tables.',
        group: 'G',
        orderInGroup: 3,
        width: 'LONG',
        displayName: 'Tables',
        dependents: ['x'],
      }),
    )
    .define(key('x', { default: null }));
  t.same(def.keys().map(configKeyInfo), [
    {
      name: 'tables',
      type: 'LIST',
      required: false,
      default_value: 'a,b',
      importance: 'MEDIUM',
      documentation: 'Tables.',
      group: 'G',
      width: 'LONG',
      display_name: 'Tables',
      dependents: ['x'],
      order: 3,
    },
    {
      name: 'x',
      type: 'STRING',
      required: false,
      default_value: null,
      importance: 'LOW',
      documentation: '',
      group: null,
      width: 'NONE',
      display_name: 'x',
      dependents: [],
      order: -1,
    },
  ]);
});

t.test('embed: a child ConfigDef under a prefix, validators and recommenders see unprefixed names', async (t) => {
  const seenNames: string[] = [];
  const child = new ConfigDef()
    .define(
      key('field', {
        validator: (name, v) => (seenNames.push(name), v === '' ? 'must name a field' : undefined),
        default: 'f',
        group: 'Fields',
        orderInGroup: 2,
      }),
    )
    .define(
      key('replacement', {
        type: 'INT',
        default: 0,
        validator: Range.atLeast(0),
        dependents: ['field'],
        recommender: { validValues: (_n, p) => [Object.keys(p).join('+')], visible: (n) => n === 'replacement' },
      }),
    );
  const parent = new ConfigDef().define(key('transforms', { default: '' })).embed('transforms.mask.', 'Transforms: mask', 5, child);
  t.same(
    parent.keys().map((k) => [k.name, k.group, k.orderInGroup, k.dependents]),
    [
      ['transforms', null, -1, []],
      ['transforms.mask.replacement', 'Transforms: mask', 5, ['transforms.mask.field']],
      ['transforms.mask.field', 'Transforms: mask: Fields', 6, []],
    ],
  );
  const results = parent.validateAll({ 'transforms.mask.field': '', 'transforms.mask.replacement': '-1' });
  t.same(
    result(results, 'transforms.mask.field').errorMessages,
    ['Invalid value  for configuration transforms.mask.field: must name a field'],
    'Kafka quotes the prefixed name',
  );
  t.equal(seenNames.at(-1), 'field', 'the validator itself sees the unprefixed name');
  t.same(result(results, 'transforms.mask.replacement').errorMessages, [
    'Invalid value -1 for configuration transforms.mask.replacement: Value must be at least 0',
  ]);
  t.same(
    result(results, 'transforms.mask.replacement').recommendedValues,
    ['replacement+field'],
    'the recommender sees only the child keys, unprefixed',
  );
  t.equal(result(results, 'transforms.mask.replacement').visible, true);
  t.same(parent.groups(), ['Transforms: mask', 'Transforms: mask: Fields']);
});

t.test('a copy of a ConfigDef (new ConfigDef(base)) takes more keys without changing the base', async (t) => {
  const base = new ConfigDef().define(key('a', { group: 'A' }));
  const copy = new ConfigDef(base).define(key('b', { group: 'B' }));
  t.same([...base.names()], ['a']);
  t.same([...copy.names()], ['a', 'b']);
  t.same(copy.groups(), ['A', 'B']);
  t.throws(() => copy.define(key('a')), { message: 'Configuration a is defined twice.' });
  t.same([...copy.configKeys().keys()], ['a', 'b']);
});
