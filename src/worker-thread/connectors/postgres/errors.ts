/**
 * The errors the PostgreSQL connectors throw, and which database failures are worth retrying.
 * ConnectException and RetriableException are Kafka Connect's, recognised by the framework by their
 * `code` (and name); they live here until the SDK exports its own.
 */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && code !== '' ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

/** SQLSTATE classes that say "try again": connection lost, server shutting down, conflicts. */
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01)/;

/** Whether an error is the connection (or the server) failing rather than the statement being wrong. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE.test(code);
    // Node's socket errors (ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT…), not its ERR_* bugs.
    if (/^E[A-Z]+$/.test(code)) return true;
  }
  return /Connection terminated|Client has encountered a connection error|not queryable|Connection ended/i.test(err.message);
}

// Kafka Connect's RetriableException and ConnectException come from the SDK.
export { ConnectException, RetriableException } from '../../sdk/index.js';
