/**
 * InsertHeader (`org.apache.kafka.connect.transforms.InsertHeader`): adds a header `header` whose
 * value is `value.literal` read as Values.parseString reads it (`42` an INT8, `true` a boolean,
 * `[1,2]` an array…), and written as util/headers.ts says.
 */
import { ConfigDef, NonNullValidator } from '../sdk/config-def.js';
import type { Header } from '../sdk/records.js';
import { parseString } from '../data/values.js';
import { newRecord } from './transformation.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { simpleConfig } from './util/config.js';
import { connectHeader } from './util/headers.js';

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'header',
    type: 'STRING',
    validator: new NonNullValidator(),
    importance: 'HIGH',
    documentation: 'The name of the header.',
  })
  .define({
    name: 'value.literal',
    type: 'STRING',
    validator: new NonNullValidator(),
    importance: 'HIGH',
    documentation: 'The literal value that is to be set as the header value on all records.',
  });

export class InsertHeader implements Transformation {
  static readonly OVERVIEW_DOC = 'Add a header to each record.';
  static readonly CONFIG_DEF = CONFIG_DEF;

  #header: Header = { key: '', value: null };

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    const literal = parseString(config.getString('value.literal'));
    this.#header = connectHeader(config.getString('header'), literal?.schema ?? null, literal?.value ?? null);
  }

  apply<R extends ConnectRecord>(record: R): R {
    return newRecord(record, { headers: [...record.headers, this.#header] });
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
