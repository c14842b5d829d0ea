/**
 * The public connector SDK, `connectd/sdk`: the only module a connector author needs to import.
 * Guide: docs/writing-a-connector.md.
 *
 * @module connectd/sdk
 */
export * from './records.js';
export * from './connector.js';
export * from './sink.js';
export * from './errors.js';
export * from './config-def.js';
export { groupPartitions } from './connector-utils.js';
// Kafka Connect's data model (org.apache.kafka.connect.data) and the converter contracts.
export { BigDecimal } from '../data/big-decimal.js';
export { DataException, DataTypeError, SchemaBuilderException } from '../data/errors.js';
export { valuesEqual } from '../data/equality.js';
export { ConnectSchema, Field, LogicalTypeName, Schema, SchemaAndValue, SchemaType, schemasEqual } from '../data/schema.js';
export type { ConnectSchemaInit } from '../data/schema.js';
export { SchemaBuilder } from '../data/schema-builder.js';
export type { SchemaOrBuilder } from '../data/schema-builder.js';
export { Struct, validateValue } from '../data/struct.js';
export { ConnectDate, Decimal, Time, Timestamp } from '../data/logical-types.js';
export type { Converter, ConverterHeaders, HeaderConverter } from '../data/converter.js';
