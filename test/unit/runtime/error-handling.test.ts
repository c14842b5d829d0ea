/**
 * RetryWithToleranceOperator: Kafka Connect's retry and tolerance semantics for one stage of one
 * record, with a fake clock where time matters.
 */
import t from 'tap';
import { RetryWithToleranceOperator, SKIPPED, ToleranceExceededError, errorHandlingConfig } from '../../../src/shared/error-handling.js';
import { RetriableException } from '../../../src/worker-thread/sdk/errors.js';

const config = (extra: Record<string, string> = {}) => errorHandlingConfig({ 'errors.retry.delay.max.ms': '1', ...extra });

t.test('config: Kafka Connect defaults, and what is set', async (t) => {
  t.same(errorHandlingConfig({}), {
    tolerance: 'none',
    retryTimeoutMs: 0,
    retryDelayMaxMs: 60000,
    logEnable: false,
    logIncludeMessages: false,
    dlqTopic: '',
    dlqReplicationFactor: 3,
    dlqContextHeaders: false,
  });
  const c = errorHandlingConfig({
    'errors.tolerance': 'all',
    'errors.retry.timeout': '-1',
    'errors.deadletterqueue.topic.name': ' dlq ',
    'errors.deadletterqueue.context.headers.enable': 'true',
  });
  t.equal(c.tolerance, 'all');
  t.equal(c.retryTimeoutMs, -1);
  t.equal(c.dlqTopic, 'dlq');
  t.equal(c.dlqContextHeaders, true);
});

t.test('success returns the value synchronously', async (t) => {
  const op = new RetryWithToleranceOperator(config());
  t.equal(
    op.execute('VALUE_CONVERTER', 'C', () => 42),
    42,
  );
});

t.test('tolerance none: the first failure throws ToleranceExceededError with the cause', async (t) => {
  const op = new RetryWithToleranceOperator(config());
  const cause = new Error('bad bytes');
  const err = t.throws(() =>
    op.execute('VALUE_CONVERTER', 'JsonConverter', () => {
      throw cause;
    }),
  ) as ToleranceExceededError;
  t.ok(err instanceof ToleranceExceededError);
  t.match(err.message, /Tolerance exceeded in error handler.*VALUE_CONVERTER.*JsonConverter.*bad bytes/);
  t.equal(err.cause, cause);
});

t.test('tolerance all: a failure is skipped and remembered', async (t) => {
  const op = new RetryWithToleranceOperator(config({ 'errors.tolerance': 'all' }));
  const result = op.execute('TRANSFORMATION', 'Cast', () => {
    throw new Error('no');
  });
  t.equal(result, SKIPPED);
  t.equal(op.lastFailure?.stage, 'TRANSFORMATION');
  t.equal(op.lastFailure?.className, 'Cast');
});

t.test('a retriable failure is retried within errors.retry.timeout, then succeeds', async (t) => {
  const op = new RetryWithToleranceOperator(config({ 'errors.retry.timeout': '10000' }));
  let calls = 0;
  const result = await op.execute('KEY_CONVERTER', 'C', () => {
    if (++calls < 3) throw new RetriableException('not yet');
    return 'ok';
  });
  t.equal(result, 'ok');
  t.equal(calls, 3);
  t.equal(op.retries, 2);
});

t.test('a retriable failure past the retry timeout is then tolerated or fatal', async (t) => {
  let now = 0;
  const all = new RetryWithToleranceOperator(config({ 'errors.retry.timeout': '100', 'errors.tolerance': 'all' }), () => now);
  const skipped = await all.execute('VALUE_CONVERTER', 'C', () => {
    now += 60;
    throw new RetriableException('still down');
  });
  t.equal(skipped, SKIPPED);
  t.ok(all.retries >= 1, 'retried while within the timeout');
  now = 0;
  const none = new RetryWithToleranceOperator(config({ 'errors.retry.timeout': '100' }), () => now);
  await t.rejects(
    Promise.resolve(
      none.execute('VALUE_CONVERTER', 'C', () => {
        now += 60;
        throw new RetriableException('still down');
      }),
    ),
    ToleranceExceededError,
  );
});

t.test('errors.retry.timeout=0: no retry, even for a retriable failure', async (t) => {
  const op = new RetryWithToleranceOperator(config({ 'errors.tolerance': 'all' }));
  let calls = 0;
  t.equal(
    op.execute('VALUE_CONVERTER', 'C', () => {
      calls++;
      throw new RetriableException('x');
    }),
    SKIPPED,
  );
  t.equal(calls, 1);
  t.equal(op.retries, 0);
});
