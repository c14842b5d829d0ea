/**
 * The validate endpoint's body and the documentation, byte for byte against Kafka: a connector-like
 * ConfigDef (groups, order, widths, display names, dependents including one that names no key, a
 * recommender, a secret, LONG past 2^53, Java-printed doubles) validated with many errors at once.
 * EXPECTED is what Kafka 4.1.1's ConfigDef.validateAll + Kafka Connect's AbstractHerder.generateResult
 * + Jackson produce for it; the last test runs them again when Java and the Kafka jars are there.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { ConfigDef, NonEmptyString, Range, ValidList, ValidString } from '../../../src/worker-thread/sdk/config-def.js';
import type { ConfigInfos, Recommender } from '../../../src/worker-thread/sdk/config-def.js';

const column: Recommender = {
  validValues: (_name, parsed) => (parsed['mode'] === 'incrementing' ? ['id', 'seq'] : []),
  visible: (_name, parsed) => parsed['mode'] === 'incrementing',
};
const ratio: Recommender = { validValues: () => [0.25, 1], visible: () => true };

/** Key for key the definition in ScenarioOracle.java below. */
const DEF = new ConfigDef()
  .define({
    name: 'topic',
    type: 'STRING',
    validator: new NonEmptyString(),
    importance: 'HIGH',
    documentation: 'The topic to publish data to',
    group: 'Common',
    orderInGroup: 1,
    width: 'LONG',
    displayName: 'Topic',
  })
  .define({
    name: 'tasks.max',
    type: 'INT',
    default: 1,
    validator: Range.atLeast(1),
    importance: 'HIGH',
    documentation: 'Maximum number of tasks.',
    group: 'Common',
    orderInGroup: 2,
    width: 'SHORT',
    displayName: 'Tasks max',
  })
  .define({
    name: 'mode',
    type: 'STRING',
    default: 'bulk',
    validator: ValidString.in('bulk', 'incrementing'),
    importance: 'MEDIUM',
    documentation: 'How to detect new rows.',
    group: 'Mode',
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Mode',
    dependents: ['incrementing.column.name', 'ghost.key'],
  })
  .define({
    name: 'incrementing.column.name',
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation: 'Column that only grows.',
    group: 'Mode',
    orderInGroup: 2,
    width: 'MEDIUM',
    displayName: 'Incrementing column',
    recommender: column,
  })
  .define({ name: 'connection.password', type: 'PASSWORD', importance: 'HIGH', documentation: 'Database password.' })
  .define({
    name: 'batch.ratio',
    type: 'DOUBLE',
    default: 0.5,
    validator: Range.between(0, 1),
    importance: 'LOW',
    documentation: 'Fraction of a batch.',
    recommender: ratio,
  })
  .define({
    name: 'poll.interval.ms',
    type: 'LONG',
    default: 5000,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation: 'Pause between polls.',
  })
  .define({ name: 'buffer.bytes', type: 'INT', default: 1048576, importance: 'LOW', documentation: 'Buffer size.' })
  .define({
    name: 'tables',
    type: 'LIST',
    default: 'a,b',
    validator: ValidList.in('a', 'b', 'c'),
    importance: 'LOW',
    documentation: 'Tables to copy.',
  })
  .define({ name: 'enabled', type: 'BOOLEAN', default: true, importance: 'LOW', documentation: 'Whether to run.' })
  .define({ name: 'max.id', type: 'LONG', default: 9007199254740993n, importance: 'LOW', documentation: 'Largest id.' })
  .define({ name: 'weight', type: 'DOUBLE', default: 2, importance: 'LOW', documentation: 'Weight.' })
  .define({ name: 'converter', type: 'CLASS', default: null, importance: 'LOW', documentation: 'Converter class.' });

const PROPS = {
  'connector.class': 'com.example.JdbcSource',
  'tasks.max': '0',
  mode: ' incrementing ',
  'connection.password': 's3cr3t-value',
  'batch.ratio': '1.5',
  'poll.interval.ms': 'abc',
  tables: 'a, d',
  enabled: 'TRUE',
  'max.id': '9223372036854775807',
  weight: '1e7',
  'extra.key': 'kept',
};

/**
 * What Kafka Connect answers. Note: the undefined dependent comes first with a null definition;
 * `order` is last (Jackson); default_value and value are strings, doubles as Java prints them; a
 * LONG keeps all its digits; the secret is "[hidden]"; an unparsable value is null and also fails
 * the Range (Kafka validates the null it leaves); unknown keys (extra.key) are not listed.
 */
const EXPECTED: ConfigInfos = {
  name: 'com.example.JdbcSource',
  error_count: 7,
  groups: ['Common', 'Mode'],
  configs: [
    {
      definition: null,
      value: {
        name: 'ghost.key',
        value: null,
        recommended_values: [],
        errors: ['ghost.key is referred in the dependents, but not defined.'],
        visible: false,
      },
    },
    {
      definition: {
        name: 'topic',
        type: 'STRING',
        required: true,
        default_value: null,
        importance: 'HIGH',
        documentation: 'The topic to publish data to',
        group: 'Common',
        width: 'LONG',
        display_name: 'Topic',
        dependents: [],
        order: 1,
      },
      value: {
        name: 'topic',
        value: null,
        recommended_values: [],
        errors: ['Missing required configuration "topic" which has no default value.'],
        visible: true,
      },
    },
    {
      definition: {
        name: 'tasks.max',
        type: 'INT',
        required: false,
        default_value: '1',
        importance: 'HIGH',
        documentation: 'Maximum number of tasks.',
        group: 'Common',
        width: 'SHORT',
        display_name: 'Tasks max',
        dependents: [],
        order: 2,
      },
      value: {
        name: 'tasks.max',
        value: '0',
        recommended_values: [],
        errors: ['Invalid value 0 for configuration tasks.max: Value must be at least 1'],
        visible: true,
      },
    },
    {
      definition: {
        name: 'mode',
        type: 'STRING',
        required: false,
        default_value: 'bulk',
        importance: 'MEDIUM',
        documentation: 'How to detect new rows.',
        group: 'Mode',
        width: 'MEDIUM',
        display_name: 'Mode',
        dependents: ['incrementing.column.name', 'ghost.key'],
        order: 1,
      },
      value: { name: 'mode', value: 'incrementing', recommended_values: [], errors: [], visible: true },
    },
    {
      definition: {
        name: 'incrementing.column.name',
        type: 'STRING',
        required: false,
        default_value: '',
        importance: 'MEDIUM',
        documentation: 'Column that only grows.',
        group: 'Mode',
        width: 'MEDIUM',
        display_name: 'Incrementing column',
        dependents: [],
        order: 2,
      },
      value: { name: 'incrementing.column.name', value: '', recommended_values: ['id', 'seq'], errors: [], visible: true },
    },
    {
      definition: {
        name: 'connection.password',
        type: 'PASSWORD',
        required: true,
        default_value: null,
        importance: 'HIGH',
        documentation: 'Database password.',
        group: null,
        width: 'NONE',
        display_name: 'connection.password',
        dependents: [],
        order: -1,
      },
      value: { name: 'connection.password', value: '[hidden]', recommended_values: [], errors: [], visible: true },
    },
    {
      definition: {
        name: 'batch.ratio',
        type: 'DOUBLE',
        required: false,
        default_value: '0.5',
        importance: 'LOW',
        documentation: 'Fraction of a batch.',
        group: null,
        width: 'NONE',
        display_name: 'batch.ratio',
        dependents: [],
        order: -1,
      },
      value: {
        name: 'batch.ratio',
        value: '1.5',
        recommended_values: ['0.25', '1.0'],
        errors: ['Invalid value 1.5 for configuration batch.ratio: Value must be no more than 1'],
        visible: true,
      },
    },
    {
      definition: {
        name: 'poll.interval.ms',
        type: 'LONG',
        required: false,
        default_value: '5000',
        importance: 'LOW',
        documentation: 'Pause between polls.',
        group: null,
        width: 'NONE',
        display_name: 'poll.interval.ms',
        dependents: [],
        order: -1,
      },
      value: {
        name: 'poll.interval.ms',
        value: null,
        recommended_values: [],
        errors: [
          'Invalid value abc for configuration poll.interval.ms: Not a number of type LONG',
          'Invalid value null for configuration poll.interval.ms: Value must be non-null',
        ],
        visible: true,
      },
    },
    {
      definition: {
        name: 'buffer.bytes',
        type: 'INT',
        required: false,
        default_value: '1048576',
        importance: 'LOW',
        documentation: 'Buffer size.',
        group: null,
        width: 'NONE',
        display_name: 'buffer.bytes',
        dependents: [],
        order: -1,
      },
      value: { name: 'buffer.bytes', value: '1048576', recommended_values: [], errors: [], visible: true },
    },
    {
      definition: {
        name: 'tables',
        type: 'LIST',
        required: false,
        default_value: 'a,b',
        importance: 'LOW',
        documentation: 'Tables to copy.',
        group: null,
        width: 'NONE',
        display_name: 'tables',
        dependents: [],
        order: -1,
      },
      value: {
        name: 'tables',
        value: 'a,d',
        recommended_values: [],
        errors: ['Invalid value d for configuration tables: String must be one of: a, b, c'],
        visible: true,
      },
    },
    {
      definition: {
        name: 'enabled',
        type: 'BOOLEAN',
        required: false,
        default_value: 'true',
        importance: 'LOW',
        documentation: 'Whether to run.',
        group: null,
        width: 'NONE',
        display_name: 'enabled',
        dependents: [],
        order: -1,
      },
      value: { name: 'enabled', value: 'true', recommended_values: [], errors: [], visible: true },
    },
    {
      definition: {
        name: 'max.id',
        type: 'LONG',
        required: false,
        default_value: '9007199254740993',
        importance: 'LOW',
        documentation: 'Largest id.',
        group: null,
        width: 'NONE',
        display_name: 'max.id',
        dependents: [],
        order: -1,
      },
      value: { name: 'max.id', value: '9223372036854775807', recommended_values: [], errors: [], visible: true },
    },
    {
      definition: {
        name: 'weight',
        type: 'DOUBLE',
        required: false,
        default_value: '2.0',
        importance: 'LOW',
        documentation: 'Weight.',
        group: null,
        width: 'NONE',
        display_name: 'weight',
        dependents: [],
        order: -1,
      },
      value: { name: 'weight', value: '1.0E7', recommended_values: [], errors: [], visible: true },
    },
    {
      definition: {
        name: 'converter',
        type: 'CLASS',
        required: false,
        default_value: null,
        importance: 'LOW',
        documentation: 'Converter class.',
        group: null,
        width: 'NONE',
        display_name: 'converter',
        dependents: [],
        order: -1,
      },
      value: { name: 'converter', value: null, recommended_values: [], errors: [], visible: true },
    },
  ],
};

const RST = [
  '``connection.password``',
  '  Database password.',
  '',
  '  * Type: password',
  '  * Importance: high',
  '',
  '``batch.ratio``',
  '  Fraction of a batch.',
  '',
  '  * Type: double',
  '  * Default: 0.5',
  '  * Valid Values: [0,...,1]',
  '  * Importance: low',
  '',
  '``buffer.bytes``',
  '  Buffer size.',
  '',
  '  * Type: int',
  '  * Default: 1048576 (1 mebibyte)',
  '  * Importance: low',
  '',
  '``converter``',
  '  Converter class.',
  '',
  '  * Type: class',
  '  * Default: null',
  '  * Importance: low',
  '',
  '``enabled``',
  '  Whether to run.',
  '',
  '  * Type: boolean',
  '  * Default: true',
  '  * Importance: low',
  '',
  '``max.id``',
  '  Largest id.',
  '',
  '  * Type: long',
  '  * Default: 9007199254740993',
  '  * Importance: low',
  '',
  '``poll.interval.ms``',
  '  Pause between polls.',
  '',
  '  * Type: long',
  '  * Default: 5000 (5 seconds)',
  '  * Valid Values: [0,...]',
  '  * Importance: low',
  '',
  '``tables``',
  '  Tables to copy.',
  '',
  '  * Type: list',
  '  * Default: a,b',
  '  * Valid Values: [a, b, c]',
  '  * Importance: low',
  '',
  '``weight``',
  '  Weight.',
  '',
  '  * Type: double',
  '  * Default: 2.0',
  '  * Importance: low',
  '',
  '``topic``',
  '  The topic to publish data to',
  '',
  '  * Type: string',
  '  * Valid Values: non-empty string',
  '  * Importance: high',
  '',
  '``tasks.max``',
  '  Maximum number of tasks.',
  '',
  '  * Type: int',
  '  * Default: 1',
  '  * Valid Values: [1,...]',
  '  * Importance: high',
  '',
  '``mode``',
  '  How to detect new rows.',
  '',
  '  * Type: string',
  '  * Default: bulk',
  '  * Valid Values: [bulk, incrementing]',
  '  * Importance: medium',
  '',
  '``incrementing.column.name``',
  '  Column that only grows.',
  '',
  '  * Type: string',
  '  * Default: ""',
  '  * Importance: medium',
  '',
  '',
].join('\n');

const ENRICHED_RST = [
  '``connection.password``',
  '  Database password.',
  '',
  '  * Type: password',
  '  * Importance: high',
  '',
  '``batch.ratio``',
  '  Fraction of a batch.',
  '',
  '  * Type: double',
  '  * Default: 0.5',
  '  * Valid Values: [0,...,1]',
  '  * Importance: low',
  '',
  '``buffer.bytes``',
  '  Buffer size.',
  '',
  '  * Type: int',
  '  * Default: 1048576 (1 mebibyte)',
  '  * Importance: low',
  '',
  '``converter``',
  '  Converter class.',
  '',
  '  * Type: class',
  '  * Default: null',
  '  * Importance: low',
  '',
  '``enabled``',
  '  Whether to run.',
  '',
  '  * Type: boolean',
  '  * Default: true',
  '  * Importance: low',
  '',
  '``max.id``',
  '  Largest id.',
  '',
  '  * Type: long',
  '  * Default: 9007199254740993',
  '  * Importance: low',
  '',
  '``poll.interval.ms``',
  '  Pause between polls.',
  '',
  '  * Type: long',
  '  * Default: 5000 (5 seconds)',
  '  * Valid Values: [0,...]',
  '  * Importance: low',
  '',
  '``tables``',
  '  Tables to copy.',
  '',
  '  * Type: list',
  '  * Default: a,b',
  '  * Valid Values: [a, b, c]',
  '  * Importance: low',
  '',
  '``weight``',
  '  Weight.',
  '',
  '  * Type: double',
  '  * Default: 2.0',
  '  * Importance: low',
  '',
  'Common',
  '^^^^^^',
  '',
  '``topic``',
  '  The topic to publish data to',
  '',
  '  * Type: string',
  '  * Valid Values: non-empty string',
  '  * Importance: high',
  '',
  '``tasks.max``',
  '  Maximum number of tasks.',
  '',
  '  * Type: int',
  '  * Default: 1',
  '  * Valid Values: [1,...]',
  '  * Importance: high',
  '',
  'Mode',
  '^^^^',
  '',
  '``mode``',
  '  How to detect new rows.',
  '',
  '  * Type: string',
  '  * Default: bulk',
  '  * Valid Values: [bulk, incrementing]',
  '  * Importance: medium',
  '  * Dependents: ``incrementing.column.name``, ``ghost.key``',
  '',
  '``incrementing.column.name``',
  '  Column that only grows.',
  '',
  '  * Type: string',
  '  * Default: ""',
  '  * Importance: medium',
  '',
  '',
].join('\n');

/** Kafka's toHtmlTable, except that Kafka closes every cell twice (</td></td>) and this once. */
const HTML_TABLE = [
  '<table class="data-table"><tbody>',
  '<tr>',
  '<th>Name</th>',
  '<th>Description</th>',
  '<th>Type</th>',
  '<th>Default</th>',
  '<th>Valid Values</th>',
  '<th>Importance</th>',
  '</tr>',
  '<tr>',
  '<td>connection.password</td><td>Database password.</td><td>password</td><td></td><td></td><td>high</td></tr>',
  '<tr>',
  '<td>batch.ratio</td><td>Fraction of a batch.</td><td>double</td><td>0.5</td><td>[0,...,1]</td><td>low</td></tr>',
  '<tr>',
  '<td>buffer.bytes</td><td>Buffer size.</td><td>int</td><td>1048576 (1 mebibyte)</td><td></td><td>low</td></tr>',
  '<tr>',
  '<td>converter</td><td>Converter class.</td><td>class</td><td>null</td><td></td><td>low</td></tr>',
  '<tr>',
  '<td>enabled</td><td>Whether to run.</td><td>boolean</td><td>true</td><td></td><td>low</td></tr>',
  '<tr>',
  '<td>max.id</td><td>Largest id.</td><td>long</td><td>9007199254740993</td><td></td><td>low</td></tr>',
  '<tr>',
  '<td>poll.interval.ms</td><td>Pause between polls.</td><td>long</td><td>5000 (5 seconds)</td><td>[0,...]</td><td>low</td></tr>',
  '<tr>',
  '<td>tables</td><td>Tables to copy.</td><td>list</td><td>a,b</td><td>[a, b, c]</td><td>low</td></tr>',
  '<tr>',
  '<td>weight</td><td>Weight.</td><td>double</td><td>2.0</td><td></td><td>low</td></tr>',
  '<tr>',
  '<td>topic</td><td>The topic to publish data to</td><td>string</td><td></td><td>non-empty string</td><td>high</td></tr>',
  '<tr>',
  '<td>tasks.max</td><td>Maximum number of tasks.</td><td>int</td><td>1</td><td>[1,...]</td><td>high</td></tr>',
  '<tr>',
  '<td>mode</td><td>How to detect new rows.</td><td>string</td><td>bulk</td><td>[bulk, incrementing]</td><td>medium</td></tr>',
  '<tr>',
  '<td>incrementing.column.name</td><td>Column that only grows.</td><td>string</td><td>""</td><td></td><td>medium</td></tr>',
  '</tbody></table>',
].join('\n');

t.test('validate() is the ConfigInfos Kafka Connect returns, byte for byte', async (t) => {
  const ours = DEF.validate(PROPS);
  t.same(ours, EXPECTED);
  t.equal(JSON.stringify(ours), JSON.stringify(EXPECTED), 'same JSON text, field order included');
  t.equal(ours.error_count, 7, 'error_count counts messages, not keys (poll.interval.ms has two)');
  t.equal(DEF.validate(PROPS, 'JdbcSource').name, 'JdbcSource', 'the plugin name can be given');
  t.equal(DEF.validate({}).name, '', 'no connector.class: an empty name');
});

t.test('toRst, toEnrichedRst and toHtmlTable render what Kafka renders, in its order', async (t) => {
  t.equal(DEF.toRst(), RST);
  t.equal(DEF.toEnrichedRst(), ENRICHED_RST);
  t.equal(DEF.toHtmlTable(), HTML_TABLE);
});

t.test('toMarkdown: the same columns and order as a GitHub table', async (t) => {
  t.equal(
    DEF.toMarkdown(),
    [
      '| Name | Description | Type | Default | Valid Values | Importance |',
      '| --- | --- | --- | --- | --- | --- |',
      '| `connection.password` | Database password. | password |  |  | high |',
      '| `batch.ratio` | Fraction of a batch. | double | 0.5 | [0,...,1] | low |',
      '| `buffer.bytes` | Buffer size. | int | 1048576 (1 mebibyte) |  | low |',
      '| `converter` | Converter class. | class | null |  | low |',
      '| `enabled` | Whether to run. | boolean | true |  | low |',
      '| `max.id` | Largest id. | long | 9007199254740993 |  | low |',
      '| `poll.interval.ms` | Pause between polls. | long | 5000 (5 seconds) | [0,...] | low |',
      '| `tables` | Tables to copy. | list | a,b | [a, b, c] | low |',
      '| `weight` | Weight. | double | 2.0 |  | low |',
      '| `topic` | The topic to publish data to | string |  | non-empty string | high |',
      '| `tasks.max` | Maximum number of tasks. | int | 1 | [1,...] | high |',
      '| `mode` | How to detect new rows. | string | bulk | [bulk, incrementing] | medium |',
      '| `incrementing.column.name` | Column that only grows. | string | "" |  | medium |',
      '',
    ].join('\n'),
  );
});

// ---------------------------------------------------------------------------------------------
// The oracle: Kafka answering for the same definition.

const ORACLE = `import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.*;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.*;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.runtime.AbstractHerder;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;

/** Kafka's ConfigDef and Kafka Connect's generateResult on the ConfigInfos test's definition (prints JSON). */
public class ScenarioOracle {
  static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    ObjectNode out = JSON.createObjectNode();
    Recommender column = new Recommender() {
      public List<Object> validValues(String name, Map<String, Object> parsed) {
        return "incrementing".equals(parsed.get("mode")) ? new ArrayList<>(List.of("id", "seq")) : new ArrayList<>();
      }
      public boolean visible(String name, Map<String, Object> parsed) {
        return "incrementing".equals(parsed.get("mode"));
      }
    };
    Recommender ratio = new Recommender() {
      public List<Object> validValues(String name, Map<String, Object> parsed) {
        return new ArrayList<>(List.of(0.25, 1.0));
      }
      public boolean visible(String name, Map<String, Object> parsed) {
        return true;
      }
    };
    ConfigDef def = new ConfigDef()
      .define("topic", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new NonEmptyString(), Importance.HIGH, "The topic to publish data to", "Common", 1, Width.LONG, "Topic")
      .define("tasks.max", Type.INT, 1, Range.atLeast(1), Importance.HIGH, "Maximum number of tasks.", "Common", 2, Width.SHORT, "Tasks max")
      .define("mode", Type.STRING, "bulk", ValidString.in("bulk", "incrementing"), Importance.MEDIUM, "How to detect new rows.", "Mode", 1, Width.MEDIUM, "Mode", List.of("incrementing.column.name", "ghost.key"))
      .define("incrementing.column.name", Type.STRING, "", null, Importance.MEDIUM, "Column that only grows.", "Mode", 2, Width.MEDIUM, "Incrementing column", column)
      .define("connection.password", Type.PASSWORD, Importance.HIGH, "Database password.")
      .define("batch.ratio", Type.DOUBLE, 0.5, Range.between(0, 1), Importance.LOW, "Fraction of a batch.", null, -1, Width.NONE, "batch.ratio", ratio)
      .define("poll.interval.ms", Type.LONG, 5000L, Range.atLeast(0), Importance.LOW, "Pause between polls.")
      .define("buffer.bytes", Type.INT, 1048576, Importance.LOW, "Buffer size.")
      .define("tables", Type.LIST, "a,b", ValidList.in("a", "b", "c"), Importance.LOW, "Tables to copy.")
      .define("enabled", Type.BOOLEAN, true, Importance.LOW, "Whether to run.")
      .define("max.id", Type.LONG, 9007199254740993L, Importance.LOW, "Largest id.")
      .define("weight", Type.DOUBLE, 2, Importance.LOW, "Weight.")
      .define("converter", Type.CLASS, null, Importance.LOW, "Converter class.");
    Map<String, String> props = new LinkedHashMap<>();
    props.put("connector.class", "com.example.JdbcSource");
    props.put("tasks.max", "0");
    props.put("mode", " incrementing ");
    props.put("connection.password", "s3cr3t-value");
    props.put("batch.ratio", "1.5");
    props.put("poll.interval.ms", "abc");
    props.put("tables", "a, d");
    props.put("enabled", "TRUE");
    props.put("max.id", "9223372036854775807");
    props.put("weight", "1e7");
    props.put("extra.key", "kept");
    Map<String, ConfigValue> validated = def.validateAll(props);
    ConfigInfos infos = AbstractHerder.generateResult(props.get("connector.class"), def.configKeys(), new ArrayList<>(validated.values()), def.groups());
    out.put("configInfos", JSON.writeValueAsString(infos));
    out.put("rst", def.toRst());
    out.put("enrichedRst", def.toEnrichedRst());
    out.put("htmlTable", def.toHtmlTable());
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
    return version !== undefined && existsSync(join(libs, `connect-runtime-${version}.jar`)) ? libs : undefined;
  }
  return undefined;
}

const libs = kafkaLibs();
t.test(
  'Kafka and Kafka Connect themselves produce EXPECTED and the documentation above',
  { skip: libs === undefined && 'no Kafka jars in .cache (run tools/bootstrap.sh)' },
  async (t) => {
    if (libs === undefined) return;
    const dir = mkdtempSync(join(tmpdir(), 'connectd-configinfos-oracle-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'ScenarioOracle.java'), ORACLE);
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)('java', ['-cp', join(libs, '*'), 'ScenarioOracle.java'], { cwd: dir, timeout: 120_000 }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return t.plan(0, 'no java on PATH');
      throw err;
    }
    const kafka = JSON.parse(stdout) as { configInfos: string; rst: string; enrichedRst: string; htmlTable: string };
    t.equal(kafka.configInfos, JSON.stringify(EXPECTED), 'ConfigInfos JSON');
    t.equal(kafka.rst, RST, 'toRst');
    t.equal(kafka.enrichedRst, ENRICHED_RST, 'toEnrichedRst');
    t.equal(kafka.htmlTable.replaceAll('</td></td>', '</td>'), HTML_TABLE, 'toHtmlTable');
  },
);
