/**
 * ConfigDef against Kafka's own, value by value: how each type parses a string (Kafka's parseType,
 * shown as its convertToString or its ConfigException message) and what each validator says about a
 * value, with Kafka's "Valid Values" descriptions. The expected outcomes were produced by Kafka 4.1.1's
 * ConfigDef; the last test runs Kafka again on the same cases when Java and the cached Kafka jars are
 * there (tools/bootstrap.sh), so a table that stops telling the truth fails.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import {
  CaseInsensitiveValidString,
  CompositeValidator,
  ConfigDef,
  ConfigException,
  ListSize,
  NonEmptyString,
  NonEmptyStringWithoutControlChars,
  NonNullValidator,
  Range,
  ValidList,
  ValidString,
} from '../../../src/worker-thread/sdk/config-def.js';
import type { ConfigType, ConfigValidator } from '../../../src/worker-thread/sdk/config-def.js';

/** A validator as both sides build it; numbers with a fraction are Doubles in Java, others Integers. */
type Spec =
  | { kind: 'atLeast'; min: number }
  | { kind: 'between'; min: number; max: number }
  | { kind: 'validString' | 'validList' | 'caseInsensitive'; values: string[] }
  | { kind: 'nonEmpty' | 'nonEmptyNoControl' | 'nonNull' }
  | { kind: 'listSize'; max: number }
  | { kind: 'composite'; of: Spec[] };

function build(spec: Spec): ConfigValidator {
  switch (spec.kind) {
    case 'atLeast':
      return Range.atLeast(spec.min);
    case 'between':
      return Range.between(spec.min, spec.max);
    case 'validString':
      return ValidString.in(...spec.values);
    case 'validList':
      return ValidList.in(...spec.values);
    case 'caseInsensitive':
      return CaseInsensitiveValidString.in(...spec.values);
    case 'nonEmpty':
      return new NonEmptyString();
    case 'nonEmptyNoControl':
      return new NonEmptyStringWithoutControlChars();
    case 'nonNull':
      return new NonNullValidator();
    case 'listSize':
      return ListSize.atMostOfSize(spec.max);
    case 'composite':
      return CompositeValidator.of(...spec.of.map(build));
  }
}

/** [type, input, Kafka's outcome: "ok:" + convertToString(parsed) or "err:" + ConfigException message]. */
const PARSE: [ConfigType, string, string][] = [
  ['BOOLEAN', 'true', 'ok:true'],
  ['BOOLEAN', 'TRUE', 'ok:true'],
  ['BOOLEAN', ' tRuE ', 'ok:true'],
  ['BOOLEAN', '\tfalse\n', 'ok:false'],
  ['BOOLEAN', 'yes', 'err:Invalid value yes for configuration k: Expected value to be either true or false'],
  ['BOOLEAN', '1', 'err:Invalid value 1 for configuration k: Expected value to be either true or false'],
  ['BOOLEAN', '', 'err:Invalid value  for configuration k: Expected value to be either true or false'],
  ['BOOLEAN', 'truee', 'err:Invalid value truee for configuration k: Expected value to be either true or false'],
  ['BOOLEAN', '\u00a0true', 'err:Invalid value \u00a0true for configuration k: Expected value to be either true or false'],
  ['BOOLEAN', '\u0001true\u0001', 'ok:true'],
  ['STRING', '  hello  ', 'ok:hello'],
  ['STRING', '', 'ok:'],
  ['STRING', '\u00a0x\u00a0', 'ok:\u00a0x\u00a0'],
  ['STRING', '\u0000x\u001f', 'ok:x'],
  ['PASSWORD', '  s3cret  ', 'ok:[hidden]'],
  ['PASSWORD', '', 'ok:[hidden]'],
  ['INT', '0', 'ok:0'],
  ['INT', ' 42 ', 'ok:42'],
  ['INT', '+7', 'ok:7'],
  ['INT', '-15', 'ok:-15'],
  ['INT', '2147483647', 'ok:2147483647'],
  ['INT', '-2147483648', 'ok:-2147483648'],
  ['INT', '2147483648', 'err:Invalid value 2147483648 for configuration k: Not a number of type INT'],
  ['INT', '-2147483649', 'err:Invalid value -2147483649 for configuration k: Not a number of type INT'],
  ['INT', '1.5', 'err:Invalid value 1.5 for configuration k: Not a number of type INT'],
  ['INT', '1e3', 'err:Invalid value 1e3 for configuration k: Not a number of type INT'],
  ['INT', 'abc', 'err:Invalid value abc for configuration k: Not a number of type INT'],
  ['INT', '', 'err:Invalid value  for configuration k: Not a number of type INT'],
  ['INT', '0x10', 'err:Invalid value 0x10 for configuration k: Not a number of type INT'],
  ['INT', '12abc', 'err:Invalid value 12abc for configuration k: Not a number of type INT'],
  ['INT', '99999999999999999999', 'err:Invalid value 99999999999999999999 for configuration k: Not a number of type INT'],
  ['INT', '-0', 'ok:0'],
  ['INT', '+-1', 'err:Invalid value +-1 for configuration k: Not a number of type INT'],
  ['INT', '007', 'ok:7'],
  ['SHORT', '32767', 'ok:32767'],
  ['SHORT', '-32768', 'ok:-32768'],
  ['SHORT', '32768', 'err:Invalid value 32768 for configuration k: Not a number of type SHORT'],
  ['SHORT', '-32769', 'err:Invalid value -32769 for configuration k: Not a number of type SHORT'],
  ['SHORT', '2.0', 'err:Invalid value 2.0 for configuration k: Not a number of type SHORT'],
  ['LONG', '9223372036854775807', 'ok:9223372036854775807'],
  ['LONG', '-9223372036854775808', 'ok:-9223372036854775808'],
  ['LONG', '9223372036854775808', 'err:Invalid value 9223372036854775808 for configuration k: Not a number of type LONG'],
  ['LONG', '-9223372036854775809', 'err:Invalid value -9223372036854775809 for configuration k: Not a number of type LONG'],
  ['LONG', '9007199254740993', 'ok:9007199254740993'],
  ['LONG', ' 5 ', 'ok:5'],
  ['LONG', '1.0', 'err:Invalid value 1.0 for configuration k: Not a number of type LONG'],
  ['LONG', '', 'err:Invalid value  for configuration k: Not a number of type LONG'],
  ['LONG', 'x', 'err:Invalid value x for configuration k: Not a number of type LONG'],
  ['DOUBLE', '3.25', 'ok:3.25'],
  ['DOUBLE', '-0.5', 'ok:-0.5'],
  ['DOUBLE', '1e3', 'ok:1000.0'],
  ['DOUBLE', ' 7 ', 'ok:7.0'],
  ['DOUBLE', '', 'err:Invalid value  for configuration k: Not a number of type DOUBLE'],
  ['DOUBLE', '   ', 'err:Invalid value     for configuration k: Not a number of type DOUBLE'],
  ['DOUBLE', 'abc', 'err:Invalid value abc for configuration k: Not a number of type DOUBLE'],
  ['DOUBLE', '1.2.3', 'err:Invalid value 1.2.3 for configuration k: Not a number of type DOUBLE'],
  ['DOUBLE', '1.', 'ok:1.0'],
  ['DOUBLE', '.5', 'ok:0.5'],
  ['DOUBLE', '1e7', 'ok:1.0E7'],
  ['DOUBLE', '1e-4', 'ok:1.0E-4'],
  ['DOUBLE', '0.001', 'ok:0.001'],
  ['DOUBLE', '1d', 'ok:1.0'],
  ['DOUBLE', '2.5f', 'ok:2.5'],
  ['DOUBLE', 'NaN', 'ok:NaN'],
  ['DOUBLE', '-Infinity', 'ok:-Infinity'],
  ['DOUBLE', 'Infinity', 'ok:Infinity'],
  ['DOUBLE', '+1.5', 'ok:1.5'],
  ['DOUBLE', '0x1p3', 'ok:8.0'],
  ['DOUBLE', '0x1.8p1', 'ok:3.0'],
  ['DOUBLE', '0x10', 'err:Invalid value 0x10 for configuration k: Not a number of type DOUBLE'],
  ['DOUBLE', '1e', 'err:Invalid value 1e for configuration k: Not a number of type DOUBLE'],
  ['DOUBLE', '1_0', 'err:Invalid value 1_0 for configuration k: Not a number of type DOUBLE'],
  ['DOUBLE', '-0', 'ok:-0.0'],
  ['DOUBLE', '123456789012', 'ok:1.23456789012E11'],
  ['DOUBLE', '1E400', 'ok:Infinity'],
  ['DOUBLE', 'inf', 'err:Invalid value inf for configuration k: Not a number of type DOUBLE'],
  ['DOUBLE', '1e21', 'ok:1.0E21'],
  ['DOUBLE', '1.0E-5', 'ok:1.0E-5'],
  ['LIST', 'a, b,c', 'ok:a,b,c'],
  ['LIST', '  x  ,y  ', 'ok:x,y'],
  ['LIST', '', 'ok:'],
  ['LIST', '   ', 'ok:'],
  ['LIST', 'a,,b', 'ok:a,,b'],
  ['LIST', 'a,', 'ok:a,'],
  ['LIST', ' a , b ', 'ok:a,b'],
  ['LIST', ',a', 'ok:,a'],
  ['LIST', '\ta ,\n b', 'ok:a,b'],
  ['CLASS', ' java.lang.String ', 'ok:java.lang.String'],
  ['CLASS', '', 'err:Invalid value  for configuration k: Class  could not be found.'],
];

/**
 * [validator, type, input (null: the value null), Kafka's message (null: valid), ours where it
 * deliberately differs]. The input is parsed by type first, as in Kafka.
 */
const VALIDATE: [Spec, ConfigType, string | null, string | null, string[]?][] = [
  [{ kind: 'atLeast', min: 1 }, 'INT', '1', null],
  [{ kind: 'atLeast', min: 1 }, 'INT', '0', 'Invalid value 0 for configuration k: Value must be at least 1'],
  [{ kind: 'atLeast', min: 1 }, 'INT', '-5', 'Invalid value -5 for configuration k: Value must be at least 1'],
  [{ kind: 'atLeast', min: 1 }, 'INT', null, 'Invalid value null for configuration k: Value must be non-null'],
  [{ kind: 'between', min: 0.5, max: 2 }, 'DOUBLE', '0.5', null],
  [{ kind: 'between', min: 0.5, max: 2 }, 'DOUBLE', '2', null],
  [{ kind: 'between', min: 0.5, max: 2 }, 'DOUBLE', '2.01', 'Invalid value 2.01 for configuration k: Value must be no more than 2'],
  [{ kind: 'between', min: 0.5, max: 2 }, 'DOUBLE', '0.49', 'Invalid value 0.49 for configuration k: Value must be at least 0.5'],
  [{ kind: 'between', min: 0.5, max: 2 }, 'DOUBLE', null, 'Invalid value null for configuration k: Value must be non-null'],
  [{ kind: 'atLeast', min: 0 }, 'LONG', '9223372036854775807', null],
  [{ kind: 'atLeast', min: 0 }, 'LONG', '-1', 'Invalid value -1 for configuration k: Value must be at least 0'],
  [{ kind: 'between', min: 1, max: 65536 }, 'INT', '65537', 'Invalid value 65537 for configuration k: Value must be no more than 65536'],
  [{ kind: 'atLeast', min: 1 }, 'DOUBLE', '0.5', 'Invalid value 0.5 for configuration k: Value must be at least 1'],
  [{ kind: 'validString', values: ['none', 'all'] }, 'STRING', 'all', null],
  [
    { kind: 'validString', values: ['none', 'all'] },
    'STRING',
    'ALL',
    'Invalid value ALL for configuration k: String must be one of: none, all',
  ],
  [
    { kind: 'validString', values: ['none', 'all'] },
    'STRING',
    null,
    'Invalid value null for configuration k: String must be one of: none, all',
  ],
  [{ kind: 'validString', values: ['none', 'all'] }, 'STRING', '', 'Invalid value  for configuration k: String must be one of: none, all'],
  [{ kind: 'validList', values: ['a', 'b', 'c'] }, 'LIST', 'a,b', null],
  [{ kind: 'validList', values: ['a', 'b', 'c'] }, 'LIST', 'a,d', 'Invalid value d for configuration k: String must be one of: a, b, c'],
  [{ kind: 'validList', values: ['a', 'b', 'c'] }, 'LIST', '', null],
  // Deviation: every bad item is reported, not only the first.
  [
    { kind: 'validList', values: ['a', 'b', 'c'] },
    'LIST',
    'd,e',
    'Invalid value d for configuration k: String must be one of: a, b, c',
    [
      'Invalid value d for configuration k: String must be one of: a, b, c',
      'Invalid value e for configuration k: String must be one of: a, b, c',
    ],
  ],
  [{ kind: 'caseInsensitive', values: ['gzip', 'none'] }, 'STRING', 'GZip', null],
  [{ kind: 'caseInsensitive', values: ['gzip', 'none'] }, 'STRING', 'none', null],
  [
    { kind: 'caseInsensitive', values: ['gzip', 'none'] },
    'STRING',
    'lz4',
    'Invalid value lz4 for configuration k: String must be one of (case insensitive): GZIP, NONE',
  ],
  [
    { kind: 'caseInsensitive', values: ['gzip', 'none'] },
    'STRING',
    null,
    'Invalid value null for configuration k: String must be one of (case insensitive): GZIP, NONE',
  ],
  [{ kind: 'nonEmpty' }, 'STRING', '', 'Invalid value  for configuration k: String must be non-empty'],
  [{ kind: 'nonEmpty' }, 'STRING', '  ', 'Invalid value  for configuration k: String must be non-empty'],
  [{ kind: 'nonEmpty' }, 'STRING', 'x', null],
  [{ kind: 'nonEmpty' }, 'STRING', null, null],
  [{ kind: 'nonEmptyNoControl' }, 'STRING', 'ok', null],
  [{ kind: 'nonEmptyNoControl' }, 'STRING', '', 'Invalid value  for configuration k: String may not be empty'],
  [
    { kind: 'nonEmptyNoControl' },
    'STRING',
    'a\u0001b\u007f',
    'Invalid value a\u0001b\u007f for configuration k: String may not contain control sequences but had the following ASCII chars: 1, 127',
  ],
  [{ kind: 'nonEmptyNoControl' }, 'STRING', null, null],
  [{ kind: 'nonNull' }, 'STRING', null, 'Invalid value null for configuration k: entry must be non null'],
  [{ kind: 'nonNull' }, 'STRING', 'x', null],
  [{ kind: 'listSize', max: 2 }, 'LIST', 'a,b', null],
  [{ kind: 'listSize', max: 2 }, 'LIST', 'a,b,c', 'Invalid value [a, b, c] for configuration k: exceeds maximum list size of [2].'],
  [
    { kind: 'composite', of: [{ kind: 'nonEmpty' }, { kind: 'validString', values: ['a', 'b'] }] },
    'STRING',
    'c',
    'Invalid value c for configuration k: String must be one of: a, b',
  ],
  // Deviation: every validator's violation is reported, not only the first.
  [
    { kind: 'composite', of: [{ kind: 'nonEmpty' }, { kind: 'validString', values: ['a', 'b'] }] },
    'STRING',
    '',
    'Invalid value  for configuration k: String must be non-empty',
    ['Invalid value  for configuration k: String must be non-empty', 'Invalid value  for configuration k: String must be one of: a, b'],
  ],
  [{ kind: 'composite', of: [{ kind: 'nonEmpty' }, { kind: 'validString', values: ['a', 'b'] }] }, 'STRING', 'a', null],
  [
    {
      kind: 'composite',
      of: [
        { kind: 'atLeast', min: 1 },
        { kind: 'between', min: 0, max: 10 },
      ],
    },
    'INT',
    '11',
    'Invalid value 11 for configuration k: Value must be no more than 10',
  ],
  [
    {
      kind: 'composite',
      of: [
        { kind: 'atLeast', min: 1 },
        { kind: 'between', min: 0, max: 10 },
      ],
    },
    'INT',
    '0',
    'Invalid value 0 for configuration k: Value must be at least 1',
  ],
  [
    {
      kind: 'composite',
      of: [
        { kind: 'atLeast', min: 1 },
        { kind: 'between', min: 0, max: 10 },
      ],
    },
    'INT',
    '5',
    null,
  ],
];

/** [validator, Kafka's toString(): the "Valid Values" column of the documentation]. */
const DESCRIBE: [Spec, string][] = [
  [{ kind: 'atLeast', min: 1 }, '[1,...]'],
  [{ kind: 'atLeast', min: 0.5 }, '[0.5,...]'],
  [{ kind: 'between', min: 1, max: 65536 }, '[1,...,65536]'],
  [{ kind: 'between', min: 0.5, max: 2 }, '[0.5,...,2]'],
  [{ kind: 'validString', values: ['none', 'all'] }, '[none, all]'],
  [{ kind: 'validList', values: ['a', 'b', 'c'] }, '[a, b, c]'],
  [{ kind: 'caseInsensitive', values: ['gzip'] }, '(case insensitive) [GZIP]'],
  [{ kind: 'nonEmpty' }, 'non-empty string'],
  [{ kind: 'nonEmptyNoControl' }, 'non-empty string without ISO control characters'],
  [{ kind: 'nonNull' }, 'non-null string'],
  [{ kind: 'listSize', max: 3 }, 'List containing maximum of 3 elements'],
  [{ kind: 'composite', of: [{ kind: 'nonEmpty' }, { kind: 'validString', values: ['a', 'b'] }] }, 'non-empty string, [a, b]'],
];

function parseOutcome(type: ConfigType, input: string): string {
  try {
    return `ok:${ConfigDef.convertToString(ConfigDef.parseType('k', input, type), type)}`;
  } catch (err) {
    if (!(err instanceof ConfigException)) throw err;
    const [p] = err.problems;
    return `err:Invalid value ${p?.value} for configuration ${p?.name}: ${p?.message}`;
  }
}

function validationErrors(spec: Spec, type: ConfigType, input: string | null): string[] {
  const def = new ConfigDef().define({ name: 'k', type, validator: build(spec), importance: 'LOW', documentation: '' });
  return def.validateAll({ k: input }).get('k')?.errorMessages ?? ['no result for k'];
}

t.test('every type parses a string as Kafka parseType does (Java trim, Java number grammar, list split)', async (t) => {
  for (const [type, input, kafka] of PARSE) t.equal(parseOutcome(type, input), kafka, `${type} ${JSON.stringify(input)}`);
});

t.test('every validator accepts and rejects what Kafka accepts and rejects, in its words', async (t) => {
  for (const [spec, type, input, kafka, ours] of VALIDATE) {
    const expected = ours ?? (kafka === null ? [] : [kafka]);
    t.same(validationErrors(spec, type, input), expected, `${JSON.stringify(spec)} ${type} ${JSON.stringify(input)}`);
  }
});

t.test('every validator describes its valid values as the Kafka toString() does', async (t) => {
  for (const [spec, kafka] of DESCRIBE) t.equal(build(spec).toString(), kafka, JSON.stringify(spec));
});

// ---------------------------------------------------------------------------------------------
// The oracle: Kafka's ConfigDef answering the same cases.

const ORACLE = `import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.util.*;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.*;
import org.apache.kafka.common.config.ConfigException;

/** Answers connectd's ConfigDef cases with Kafka's own ConfigDef (args: cases.json; prints JSON). */
public class ValuesOracle {
  static final ObjectMapper JSON = new ObjectMapper();

  static Validator validator(JsonNode spec) {
    List<String> values = new ArrayList<>();
    if (spec.has("values")) spec.get("values").forEach(v -> values.add(v.asText()));
    String[] strings = values.toArray(new String[0]);
    switch (spec.get("kind").asText()) {
      case "atLeast": return Range.atLeast(JSON.convertValue(spec.get("min"), Number.class));
      case "between": return Range.between(JSON.convertValue(spec.get("min"), Number.class), JSON.convertValue(spec.get("max"), Number.class));
      case "validString": return ValidString.in(strings);
      case "validList": return ValidList.in(strings);
      case "caseInsensitive": return CaseInsensitiveValidString.in(strings);
      case "nonEmpty": return new NonEmptyString();
      case "nonEmptyNoControl": return new NonEmptyStringWithoutControlChars();
      case "nonNull": return new NonNullValidator();
      case "listSize": return ListSize.atMostOfSize(spec.get("max").asInt());
      case "composite": {
        List<Validator> parts = new ArrayList<>();
        spec.get("of").forEach(p -> parts.add(validator(p)));
        return CompositeValidator.of(parts.toArray(new Validator[0]));
      }
      default: throw new IllegalArgumentException(spec.toString());
    }
  }


  public static void main(String[] args) throws Exception {
    JsonNode cases = JSON.readTree(new File(args[0]));
    ObjectNode out = JSON.createObjectNode();
    ArrayNode parse = out.putArray("parse");
    for (JsonNode c : cases.get("parse")) {
      Type type = Type.valueOf(c.get("type").asText());
      try {
        parse.add("ok:" + ConfigDef.convertToString(ConfigDef.parseType("k", c.get("input").asText(), type), type));
      } catch (ConfigException e) {
        parse.add("err:" + e.getMessage());
      }
    }
    ArrayNode validate = out.putArray("validate");
    for (JsonNode c : cases.get("validate")) {
      Type type = Type.valueOf(c.get("type").asText());
      JsonNode input = c.get("input");
      try {
        Object value = input.isNull() ? null : ConfigDef.parseType("k", input.asText(), type);
        validator(c.get("validator")).ensureValid("k", value);
        validate.add("ok");
      } catch (ConfigException e) {
        validate.add("err:" + e.getMessage());
      } catch (RuntimeException e) {
        validate.add("crash:" + e.getClass().getSimpleName());
      }
    }
    ArrayNode describe = out.putArray("describe");
    for (JsonNode spec : cases.get("describe")) describe.add(validator(spec).toString());
    System.out.println(JSON.writeValueAsString(out));
  }
}
`;

/** .cache/kafka/<the version tools/kafka/pom.xml pins>/libs, or undefined when it is not there. */
function kafkaLibs(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const pom = join(dir, 'tools', 'kafka', 'pom.xml');
    if (!existsSync(pom)) continue;
    const version = /<kafka\.version>\s*([^<\s]+)\s*</.exec(readFileSync(pom, 'utf8'))?.[1];
    const libs = join(dir, '.cache', 'kafka', version ?? '?', 'libs');
    return version !== undefined && existsSync(join(libs, `kafka-clients-${version}.jar`)) ? libs : undefined;
  }
  return undefined;
}

const libs = kafkaLibs();
t.test(
  'the Kafka ConfigDef itself gives the outcomes in the tables above',
  { skip: libs === undefined && 'no Kafka jars in .cache (run tools/bootstrap.sh)' },
  async (t) => {
    if (libs === undefined) return;
    const dir = mkdtempSync(join(tmpdir(), 'connectd-configdef-oracle-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const cases = {
      parse: PARSE.map(([type, input]) => ({ type, input })),
      validate: VALIDATE.map(([validator, type, input]) => ({ validator, type, input })),
      describe: DESCRIBE.map(([spec]) => spec),
    };
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases));
    writeFileSync(join(dir, 'ValuesOracle.java'), ORACLE);
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)('java', ['-cp', join(libs, '*'), 'ValuesOracle.java', 'cases.json'], {
        cwd: dir,
        timeout: 120_000,
      }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return t.plan(0, 'no java on PATH');
      throw err;
    }
    const kafka = JSON.parse(stdout) as { parse: string[]; validate: string[]; describe: string[] };
    t.same(
      kafka.parse,
      PARSE.map(([, , outcome]) => outcome),
      'parseType',
    );
    t.same(
      kafka.validate,
      VALIDATE.map(([, , , message]) => (message === null ? 'ok' : `err:${message}`)),
      'ensureValid',
    );
    t.same(
      kafka.describe,
      DESCRIBE.map(([, text]) => text),
      'toString',
    );
  },
);
