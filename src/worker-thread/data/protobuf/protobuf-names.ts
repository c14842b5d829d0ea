/**
 * The names and parameters Confluent's ProtobufData (`io.confluent.connect.protobuf`) uses to carry
 * what a .proto file cannot say in Connect schemas and back, and the options both directions share.
 */
export const PROTOBUF_NAMESPACE = 'io.confluent.connect.protobuf';
/** A Connect STRING that is a protobuf enum: the parameter holds the enum's name; `Enum.<symbol>` its numbers. */
export const PROTOBUF_TYPE_ENUM = `${PROTOBUF_NAMESPACE}.Enum`;
export const PROTOBUF_TYPE_ENUM_PREFIX = `${PROTOBUF_TYPE_ENUM}.`;
/** A Connect STRUCT named `…Union.<oneof>` is a oneof: its fields are the oneof's members. */
export const PROTOBUF_TYPE_UNION_PREFIX = `${PROTOBUF_NAMESPACE}.Union.`;
/** A field's number, kept as a parameter of its schema. */
export const PROTOBUF_TYPE_TAG = `${PROTOBUF_NAMESPACE}.Tag`;

/** `connect.type` in a field's `(confluent.field_meta)` params: int8 and int16 travel as int32. */
export const CONNECT_TYPE_PROP = 'connect.type';
export const CONNECT_PRECISION_PROP = 'connect.decimal.precision';

export const DEFAULT_SCHEMA_NAME = 'ConnectDefault';
export const MAP_ENTRY_SUFFIX = 'Entry';

export const DECIMAL_TYPE = 'confluent.type.Decimal';
export const DATE_TYPE = 'google.type.Date';
export const TIME_TYPE = 'google.type.TimeOfDay';
export const TIMESTAMP_TYPE = 'google.protobuf.Timestamp';

export interface ProtobufDataOptions {
  /** `wrapper.for.nullables`: optional primitives as google.protobuf.*Value messages (null stays null). */
  readonly wrapperForNullables: boolean;
  /** `enhanced.protobuf.schema.support`: read message names as full names (with the package). */
  readonly enhancedSchemaSupport: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isProtoIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}
