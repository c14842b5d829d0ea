/**
 * The connector acceptance kit (connectd/sdk/testing, issue 18 item 1): every built-in source
 * connector passes it, run through the real task host in a worker thread; and each check fails for
 * a connector that breaks its rule.
 */
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { AcceptanceFailure, checkSourceConnector } from '../../../src/worker-thread/sdk/testing/index.js';

const ALL_CHECKS = ['validate', 'start', 'poll', 'offsets', 'stop', 'restart', 'errors.tolerance=all', 'errors.tolerance=none'];
const BREAKERS = path.resolve(import.meta.dirname, '../../fixtures/acceptance-plugins');
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-acceptance-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

t.test('GeneratorSource passes', async (t) => {
  const checks = await checkSourceConnector({
    config: { 'connector.class': 'GeneratorSource', topic: 'gen', 'tasks.max': '2', 'source.partitions': '3', 'batch.size': '10' },
    records: 30,
  });
  t.same(
    checks.map((c) => c.name),
    ALL_CHECKS,
  );
});

t.test('FileStreamSource passes', async (t) => {
  const file = path.join(root, 'in.txt');
  const lines = Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join('');
  const checks = await checkSourceConnector({
    config: { 'connector.class': 'FileStreamSource', file, topic: 'lines' },
    records: 20,
    setup: () => writeFile(file, lines),
    beforeRestart: () => appendFile(file, 'line 20\nline 21\nline 22\n'),
    recordsAfterRestart: 3,
  });
  t.same(
    checks.map((c) => c.name),
    ALL_CHECKS,
  );
});

async function failedCheck(connectorClass: string, extra: Record<string, unknown> = {}): Promise<AcceptanceFailure> {
  try {
    await checkSourceConnector({ config: { 'connector.class': connectorClass, topic: 't' }, pluginPath: [BREAKERS], records: 3, ...extra });
  } catch (err) {
    if (err instanceof AcceptanceFailure) return err;
    throw err;
  }
  throw new Error(`${connectorClass} passed the kit`);
}

t.test('a task that ignores its committed offsets fails the restart check', async (t) => {
  const failure = await failedCheck('ForgetfulSource');
  t.equal(failure.check, 'restart');
  t.match(failure.message, /delivered again after the restart/);
});

t.test('records sharing one offset fail the offsets check', async (t) => {
  const failure = await failedCheck('SameOffsetSource');
  t.equal(failure.check, 'offsets');
});

t.test('a poll that stop() does not end fails the stop check', async (t) => {
  const failure = await failedCheck('StubbornSource', { records: 1, stopTimeoutMs: 1000 });
  t.equal(failure.check, 'stop');
});

t.test('a config the connector refuses fails the validate check, naming the key', async (t) => {
  const failure = await failedCheck('GeneratorSource', { config: { 'connector.class': 'GeneratorSource', topic: 't', 'batch.size': '0' } });
  t.equal(failure.check, 'validate');
  t.match(failure.message, /batch\.size/);
});
