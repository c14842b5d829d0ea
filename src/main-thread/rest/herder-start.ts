/**
 * Distributed mode: requests on herder state (every /connectors path, the scope this hook is added
 * to in server.ts) wait until the herder has started (`RestServerOptions.herderStart`), as Kafka
 * Connect's wait in its herder thread's queue, up to the REST request timeout. Kafka Connect
 * answers a request that waited out its timeout with 500 and the herder's stage
 * (HerderRequestHandler.completeRequest, StagedTimeoutException).
 */
import type { preHandlerAsyncHookHandler } from 'fastify';
import { HerderError } from '../runtime/errors.js';

export interface HerderStart {
  /** Settles once the config topic is read to its end and the first join is done. */
  started: Promise<void>;
  /** The stage the start is in, named in the timeout's message. */
  stage: () => { description: string; began: number };
}

export function herderStartGate(start: HerderStart, timeoutMs: number): preHandlerAsyncHookHandler {
  let started = false;
  let failure: Error | undefined;
  start.started.then(
    () => (started = true),
    (err: unknown) => (failure = err instanceof Error ? err : new Error(String(err))),
  );
  return async () => {
    if (started) return;
    if (failure === undefined) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const outcome = await Promise.race([
        start.started.then(
          () => 'started' as const,
          () => 'failed' as const,
        ),
        timedOut,
      ]);
      clearTimeout(timer);
      if (outcome === 'started') return;
      if (outcome === 'timeout') {
        const stage = start.stage();
        throw new HerderError(
          500,
          'CONNECTD_ERR_REQUEST_TIMEOUT',
          `Request timed out. The worker is currently ${stage.description}, which began at ${new Date(stage.began).toISOString()}`,
        );
      }
    }
    throw new HerderError(500, 'CONNECTD_ERR_NOT_STARTED', `The worker did not start: ${failure?.message ?? 'unknown error'}`);
  };
}
