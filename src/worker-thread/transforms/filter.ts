/**
 * Filter (`org.apache.kafka.connect.transforms.Filter`): drops every record it is applied to. Used
 * with a predicate, it drops the records the predicate selects (or, with `negate`, the others).
 */
import { ConfigDef } from '../sdk/config-def.js';
import type { Transformation } from './transformation.js';

const CONFIG_DEF = new ConfigDef();

export class Filter implements Transformation {
  static readonly OVERVIEW_DOC =
    'Drops all records, filtering them from subsequent transformations in the chain. ' +
    'This is intended to be used conditionally to filter out records matching (or not matching) ' +
    'a particular Predicate.';
  static readonly CONFIG_DEF = CONFIG_DEF;

  configure(): void {}

  apply(): null {
    return null;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
