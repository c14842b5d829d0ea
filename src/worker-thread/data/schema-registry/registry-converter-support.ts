/**
 * What the Avro, Protobuf and JSON Schema converters do alike around the registry: the client their
 * settings describe, and the wording of a failed look-up or registry call.
 */
import { DataException } from '../errors.js';
import { RegistryErrorCode, SchemaRegistryClient, SchemaRegistryException } from './schema-registry-client.js';
import type { SchemaRegistrySettings } from './registry-config.js';

/** The registry client of a converter's parsed settings. */
export function registryClientOf(settings: SchemaRegistrySettings): SchemaRegistryClient {
  return new SchemaRegistryClient({
    urls: settings.registryUrls,
    userInfo: settings.userInfo,
    requestTimeoutMs: settings.requestTimeoutMs,
  });
}

/** What to add to a failed look-up's message when the registry does not have the subject or schema. */
export function lookUpHint(err: unknown): string {
  return err instanceof SchemaRegistryException &&
    (err.errorCode === RegistryErrorCode.SUBJECT_NOT_FOUND || err.errorCode === RegistryErrorCode.SCHEMA_NOT_FOUND)
    ? ' (auto.register.schemas=false: register the schema in the registry first, or set auto.register.schemas=true)'
    : '';
}

/**
 * `err` with `context` in front of its message: a registry error as a new SchemaRegistryException
 * (status and error code kept), a DataException prefixed in place (once), anything else as an Error.
 */
export function wrapRegistryError(err: unknown, context: string): Error {
  if (err instanceof SchemaRegistryException)
    return new SchemaRegistryException(`${context}: ${err.message}`, err.status, err.errorCode, { cause: err });
  if (err instanceof DataException) {
    if (!err.message.startsWith(context)) err.message = `${context}: ${err.message}`;
    return err;
  }
  return err instanceof Error ? err : new Error(String(err));
}
