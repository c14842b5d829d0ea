/**
 * `connectd/sdk/testing`: the connector acceptance kits, for connector authors' own tests. They run
 * the connector in connectd's real task host (a worker thread), so run them from a test process,
 * not from connector code. See docs/writing-a-connector.md.
 *
 * @module connectd/sdk/testing
 */
export { AcceptanceFailure } from './acceptance.js';
export type { AcceptanceCheck } from './acceptance.js';
export { checkSourceConnector } from './source-acceptance.js';
export type { SourceConnectorAcceptanceOptions } from './source-acceptance.js';
export { checkSinkConnector } from './sink-acceptance.js';
export type { SinkConnectorAcceptanceOptions, SinkTestRecord } from './sink-acceptance.js';
