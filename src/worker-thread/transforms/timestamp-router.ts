/**
 * TimestampRouter (`org.apache.kafka.connect.transforms.TimestampRouter`): renames the topic from
 * `topic.format`, replacing `${topic}` and `${timestamp}` (the record's timestamp in
 * `timestamp.format`, a SimpleDateFormat pattern, in UTC).
 */
import { DataException } from '../data/errors.js';
import { ConfigDef } from '../sdk/config-def.js';
import type { ParsedValue } from '../sdk/config-def.js';
import { describeRecord, newRecord } from './transformation.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { configProblem, simpleConfig } from './util/config.js';
import { IllegalPatternError, SimpleDateFormat } from './util/simple-date-format.js';

/** A pattern Kafka would only reject when the first record arrives: refused when configured. */
function patternProblem(pattern: ParsedValue): string | undefined {
  try {
    new SimpleDateFormat(String(pattern));
    return undefined;
  } catch (err) {
    if (err instanceof IllegalPatternError) return err.message;
    throw err;
  }
}

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'topic.format',
    type: 'STRING',
    default: '${topic}-${timestamp}',
    importance: 'HIGH',
    documentation:
      'Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.',
  })
  .define({
    name: 'timestamp.format',
    type: 'STRING',
    default: 'yyyyMMdd',
    validator: (_name, value) => patternProblem(value),
    importance: 'HIGH',
    documentation: 'Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.',
  });

export class TimestampRouter implements Transformation {
  static readonly OVERVIEW_DOC =
    "Update the record's topic field as a function of the original topic value and the record timestamp." +
    '<p/>' +
    'This is mainly useful for sink connectors, since the topic field is often used to determine the equivalent entity name in the destination system' +
    '(e.g. database table or search index name).';
  static readonly CONFIG_DEF = CONFIG_DEF;

  #topicFormat = '${topic}-${timestamp}';
  #timestampFormat = new SimpleDateFormat('yyyyMMdd');

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    this.#topicFormat = config.getString('topic.format');
    try {
      this.#timestampFormat = new SimpleDateFormat(config.getString('timestamp.format'));
    } catch (err) {
      if (err instanceof IllegalPatternError) throw configProblem(err.message, 'timestamp.format', config.getString('timestamp.format'));
      throw err;
    }
  }

  apply<R extends ConnectRecord>(record: R): R {
    const timestamp = record.timestamp;
    if (timestamp === null) throw new DataException(`Timestamp missing on record: ${describeRecord(record)}`);
    const formatted = this.#timestampFormat.format(new Date(timestamp));
    const topic = this.#topicFormat.replaceAll('${topic}', () => record.topic).replaceAll('${timestamp}', () => formatted);
    return newRecord(record, { topic });
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
