/**
 * An error nothing handles on a daemon's main thread (src/main-thread/cli/fatal.ts): logged at FATAL through
 * pino, reported on stderr, what the daemon holds released (within a bound), then exit 1. Before,
 * there were no such handlers: Node printed a stack and died without the log line or the release.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { EXIT_FAILURE } from '../../src/main-thread/cli/problems.js';

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/uncaught.js');
const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-fatal-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

function run(mode: string, marker: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [FIXTURE, mode, marker], { timeout: 20000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const fatal = (stdout: string): Record<string, unknown> | undefined =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((r) => r.level === 60);

for (const [mode, message, origin] of [
  ['throw', 'boom: thrown and never caught', 'uncaughtException'],
  ['reject', 'boom: rejected and never handled', 'unhandledRejection'],
] as const) {
  t.test(`${origin}: FATAL logged, released, exit 1`, async (t) => {
    const marker = path.join(dir, `${mode}.released`);
    const r = await run(mode, marker);
    t.equal(r.code, EXIT_FAILURE, r.stderr);
    t.match(r.stderr, `connectd: fatal: Error: ${message}`);
    const line = fatal(r.stdout);
    t.equal(line?.msg, 'connectd is stopping because of an error nothing handled');
    t.equal(line?.origin, origin);
    t.match(line?.err, { message });
    t.ok(existsSync(marker), 'the release ran before the exit');
  });
}

t.test('a release that never ends: exit 1 after its bound anyway', async (t) => {
  const r = await run('hang', path.join(dir, 'hang.released'));
  t.equal(r.code, EXIT_FAILURE, r.stderr);
  t.match(r.stdout, 'did not finish in time; exiting anyway');
  t.ok(r.ms < 10000, `exited in ${r.ms} ms (bound 2 s)`);
});
