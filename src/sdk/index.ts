/** The public connector SDK: the only module a connector author needs to import. */
export * from './records.js';
export * from './connector.js';
export * from './config-def.js';
export { groupPartitions } from './connector-utils.js';
