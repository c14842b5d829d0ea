/**
 * `connectd/sdk/testing`: the connector acceptance kit, for connector authors' own tests. It runs
 * the connector in connectd's real task host (a worker thread), so run it from a test process, not
 * from connector code. See docs/writing-a-connector.md.
 *
 * @module connectd/sdk/testing
 */
export { AcceptanceFailure, checkSourceConnector } from './source-acceptance.js';
export type { AcceptanceCheck, SourceConnectorAcceptanceOptions } from './source-acceptance.js';
