/**
 * protobufjs, loaded on first use rather than when the converter registry is imported: every worker
 * thread (and the validation thread) imports the registry, and most tasks never use Protobuf; the
 * library and its `long` dependency cost about 50 ms of start-up per thread otherwise. protobufjs is
 * CommonJS, so a synchronous require keeps the converter's calls synchronous.
 *
 * The modules here import protobufjs's types with `import type` and reach its values through this.
 */
import { createRequire } from 'node:module';
import type protobuf from 'protobufjs';

let loaded: typeof protobuf | undefined;

export function protobufjs(): typeof protobuf {
  loaded ??= createRequire(import.meta.url)('protobufjs') as typeof protobuf;
  return loaded;
}
