/**
 * Single message transforms and predicates, after Kafka Connect's `org.apache.kafka.connect.transforms`:
 * the chain a task runs (chain.ts), the config keys and their validation (transforms-config.ts), the
 * registry of built-in plugins (registry.ts), and each transformation in its own module.
 * Runs in worker threads; nothing here loads the Kafka client.
 */
export { TransformationChain, TransformationError, transformationConfigProblems } from './chain.js';
export type { TransformationStageInfo } from './chain.js';
export {
  defineTransformsAndPredicates,
  NEGATE_CONFIG,
  PREDICATE_CONFIG,
  PREDICATES_CONFIG,
  TRANSFORMS_CONFIG,
  transformsConfigDef,
} from './transforms-config.js';
export {
  findTransformPlugin,
  listTransformPlugins,
  registerTransformPlugin,
  resolveTransformPlugin,
  transformPlugins,
} from './registry.js';
export type { TransformPluginDesc, TransformPluginType } from './registry.js';
export { describeRecord, newRecord } from './transformation.js';
export type { ConnectRecord, Predicate, RecordChanges, Transformation } from './transformation.js';
export { Cast } from './cast.js';
export { DropHeaders } from './drop-headers.js';
export { ExtractField } from './extract-field.js';
export { Filter } from './filter.js';
export { Flatten } from './flatten.js';
export { HeaderFrom } from './header-from.js';
export { HoistField } from './hoist-field.js';
export { InsertField } from './insert-field.js';
export { InsertHeader } from './insert-header.js';
export { MaskField } from './mask-field.js';
export { RegexRouter } from './regex-router.js';
export { ReplaceField } from './replace-field.js';
export { SetSchemaMetadata } from './set-schema-metadata.js';
export { TimestampConverter } from './timestamp-converter.js';
export { TimestampRouter } from './timestamp-router.js';
export { ValueToKey } from './value-to-key.js';
export { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './predicates/predicates.js';
