/**
 * Kafka's `org.apache.kafka.connect.transforms.field` (KIP-821): FieldSyntaxVersion and
 * SingleFieldPath. With `field.syntax.version=V1` a path is one field name; with `V2` it is dotted
 * (`a.b.c`), and backticks wrap a name that contains dots (`` `a.b`.c ``), a backslash escaping a
 * backtick that would otherwise close one.
 */
import type { Field, Schema } from '../../data/schema.js';
import type { Struct } from '../../data/struct.js';
import { CaseInsensitiveValidString } from '../../sdk/config-def.js';
import type { ConfigDef, ParsedConfig } from '../../sdk/config-def.js';
import { configProblem } from './config.js';
import { mapGet } from './map-value.js';
import type { MapValue } from './map-value.js';
import { requireMapOrNull, requireStructOrNull } from './requirements.js';

export type FieldSyntaxVersion = 'V1' | 'V2';

export const FIELD_SYNTAX_VERSION_CONFIG = 'field.syntax.version';
const FIELD_SYNTAX_VERSION_DOC =
  'Defines the version of the syntax to access fields. ' +
  'If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. ' +
  'If set to `V2`, the syntax will support accessing nested elements. ' +
  'To access nested elements, dotted notation is used. ' +
  'If dots are already included in the field name, ' +
  'then backtick pairs can be used to wrap field names containing dots. ' +
  'E.g. to access the subfield `baz` from a field named "foo.bar" in a struct/map ' +
  'the following format can be used to access its elements: "`foo.bar`.baz".';

/** Kafka's FieldSyntaxVersion.appendConfigTo. */
export function appendFieldSyntaxVersion(def: ConfigDef): ConfigDef {
  return def.define({
    name: FIELD_SYNTAX_VERSION_CONFIG,
    type: 'STRING',
    default: 'V1',
    validator: CaseInsensitiveValidString.in('V1', 'V2'),
    importance: 'HIGH',
    documentation: FIELD_SYNTAX_VERSION_DOC,
  });
}

export function fieldSyntaxVersion(config: ParsedConfig): FieldSyntaxVersion {
  return config.getString(FIELD_SYNTAX_VERSION_CONFIG).toUpperCase() === 'V2' ? 'V2' : 'V1';
}

const BACKTICK = '`';
const DOT = '.';
const BACKSLASH = '\\';

function incompleteBacktickPair(path: string, backtickAt: number): never {
  throw configProblem(
    `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${backtickAt} to escape it`,
    'field',
    path,
  );
}

/** Kafka's SingleFieldPath.buildFieldPathV2, step for step. */
function stepsV2(path: string): string[] {
  const steps: string[] = [];
  let idx = 0;
  while (idx < path.length && idx >= 0) {
    if (path[idx] !== BACKTICK) {
      const start = idx;
      idx = path.indexOf(DOT, idx);
      if (idx >= 0) {
        steps.push(path.slice(start, idx));
        idx++;
      } else {
        steps.push(path.slice(start));
      }
      continue;
    }
    const backtickAt = idx;
    idx++;
    let field = '';
    let start = idx;
    for (;;) {
      idx = path.indexOf(BACKTICK, idx);
      if (idx === -1) incompleteBacktickPair(path, backtickAt);
      const escaped = path[idx - 1] === BACKSLASH;
      if (idx >= path.length - 1) {
        if (escaped) incompleteBacktickPair(path, backtickAt);
        field += path.slice(start, idx);
        steps.push(field);
        idx++;
        break;
      }
      if (path[idx + 1] !== DOT) {
        idx++;
        continue;
      }
      if (escaped) {
        field += path.slice(start, idx - 1) + BACKTICK;
        idx++;
        start = idx;
        continue;
      }
      field += path.slice(start, idx);
      steps.push(field);
      idx += 2;
      break;
    }
  }
  if (path !== '' && path.endsWith(DOT)) steps.push('');
  return steps;
}

export class SingleFieldPath {
  readonly steps: readonly string[];

  constructor(path: string, version: FieldSyntaxVersion) {
    this.steps = version === 'V1' ? [path] : stepsV2(path);
  }

  get #last(): string {
    return this.steps[this.steps.length - 1] ?? '';
  }

  get #parents(): readonly string[] {
    return this.steps.slice(0, -1);
  }

  /** The field at this path in a schema, or null. */
  fieldFrom(schema: Schema | null): Field | null {
    if (schema === null) return null;
    let current = schema;
    for (const step of this.#parents) {
      const field = current.field(step);
      if (field === null) return null;
      current = field.schema;
    }
    return current.field(this.#last);
  }

  /** The value at this path in a Struct (a parent's default standing for its null when `withDefault`), or null. */
  valueFromStruct(struct: Struct | null, withDefault = true): unknown {
    if (struct === null) return null;
    let current = struct;
    for (const step of this.#parents) {
      if (current.schema.field(step) === null) return null;
      const next = requireStructOrNull(current.get(step), 'nested field access');
      if (next === null) return null;
      current = next;
    }
    if (current.schema.field(this.#last) === null) return null;
    return withDefault ? current.get(this.#last) : current.getWithoutDefault(this.#last);
  }

  /** The value at this path in a schemaless map, or null. */
  valueFromMap(map: MapValue | null): unknown {
    if (map === null) return null;
    let current = map;
    for (const step of this.#parents) {
      const next = requireMapOrNull(mapGet(current, step), 'nested field access');
      if (next === null) return null;
      current = next;
    }
    return mapGet(current, this.#last);
  }
}
