/**
 * The framework's keys of every connector config (Kafka Connect's ConnectorConfig and
 * SourceConnectorConfig), in Kafka Connect's groups. Imported on both sides of the thread boundary,
 * so it must not import anything that loads the Kafka client.
 */
import { CompositeValidator, ConfigDef, NonEmptyStringWithoutControlChars, Validators } from '../worker-thread/sdk/config-def.js';
import { defineTransformsAndPredicates } from '../worker-thread/transforms/transforms-config.js';

const COMMON = 'Common';

/**
 * The longest connector name, in Unicode code points. Kafka Connect has none, but a name must fit in
 * the request line of every `/connectors/{name}/…` call; the REST server admits path parameters of
 * this many code points percent-encoded at their worst (12 bytes each: 4 UTF-8 bytes as `%XX`), so
 * every name that can be created can also be read, paused and deleted.
 */
export const CONNECTOR_NAME_MAX_LENGTH = 255;

const COMMON_KEYS = new ConfigDef()
  .define({
    name: 'name',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Globally unique name to use for this connector.',
    group: COMMON,
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Connector name',
    // Beyond Kafka Connect: no "/" and no more than CONNECTOR_NAME_MAX_LENGTH code points, or the
    // connector could not be addressed in the REST API.
    validator: CompositeValidator.of(
      new NonEmptyStringWithoutControlChars(),
      (_name, value) =>
        typeof value === 'string' && value.includes('/')
          ? 'String may not contain "/" (it could not be addressed in the REST API)'
          : undefined,
      (_name, value) => {
        const length = typeof value === 'string' ? [...value].length : 0;
        return length > CONNECTOR_NAME_MAX_LENGTH
          ? `must be at most ${CONNECTOR_NAME_MAX_LENGTH} characters (Unicode code points) long, got ${length}`
          : undefined;
      },
    ),
  })
  .define({
    name: 'connector.class',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Name or alias of the class for this connector.',
    group: COMMON,
    orderInGroup: 2,
    width: 'LONG',
    displayName: 'Connector class',
    validator: Validators.nonEmptyString(),
  })
  .define({
    name: 'tasks.max',
    type: 'INT',
    default: '1',
    importance: 'HIGH',
    documentation: 'Maximum number of tasks to use for this connector.',
    group: COMMON,
    orderInGroup: 3,
    width: 'SHORT',
    displayName: 'Tasks max',
    validator: Validators.atLeast(1),
  })
  .define({
    name: 'key.converter',
    type: 'CLASS',
    default: null,
    importance: 'LOW',
    documentation:
      'Converter class used to convert between Kafka Connect format and the serialized form written to Kafka; overrides the worker setting.',
    group: COMMON,
    orderInGroup: 4,
    width: 'SHORT',
    displayName: 'Key converter class',
  })
  .define({
    name: 'value.converter',
    type: 'CLASS',
    default: null,
    importance: 'LOW',
    documentation:
      'Converter class used to convert between Kafka Connect format and the serialized form written to Kafka; overrides the worker setting.',
    group: COMMON,
    orderInGroup: 5,
    width: 'SHORT',
    displayName: 'Value converter class',
  })
  .define({
    name: 'task.restart.on.failure',
    type: 'STRING',
    default: '',
    importance: 'LOW',
    documentation:
      'connectd: restart FAILED tasks by themselves, with capped exponential backoff (true/false; empty = the worker setting).',
    group: COMMON,
    orderInGroup: 6,
    width: 'SHORT',
    displayName: 'Restart failed tasks',
    validator: Validators.validString('', 'true', 'false'),
  });

const ERROR_GROUP = 'Error Handling';

/** Kafka Connect's ConnectorConfig error handling keys (KIP-298), for sources and sinks alike. */
function defineErrorHandling(def: ConfigDef): ConfigDef {
  return def
    .define({
      name: 'errors.retry.timeout',
      type: 'LONG',
      default: '0',
      importance: 'MEDIUM',
      documentation:
        'The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.',
      group: ERROR_GROUP,
      orderInGroup: 1,
      width: 'MEDIUM',
      displayName: 'Retry Timeout for Errors',
      validator: Validators.atLeast(-1),
    })
    .define({
      name: 'errors.retry.delay.max.ms',
      type: 'LONG',
      default: '60000',
      importance: 'MEDIUM',
      documentation:
        'The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once this limit is reached to prevent thundering herd issues.',
      group: ERROR_GROUP,
      orderInGroup: 2,
      width: 'MEDIUM',
      displayName: 'Maximum Delay Between Retries for Errors',
      validator: Validators.atLeast(1),
    })
    .define({
      name: 'errors.tolerance',
      type: 'STRING',
      default: 'none',
      importance: 'MEDIUM',
      documentation:
        "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
      group: ERROR_GROUP,
      orderInGroup: 3,
      width: 'SHORT',
      displayName: 'Error Tolerance',
      validator: Validators.validString('none', 'all'),
    })
    .define({
      name: 'errors.log.enable',
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation:
        "If true, write each error and the details of the failed operation and problematic record to the Connect application log. This is 'false' by default, so that only errors that are not tolerated are reported.",
      group: ERROR_GROUP,
      orderInGroup: 4,
      width: 'SHORT',
      displayName: 'Log Errors',
    })
    .define({
      name: 'errors.log.include.messages',
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation:
        "Whether to include in the log the Connect record that resulted in a failure. For sink records, the topic, partition, offset, and timestamp will be logged. For source records, the key and value (and their schemas), all headers, and the timestamp, Kafka topic, Kafka partition, source partition, and source offset will be logged. This is 'false' by default, which will prevent record keys, values, and headers from being written to log files.",
      group: ERROR_GROUP,
      orderInGroup: 5,
      width: 'SHORT',
      displayName: 'Log Error Details',
    });
}

/** The dead letter queue keys: Kafka Connect's for sinks; connectd offers them to sources too. */
function defineDeadLetterQueue(def: ConfigDef, forSource: boolean): ConfigDef {
  const sourceNote = forSource
    ? ' (connectd: source connectors too, for records whose conversion or transformation failed after poll; off by default)'
    : '';
  return def
    .define({
      name: 'errors.deadletterqueue.topic.name',
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation: `The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed by this connector, or its transformations or converters. The topic name is blank by default, which means that no messages are to be recorded in the DLQ.${sourceNote}`,
      group: ERROR_GROUP,
      orderInGroup: 6,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Name',
    })
    .define({
      name: 'errors.deadletterqueue.topic.replication.factor',
      type: 'SHORT',
      default: '3',
      importance: 'MEDIUM',
      documentation: "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
      group: ERROR_GROUP,
      orderInGroup: 7,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Replication Factor',
      validator: Validators.atLeast(-1),
    })
    .define({
      name: 'errors.deadletterqueue.context.headers.enable',
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation:
        'If true, add headers containing error context to the messages written to the dead letter queue. To avoid clashing with headers from the original record, all error context header keys, all error context header keys will start with <code>__connect.errors.</code>',
      group: ERROR_GROUP,
      orderInGroup: 8,
      width: 'MEDIUM',
      displayName: 'Enable Error Context Headers',
    });
}

/** Kafka Connect's SinkConnectorConfig `topics` and `topics.regex`. */
function defineSinkTopics(def: ConfigDef): ConfigDef {
  return def
    .define({
      name: 'topics',
      type: 'LIST',
      default: '',
      importance: 'HIGH',
      documentation: 'List of topics to consume, separated by commas',
      group: COMMON,
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'Topics',
    })
    .define({
      name: 'topics.regex',
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      documentation:
        'Regular expression giving topics to consume. Under the hood, the regex is compiled to a <code>java.util.regex.Pattern</code>. Only one of topics or topics.regex should be specified.',
      group: COMMON,
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'Topics regex',
      validator: (_name, value) => {
        if (typeof value !== 'string' || value === '') return undefined;
        try {
          new RegExp(value);
          return undefined;
        } catch (err) {
          return `not a valid regular expression: ${(err as Error).message}`;
        }
      },
    });
}

/** The Common keys plus `transforms`, `predicates` and error handling (alias keys come with ConnectorConfig.enrich). */
export const CONNECTOR_CONFIG_DEF = defineErrorHandling(defineTransformsAndPredicates(COMMON_KEYS));

/** A source connector's framework keys: the common ones and (connectd) a dead letter queue. */
export const SOURCE_CONNECTOR_CONFIG_DEF = defineDeadLetterQueue(new ConfigDef(CONNECTOR_CONFIG_DEF), true);

/** Kafka Connect's SinkConnectorConfig: the common keys, `topics`/`topics.regex` and the dead letter queue. */
export const SINK_CONNECTOR_CONFIG_DEF = defineDeadLetterQueue(defineSinkTopics(new ConfigDef(CONNECTOR_CONFIG_DEF)), false);

export type ConnectorType = 'source' | 'sink';

export function connectorConfigDef(type: ConnectorType): ConfigDef {
  return type === 'sink' ? SINK_CONNECTOR_CONFIG_DEF : SOURCE_CONNECTOR_CONFIG_DEF;
}

/**
 * What Kafka Connect's SinkConnectorConfig.validate checks beyond each key: exactly one of `topics`
 * and `topics.regex`, and the dead letter queue topic not among the topics consumed.
 */
export function sinkTopicProblems(config: Readonly<Record<string, string>>): { name: string; value: string | null; message: string }[] {
  const topics = (config.topics ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const regex = (config['topics.regex'] ?? '').trim();
  const problems: { name: string; value: string | null; message: string }[] = [];
  if (topics.length === 0 && regex === '')
    problems.push({ name: 'topics', value: config.topics ?? null, message: 'Must configure one of topics or topics.regex' });
  if (topics.length > 0 && regex !== '')
    problems.push({
      name: 'topics',
      value: config.topics ?? null,
      message: 'topics and topics.regex are mutually exclusive options, but both are set.',
    });
  const dlq = (config['errors.deadletterqueue.topic.name'] ?? '').trim();
  if (dlq !== '' && topics.includes(dlq)) {
    problems.push({
      name: 'errors.deadletterqueue.topic.name',
      value: dlq,
      message: `The DLQ topic '${dlq}' may not be included in the list of topics ('topics=${config.topics}') to be consumed.`,
    });
  }
  if (dlq !== '' && regex !== '') {
    try {
      if (new RegExp(`^(?:${regex})$`).test(dlq)) {
        problems.push({
          name: 'errors.deadletterqueue.topic.name',
          value: dlq,
          message: `The DLQ topic '${dlq}' may not be included in the regex matching the topics ('topics.regex=${regex}') to be consumed.`,
        });
      }
    } catch {
      // topics.regex reports its own problem.
    }
  }
  return problems;
}
