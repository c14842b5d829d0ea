/**
 * The acceptance kit's own plugin (it puts this module on the connector's `plugin.path`): a
 * transformation that fails on every `fail.every`-th record it sees, so the kit can watch what the
 * framework and the connector do with records errors.tolerance skips or fails on. Not exported to
 * connector authors.
 */
import { ConfigDef } from '../config-def.js';
import { DataException } from '../../data/errors.js';

const CONFIG = new ConfigDef().define({
  name: 'fail.every',
  type: 'INT',
  default: '2',
  importance: 'HIGH',
  documentation: 'Fail on every n-th record (1: every record).',
});

export class AcceptanceKitFailEveryNth {
  #every = 2;
  #seen = 0;

  configure(configs: Readonly<Record<string, string>>): void {
    this.#every = CONFIG.parse(configs).getInt('fail.every');
  }

  apply<R>(record: R): R | null {
    if (++this.#seen % this.#every === 0) throw new DataException(`acceptance kit: record ${this.#seen} fails on purpose`);
    return record;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  close(): void {}
}
