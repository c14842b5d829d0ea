/**
 * Validators beyond what the Kafka tables (config-def-kafka-values.test.ts) cover: the shorthands,
 * custom validators in each form (function, ConfigValidator, LambdaValidator, throwing a
 * ConfigException), where connectd deliberately differs (exact bigint ranges, every violation of a
 * CompositeValidator and ValidList), and validators in parse() as well as validateAll().
 */
import t from 'tap';
import {
  CaseInsensitiveValidString,
  CompositeValidator,
  ConfigDef,
  ConfigException,
  LambdaValidator,
  ListSize,
  NonEmptyString,
  NonEmptyStringWithoutControlChars,
  NonNullValidator,
  Password,
  Range,
  ValidList,
  ValidString,
  Validators,
} from '../../../src/worker-thread/sdk/config-def.js';
import type { ConfigType, ConfigValidator, Validator } from '../../../src/worker-thread/sdk/config-def.js';

function one(type: ConfigType, validator: Validator, extra: { default?: string } = {}): ConfigDef {
  return new ConfigDef().define({ name: 'k', type, validator, importance: 'LOW', documentation: '', ...extra });
}

const errors = (def: ConfigDef, raw: string | null): string[] => def.validateAll({ k: raw }).get('k')?.errorMessages ?? [];

function problems(fn: () => unknown): ConfigException['problems'] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigException) return err.problems;
    throw err;
  }
  return [];
}

t.test('the Validators shorthands are the Kafka classes', async (t) => {
  t.ok(Validators.atLeast(1) instanceof Range);
  t.ok(Validators.between(1, 2) instanceof Range);
  t.ok(Validators.nonEmptyString() instanceof NonEmptyString);
  t.ok(Validators.validString('a') instanceof ValidString);
  t.ok(Validators.validList('a') instanceof ValidList);
  t.ok(Validators.caseInsensitiveValidString('a') instanceof CaseInsensitiveValidString);
  t.ok(Validators.nonNull() instanceof NonNullValidator);
  t.ok(Validators.nonEmptyStringWithoutControlChars() instanceof NonEmptyStringWithoutControlChars);
  t.ok(NonEmptyStringWithoutControlChars.nonEmptyStringWithoutControlChars() instanceof NonEmptyStringWithoutControlChars);
  t.ok(Validators.listSize(2) instanceof ListSize);
  t.ok(Validators.composite() instanceof CompositeValidator);
  t.ok(
    Validators.lambda(
      () => undefined,
      () => '',
    ) instanceof LambdaValidator,
  );
});

t.test('Range compares a LONG bigint exactly (Kafka compares doubles, so 2^53 would pass atLeast(2^53 + 1))', async (t) => {
  const def = one('LONG', Range.atLeast(9007199254740993n));
  t.same(errors(def, '9007199254740993'), []);
  t.same(errors(def, '9007199254740992'), ['Invalid value 9007199254740992 for configuration k: Value must be at least 9007199254740993']);
  t.same(errors(one('LONG', Range.between(-1, 2n ** 62n)), '4611686018427387905'), [
    'Invalid value 4611686018427387905 for configuration k: Value must be no more than 4611686018427387904',
  ]);
  t.equal(Range.between(0n, 2n ** 63n - 1n).toString(), '[0,...,9223372036854775807]');
  t.same(
    errors(one('STRING', Range.atLeast(1)), 'x'),
    ['Invalid value x for configuration k: Value must be a number'],
    'on a non-number (Kafka: ClassCastException)',
  );
  t.same(errors(one('DOUBLE', Range.atLeast(0)), 'NaN'), [], 'NaN compares false both ways, as in Kafka');
});

t.test('CompositeValidator and ValidList report every violation; parse() lists each as a problem', async (t) => {
  const composite = one(
    'STRING',
    CompositeValidator.of(new NonEmptyString(), ValidString.in('a', 'b'), (_n, v) => (v === '' ? 'custom says no' : undefined)),
  );
  t.same(errors(composite, ''), [
    'Invalid value  for configuration k: String must be non-empty',
    'Invalid value  for configuration k: String must be one of: a, b',
    'Invalid value  for configuration k: custom says no',
  ]);
  t.same(
    problems(() => composite.parse({ k: '' })).map((p) => p.message),
    ['String must be non-empty', 'String must be one of: a, b', 'custom says no'],
  );
  t.equal(
    CompositeValidator.of(new NonEmptyString(), () => undefined, Range.atLeast(1)).toString(),
    'non-empty string, , [1,...]',
    'a bare function has no description',
  );

  const list = one('LIST', ValidList.in('a', 'b'));
  t.same(
    problems(() => list.parse({ k: 'a, x,y' })),
    [
      { name: 'k', value: 'a, x,y', message: 'String must be one of: a, b' },
      { name: 'k', value: 'a, x,y', message: 'String must be one of: a, b' },
    ],
    'the problem quotes the value as given',
  );
  t.same(
    errors(list, 'a, x,y'),
    [
      'Invalid value x for configuration k: String must be one of: a, b',
      'Invalid value y for configuration k: String must be one of: a, b',
    ],
    'the message quotes the item',
  );
  t.same(errors(list, null), [], 'null passes (Kafka: NullPointerException)');
  t.same(errors(one('LIST', ListSize.atMostOfSize(1)), null), [], 'ListSize: null passes (Kafka: NullPointerException)');
});

t.test('custom validators: function, ConfigValidator with a quoted value, LambdaValidator, a thrown ConfigException', async (t) => {
  const even: Validator = (_name, value) => (typeof value === 'number' && value % 2 !== 0 ? 'Value must be even' : undefined);
  t.same(errors(one('INT', even), '3'), ['Invalid value 3 for configuration k: Value must be even']);

  const namesItem: ConfigValidator = {
    violations: (_name, value) =>
      Array.isArray(value) ? value.filter((v) => v.startsWith('_')).map((v) => ({ message: 'No leading underscore', value: v })) : [],
    toString: () => 'names without a leading underscore',
  };
  t.same(errors(one('LIST', namesItem), 'ok,_bad'), ['Invalid value _bad for configuration k: No leading underscore']);

  const lambda = LambdaValidator.with(
    (name, value) => (value === 'x' ? `${name} may not be x` : undefined),
    () => 'anything but x',
  );
  t.same(errors(one('STRING', lambda), 'x'), ['Invalid value x for configuration k: k may not be x']);
  t.equal(lambda.toString(), 'anything but x');

  const kafkaStyle: Validator = (name, value) => {
    if (value === 'boom') throw new ConfigException([{ name, value: 'boom', message: 'Kafka-style rejection' }]);
    return undefined;
  };
  t.same(errors(one('STRING', kafkaStyle), 'boom'), ['Invalid value boom for configuration k: Kafka-style rejection']);
  t.same(
    problems(() => one('STRING', kafkaStyle).parse({ k: 'boom' })),
    [{ name: 'k', value: 'boom', message: 'Kafka-style rejection' }],
  );

  const buggy: Validator = () => {
    throw new RangeError('a bug');
  };
  t.throws(() => one('STRING', buggy).validateAll({ k: 'v' }), RangeError, 'any other error is a bug and propagates');
});

t.test('validators see parsed values: trimmed strings, numbers, lists, Passwords', async (t) => {
  const seen: unknown[] = [];
  const spy: Validator = (_n, v) => (seen.push(v), undefined);
  one('STRING', spy).parse({ k: '  padded ' });
  one('INT', spy).parse({ k: ' 12 ' });
  one('LIST', spy).parse({ k: 'a , b' });
  one('PASSWORD', spy).parse({ k: ' pw ' });
  t.same(seen.slice(0, 3), ['padded', 12, ['a', 'b']]);
  t.ok(seen[3] instanceof Password && seen[3].value() === 'pw');
});

t.test('NonEmptyString also rejects an empty PASSWORD (Kafka: ClassCastException)', async (t) => {
  t.same(
    problems(() => one('PASSWORD', new NonEmptyString()).parse({ k: '  ' })),
    [{ name: 'k', value: '[hidden]', message: 'String must be non-empty' }],
  );
  t.same(errors(one('PASSWORD', new NonEmptyString()), 'x'), []);
});

t.test('CaseInsensitiveValidString lists its values upper-cased, once each, in the order given', async (t) => {
  const v = CaseInsensitiveValidString.in('gzip', 'Snappy', 'GZIP', 'none');
  t.equal(v.toString(), '(case insensitive) [GZIP, SNAPPY, NONE]');
  t.same(errors(one('STRING', v), 'lz4'), [
    'Invalid value lz4 for configuration k: String must be one of (case insensitive): GZIP, SNAPPY, NONE',
  ]);
  t.same(errors(one('STRING', v), 'sNaPpY'), []);
});
