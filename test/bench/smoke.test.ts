/**
 * The benchmark harness (bench/compare.ts, issue 9) as a smoke check in CI: a run of every scenario
 * group, with its results in a temporary folder, completes, and every run's ground truth holds (the
 * records in the topic or the sink's file are the records generated). Nothing about speed is
 * asserted: speed is read from the full run's results, never from a test on a shared machine.
 *
 * It runs --smoke, --quick with a tenth of the records, 3 idle connectors only and no waiting for a
 * quiet machine: --quick takes 2.5 to 3.5 min on the 2-core machine beside the other tests, and the
 * whole of CI has to stay under 20 min. Both share every code path but the numbers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { spawnTied } from '../../tools/tied-process.js';

const REPO = path.resolve(import.meta.dirname, '../../..');
const COMPARE = path.join(REPO, 'dist/bench/compare.js');
const COMMITTED_RESULTS = ['compare.json', 'compare-quick.json'].map((f) => path.join(REPO, 'bench/results', f));

interface Results {
  quick: boolean;
  smoke?: boolean;
  config: { scenarios: { id: string; records: number; contenders: string[] }[]; idle: { counts: number[] } };
  conditions: { seconds: number };
  runs: { scenario: string; contender: string; asked: number; counted: number; countMethod: string; ok: boolean; problem?: string }[];
  idle: { contender: string; connectors: number; ok: boolean; problem?: string }[];
  latency: { size: number; contender: string; records: number; countOk: boolean }[];
  produceLatency: {
    size: number;
    contender: string;
    countOk: boolean;
    ack: { p99: number; within50msShare: number | null };
    histogram?: Record<string, number>;
  }[];
  failedRuns: unknown[];
}

t.test('bench/compare.js --smoke: every scenario runs once and counts every record where it lands', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-bench-smoke-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const committed = (): (string | null)[] => COMMITTED_RESULTS.map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : null));
  const committedBefore = committed();
  const logFile = path.join(dir, 'compare.log');
  const resultsDir = path.join(dir, 'results');

  // Tied to this test process: if tap kills it (timeout), the harness and all it started die too.
  const started = performance.now();
  const { wrapper } = spawnTied('bench-smoke', logFile, '', [
    process.execPath,
    '--enable-source-maps',
    COMPARE,
    '--smoke',
    '--results',
    resultsDir,
  ]);
  const keepAlive = setInterval(() => undefined, 1000);
  const code = await new Promise<number | null>((resolve) => wrapper.once('exit', (c) => resolve(c))).finally(() =>
    clearInterval(keepAlive),
  );
  const seconds = Math.round((performance.now() - started) / 1000);
  const log = await readFile(logFile, 'utf8').catch(() => '');
  t.comment(`--smoke ran for ${seconds} s`);
  if (code !== 0) t.comment(`the harness's log (${logFile}), last lines:\n${log.split('\n').slice(-60).join('\n')}`);
  const failedLines = log
    .split('\n')
    .filter((l) => /FAILED|Error/.test(l))
    .slice(0, 5)
    .map((l) => l.trim().slice(0, 300));
  t.equal(
    code,
    0,
    `the harness exits 0: no run failed its ground-truth check${code === 0 ? '' : ` (exit ${String(code)}; ${failedLines.join(' | ')})`}`,
  );

  const resultsFile = path.join(resultsDir, 'compare-smoke.json');
  t.ok(existsSync(resultsFile), 'the results are written to --results');
  if (!existsSync(resultsFile)) return;
  const out = JSON.parse(await readFile(resultsFile, 'utf8')) as Results;
  t.ok(out.quick && out.smoke, 'a smoke run');
  t.ok(
    existsSync(path.join(resultsDir, 'compare-smoke.md')) && existsSync(path.join(resultsDir, 'compare-smoke.svg')),
    'with its Markdown and chart',
  );

  // Every contender of every scenario: one run, whose records were all counted where they landed.
  const groundTruth = out.config.scenarios.flatMap((s) =>
    s.contenders.map((contender) => {
      const run = out.runs.find((r) => r.scenario === s.id && r.contender === contender);
      return run === undefined
        ? `${s.id} ${contender}: no run`
        : run.ok && run.counted === run.asked && run.countMethod !== 'none'
          ? 'ok'
          : `${s.id} ${contender}: ${run.counted} of ${run.asked} counted (${run.countMethod})${run.problem === undefined ? '' : `: ${run.problem}`}`;
    }),
  );
  t.ok(
    out.config.scenarios.length >= 5,
    `the generator, file, sink and JSON scenarios ran (${out.config.scenarios.map((s) => s.id).join(', ')})`,
  );
  // The failures go into the point's name: CI's log keeps only its tail, where test.sh repeats the `not ok` lines.
  const wrong = groundTruth.filter((g) => g !== 'ok');
  t.same(
    wrong,
    [],
    `${groundTruth.length} runs: the records in the topic or the sink's file == the records generated${wrong.length === 0 ? '' : ` (wrong: ${wrong.join(' | ')})`}`,
  );

  const idle = out.config.idle.counts.flatMap((n) =>
    ['connectd', 'kafka-connect'].map((family) => {
      const row = out.idle.find((r) => r.contender === family && r.connectors === n);
      return row === undefined ? `${family} ${n}: no run` : row.ok ? 'ok' : `${family} ${n}: ${row.problem ?? 'failed'}`;
    }),
  );
  t.same(
    idle.filter((i) => i !== 'ok'),
    [],
    `idle ${out.config.idle.counts.join(' and ')}: each connector's line in the topic, for both workers`,
  );

  t.ok(out.latency.length > 0, 'latency runs');
  t.same(
    out.latency.filter((l) => !l.countOk).map((l) => `${l.contender} ${l.size} B`),
    [],
    'every latency run received every record it sent',
  );
  t.same(
    ['connectd-2t', 'raw', 'producer-perf'].filter(
      (c) => !out.produceLatency.some((l) => l.contender === c && l.countOk && Number.isFinite(l.ack.p99)),
    ),
    [],
    'produce latency runs: every contender wrote every record and reported a p99',
  );
  const connectdLatency = out.produceLatency.find((l) => l.contender === 'connectd-2t');
  t.ok(
    (connectdLatency?.histogram?.['+Inf'] ?? 0) > 0 && connectdLatency?.ack.within50msShare !== null,
    "connectd's produce latency comes from its own histogram, over the measured window",
  );
  t.same(
    out.failedRuns,
    [],
    `no failed runs${
      out.failedRuns.length === 0
        ? ''
        : ` (${out.failedRuns
            .map((r) => {
              const f = r as { scenario?: string; contender?: string; connectors?: number; problem?: string };
              return `${f.scenario ?? `idle ${String(f.connectors)}`} ${f.contender ?? ''}: ${f.problem ?? '?'}`;
            })
            .join(' | ')
            .slice(0, 600)})`
    }`,
  );

  t.same(committed(), committedBefore, 'bench/results/ is left alone');
});
