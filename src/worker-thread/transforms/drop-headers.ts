/**
 * DropHeaders (`org.apache.kafka.connect.transforms.DropHeaders`): removes every header whose key
 * is one of `headers`.
 */
import { ConfigDef } from '../sdk/config-def.js';
import { newRecord } from './transformation.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { NON_EMPTY_LIST, simpleConfig } from './util/config.js';

const CONFIG_DEF = new ConfigDef().define({
  name: 'headers',
  type: 'LIST',
  validator: NON_EMPTY_LIST,
  importance: 'HIGH',
  documentation: 'The name of the headers to be removed.',
});

export class DropHeaders implements Transformation {
  static readonly OVERVIEW_DOC = 'Removes one or more headers from each record.';
  static readonly CONFIG_DEF = CONFIG_DEF;

  #headers: ReadonlySet<string> = new Set();

  configure(configs: Readonly<Record<string, string>>): void {
    this.#headers = new Set(simpleConfig(CONFIG_DEF, configs).getList('headers'));
  }

  apply<R extends ConnectRecord>(record: R): R {
    return newRecord(record, { headers: record.headers.filter((header) => !this.#headers.has(header.key)) });
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
