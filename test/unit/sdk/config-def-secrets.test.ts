/**
 * A PASSWORD never shows: every string this module produces (exception messages, problems, stacks,
 * util.inspect/format, JSON, pino log lines, validation results, ConfigInfos, documentation) is
 * searched for the secret, with the key valid, invalid, failing its own validator, given with
 * surrounding spaces, as a default, and echoed by a careless custom validator.
 */
import { Writable } from 'node:stream';
import util from 'node:util';
import pino from 'pino';
import t from 'tap';
import type { Test } from 'tap';
import {
  CompositeValidator,
  ConfigDef,
  ConfigException,
  LambdaValidator,
  NonEmptyString,
  Password,
  ValidString,
} from '../../../src/worker-thread/sdk/config-def.js';
import type { ConfigValidator, ParsedValue } from '../../../src/worker-thread/sdk/config-def.js';

const SECRET = 'hunter2-Sup3r-s3cret';

/** Every way a value might be printed. */
function renderings(value: unknown): string[] {
  const out = [
    util.inspect(value, { depth: 10, showHidden: false }),
    util.inspect(value, { depth: 10, getters: true }),
    util.format('%s %o %O %j', value, value, value, value),
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '',
  ];
  if (typeof value === 'string') out.push(value);
  if (value instanceof Error) out.push(value.message, value.stack ?? '', String(value));
  return out;
}

function leaks(t: Test, label: string, ...values: unknown[]): void {
  for (const value of values) {
    for (const text of renderings(value)) t.notMatch(text, SECRET, label);
  }
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an exception');
}

/** A validator that echoes what it is given: a realistic mistake in a connector. */
const echoing: ConfigValidator = {
  violations: (_name, value) =>
    value === null
      ? []
      : [
          {
            message: `rejected ${value instanceof Password ? value.value() : String(value)}`,
            value: value instanceof Password ? value.value() : value,
          },
        ],
  toString: () => 'anything',
};

function def(): ConfigDef {
  return new ConfigDef()
    .define({ name: 'db.password', type: 'PASSWORD', importance: 'HIGH', documentation: 'The password.', validator: new NonEmptyString() })
    .define({
      name: 'api.secret',
      type: 'PASSWORD',
      importance: 'HIGH',
      documentation: 'Checked by a careless validator.',
      default: 'x',
      validator: LambdaValidator.with(
        (_n, v) => (v instanceof Password && v.value() !== 'x' ? `bad secret ${v.value()}` : undefined),
        () => 'x',
      ),
    })
    .define({
      name: 'echo.password',
      type: 'PASSWORD',
      importance: 'LOW',
      documentation: 'Echoed.',
      default: null,
      validator: CompositeValidator.of((_n, v) => (v === null ? undefined : 'no'), echoing),
    })
    .define({
      name: 'mode',
      type: 'PASSWORD',
      importance: 'LOW',
      documentation: 'A secret checked against a list.',
      default: 'a',
      validator: (_n, v) => (v instanceof Password && ['a', 'b'].includes(v.value()) ? undefined : 'String must be one of: a, b'),
    })
    .define({ name: 'user', type: 'STRING', importance: 'HIGH', documentation: 'The user.' });
}

t.test('valid: ParsedConfig, its values and originals print masked, and the secret is still reachable', async (t) => {
  const cfg = def().parse({ 'db.password': `  ${SECRET}  `, user: 'me', 'other.key': 'x' });
  t.equal(cfg.getPassword('db.password')?.value(), SECRET, 'trimmed, as Kafka trims passwords');
  t.equal(cfg.getString('db.password'), '[hidden]');
  t.equal(cfg.originals['db.password'], `  ${SECRET}  `, 'originals are the props as given');
  leaks(t, 'ParsedConfig', cfg, cfg.values(), cfg.get('db.password'), String(cfg.get('db.password')));
  leaks(t, 'originals under util.inspect', util.inspect(cfg.originals), util.inspect({ nested: { cfg: cfg.originals } }, { depth: 5 }));
  t.match(JSON.stringify(cfg.originals), SECRET, 'JSON of originals is data and keeps it (they are handed to tasks)');
  t.same(JSON.parse(JSON.stringify(cfg)), {
    values: { 'db.password': '[hidden]', 'api.secret': '[hidden]', 'echo.password': null, mode: '[hidden]', user: 'me' },
    originals: { 'db.password': '[hidden]', user: 'me', 'other.key': 'x' },
  });
});

t.test('a pino log line of a ParsedConfig, a Password or a ConfigException has no secret', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const logger = pino(sink);
  const cfg = def().parse({ 'db.password': SECRET, user: 'me' });
  logger.info({ cfg, pw: cfg.getPassword('db.password'), values: cfg.values() }, 'started');
  const err = caught(() => def().parse({ 'db.password': SECRET, 'api.secret': SECRET }));
  logger.error({ err, problems: (err as ConfigException).problems }, (err as Error).message);
  t.equal(lines.length, 2);
  for (const line of lines) t.notMatch(line, SECRET);
});

t.test('invalid: ConfigException message, problems and stack are masked, even when a validator echoes the secret', async (t) => {
  const err = caught(() => def().parse({ 'db.password': SECRET, 'api.secret': ` ${SECRET} `, 'echo.password': SECRET, mode: SECRET }));
  t.ok(err instanceof ConfigException);
  t.same((err as ConfigException).problems, [
    { name: 'api.secret', value: '[hidden]', message: 'bad secret [hidden]' },
    { name: 'echo.password', value: '[hidden]', message: 'no' },
    { name: 'echo.password', value: '[hidden]', message: 'rejected [hidden]' },
    { name: 'mode', value: '[hidden]', message: 'String must be one of: a, b' },
    { name: 'user', value: null, message: 'Missing required configuration "user" which has no default value.' },
  ]);
  leaks(t, 'ConfigException', err, (err as ConfigException).problems);
});

t.test('validateAll, validate and the documentation never show the secret', async (t) => {
  const props = { 'db.password': SECRET, 'api.secret': SECRET, 'echo.password': SECRET, mode: SECRET, user: 'me' };
  const results = def().validateAll(props);
  leaks(t, 'validateAll', results, [...results.values()]);
  const infos = def().validate(props);
  leaks(t, 'validate', infos);
  t.same(
    infos.configs.filter((c) => c.definition?.type === 'PASSWORD').map((c) => c.value?.value),
    ['[hidden]', '[hidden]', '[hidden]', '[hidden]'],
    'every PASSWORD value is "[hidden]"',
  );
  t.same(results.get('echo.password')?.errorMessages, [
    'Invalid value [hidden] for configuration echo.password: no',
    'Invalid value [hidden] for configuration echo.password: rejected [hidden]',
  ]);

  const withSecretDefault = new ConfigDef().define({
    name: 'token',
    type: 'PASSWORD',
    default: SECRET,
    importance: 'LOW',
    documentation: 'A token.',
  });
  const docs = [
    withSecretDefault.toRst(),
    withSecretDefault.toEnrichedRst(),
    withSecretDefault.toHtmlTable(),
    withSecretDefault.toMarkdown(),
  ];
  leaks(t, 'documentation', ...docs, withSecretDefault.keys(), withSecretDefault.defaultValues(), withSecretDefault.validate({}));
  t.match(docs[0], '* Default: [hidden]');
});

t.test('a default that fails its validator, a bad typed value and parseType errors are masked', async (t) => {
  const failingDefault = caught(() =>
    new ConfigDef().define({
      name: 'pw',
      type: 'PASSWORD',
      default: SECRET,
      importance: 'LOW',
      documentation: '',
      validator: ValidString.in('a'),
    }),
  );
  t.match(failingDefault, { problems: [{ name: 'pw', value: '[hidden]', message: 'String must be one of: a' }] });
  leaks(t, 'define', failingDefault);
  const typed = caught(() =>
    new ConfigDef().define({ name: 'pw', type: 'PASSWORD', default: [SECRET], importance: 'LOW', documentation: '' }),
  );
  leaks(t, 'a list given for a PASSWORD', typed);
  leaks(
    t,
    'parseType',
    caught(() => ConfigDef.parseType('pw', [SECRET], 'PASSWORD')),
  );
});

t.test('Password: equal by value, masked in every conversion', async (t) => {
  const pw = new Password(SECRET);
  t.ok(pw.equals(new Password(SECRET)));
  t.notOk(pw.equals(new Password('other')));
  t.notOk(pw.equals(SECRET));
  const parsed: ParsedValue = pw;
  t.equal(`${String(parsed)}|${pw.toString()}`, '[hidden]|[hidden]');
  t.equal(String(pw), '[hidden]');
  leaks(t, 'Password', pw, [pw], { pw }, new Map([['pw', pw]]), structuredClone({ pw }));
});
