/**
 * Errors of the data model and the converters, after Kafka Connect's
 * `org.apache.kafka.connect.errors.DataException` and `SchemaBuilderException`. Each carries a stable
 * `code` so that callers (the worker's error handling, tests, logs) need not match messages.
 *
 * - `CONNECTD_ERR_DATA`: a value does not fit its schema, or bytes cannot be read as Connect data.
 * - `CONNECTD_ERR_DATA_TYPE`: a value of the wrong JavaScript type for its schema or converter (a
 *   string where BYTES needs a Uint8Array). A DataException too, so one `instanceof` catches both.
 * - `CONNECTD_ERR_SCHEMA_BUILDER`: a SchemaBuilder call that Kafka Connect would also refuse.
 */
export class DataException extends Error {
  readonly code: string = 'CONNECTD_ERR_DATA';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataException';
  }
}

export class DataTypeError extends DataException {
  override readonly code: string = 'CONNECTD_ERR_DATA_TYPE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataTypeError';
  }
}

export class SchemaBuilderException extends DataException {
  override readonly code: string = 'CONNECTD_ERR_SCHEMA_BUILDER';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchemaBuilderException';
  }
}

/** How a value reads in an error message: its JavaScript type, and the value itself when short. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return value.length <= 40 ? `string ${JSON.stringify(value)}` : `string of length ${value.length}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'bigint':
      return `bigint ${value}n`;
    case 'object': {
      if (Array.isArray(value)) return `array of length ${value.length}`;
      if (value instanceof Uint8Array) return `${value.constructor.name} of ${value.byteLength} bytes`;
      const ctor = (value as { constructor?: { name?: unknown } }).constructor;
      return typeof ctor?.name === 'string' && ctor.name !== 'Object' ? `${ctor.name} object` : 'plain object';
    }
    default:
      return typeof value;
  }
}
