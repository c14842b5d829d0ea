/**
 * The source connector acceptance kit: the contract every source connector keeps, checked by
 * driving the connector through connectd's real task host (a worker thread, as in the daemon) with
 * an in-memory supervisor in place of Kafka. Every built-in source connector passes it
 * (test/unit/sdk/acceptance-kit.test.ts); connector authors run it in their own tests:
 *
 * ```ts
 * import { checkSourceConnector } from 'connectd/sdk/testing';
 * const report = await checkSourceConnector({
 *   config: { 'connector.class': 'DirectorySource', directory: dir, topic: 'lines' },
 *   pluginPath: [myPackageDir],
 *   records: 10,
 *   setup: () => writeFile(path.join(dir, 'a.txt'), lines),
 *   beforeRestart: () => appendFile(path.join(dir, 'a.txt'), 'more\n'),
 * });
 * ```
 *
 * The checks, in order (a failure throws an {@link AcceptanceFailure} naming the check):
 * 1. `validate`: the config is valid for the framework and the connector; the plugin is a source.
 * 2. `start`: the connector starts and gives between 1 and `tasks.max` task configs.
 * 3. `poll`: its tasks deliver at least `records` records.
 * 4. `offsets`: no two records share a source partition and offset (else a restart between them
 *    loses or repeats one); commitRecord and commit never throw.
 * 5. `stop`: stop() ends pending polls; the tasks and the connector stop within `stopTimeoutMs`.
 * 6. `restart`: started again with the committed offsets, the tasks deliver new records
 *    (`recordsAfterRestart`), none at a position committed before: the task resumed.
 * 7. `errors.tolerance=all`: with a transform failing on every 2nd record, the failed records are
 *    reported and skipped, the others delivered, and the task keeps running.
 * 8. `errors.tolerance=none`: the same transform fails the task (Tolerance exceeded), and the
 *    failed task still stops cleanly.
 */
import { fileURLToPath } from 'node:url';
import {
  checkFailsAndStops,
  checkStart,
  checkValidate,
  fail,
  noFailures,
  startWithin,
  step,
  stopAll,
  waitFor,
  withDefaults,
} from './acceptance.js';
import type { AcceptanceCheck } from './acceptance.js';
import { SourceConnectorRun, taskHostPool } from './source-harness.js';
import type { OffsetStore } from './source-harness.js';

/** What {@link checkSourceConnector} runs: the connector's config, where to load it from, and how much to expect. */
export interface SourceConnectorAcceptanceOptions {
  /**
   * The connector's config, as a user would write it. `key.converter` and `value.converter`
   * default to the JsonConverter (with schemas); `name` to "acceptance".
   */
  config: Readonly<Record<string, string>>;
  /** Where the connector class is found (the daemon's `plugin.path`); built-ins need none. */
  pluginPath?: readonly string[];
  /** How many records the first run waits for (at least 1; default 1). */
  records?: number;
  /**
   * Called before each run that starts with no committed offsets (the first run and checks 7 and
   * 8): give the source its data (write the input files), for a source that consumes it.
   */
  setup?: () => unknown;
  /**
   * Called between the first run and the restart: give the source something new to read (append
   * a line, insert a row), for a source that does not produce without end.
   */
  beforeRestart?: () => unknown;
  /** How many new records the restarted tasks must deliver (default 1). */
  recordsAfterRestart?: number;
  /**
   * False for a source that re-reads everything by design (a bulk query): checks 4 and 6 then
   * accept repeated positions. Default true.
   */
  resumable?: boolean;
  /** Checks 7 and 8 (default true): they need at least 2 records from a fresh start. */
  tolerance?: boolean;
  /** How long each wait may take: the validation, the records (default 30 s). */
  timeoutMs?: number;
  /** How long a stop may take: the daemon's task.shutdown.graceful.timeout.ms (default 5 s). */
  stopTimeoutMs?: number;
}

const KIT_PLUGIN = fileURLToPath(new URL('./failing-transform.js', import.meta.url));
const KIT_TRANSFORM = 'failing-transform.AcceptanceKitFailEveryNth';

/** Runs checks 1–8 against a source connector; resolves to the checks passed, or throws the first failure. */
export async function checkSourceConnector(options: SourceConnectorAcceptanceOptions): Promise<AcceptanceCheck[]> {
  const config = withDefaults(options.config);
  const pluginPath = options.pluginPath ?? [];
  const records = Math.max(1, options.records ?? 1);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const tasksMax = Number(config['tasks.max'] ?? '1');
  const resumable = options.resumable ?? true;
  const passed: AcceptanceCheck[] = [];
  const pool = taskHostPool();
  const runs: SourceConnectorRun[] = [];
  const newRun = (runConfig: Record<string, string>, offsets: OffsetStore | undefined, path = pluginPath): SourceConnectorRun => {
    const run = new SourceConnectorRun(pool, { config: runConfig, pluginPath: path, ...(offsets ? { offsets } : {}) });
    runs.push(run);
    return run;
  };
  try {
    // 1. validate
    passed.push(await checkValidate(pool, config, pluginPath, 'source', timeoutMs));

    // 2. start
    await step('start', async () => options.setup?.());
    const first = newRun(config, undefined);
    passed.push(await checkStart(first, tasksMax, timeoutMs));

    // 3. poll
    await waitForRecords('poll', first, records, timeoutMs);
    passed.push({ name: 'poll', detail: `${first.delivered.length} records delivered` });

    // 5. stop (before 4: offsets are judged on everything the run delivered)
    if (!(await first.stop(stopTimeoutMs)))
      fail('stop', `the tasks and the connector did not stop within ${stopTimeoutMs} ms (a poll() that stop() does not end?)`);
    noFailures('stop', first);

    // 4. offsets
    const seen = positions(first);
    if (resumable && seen.size < first.delivered.length) {
      fail(
        'offsets',
        `${first.delivered.length - seen.size} records share a source partition and offset with an earlier one: a restart between them would lose or repeat records`,
      );
    }
    passed.push({ name: 'offsets', detail: `${first.offsets.size} source partition(s) committed` });
    passed.push({ name: 'stop', detail: 'stopped while polling' });

    // 6. restart
    await step('restart', async () => options.beforeRestart?.());
    const second = newRun(config, new Map(first.offsets));
    await startWithin('restart', second, tasksMax, timeoutMs);
    const after = options.recordsAfterRestart ?? 1;
    await waitForRecords('restart', second, after, timeoutMs);
    if (!(await second.stop(stopTimeoutMs))) fail('restart', `the restarted tasks did not stop within ${stopTimeoutMs} ms`);
    noFailures('restart', second);
    if (resumable) {
      const repeated = second.delivered.filter((r) => seen.has(`${r.sourcePartition}\n${r.sourceOffset}`));
      if (repeated.length > 0)
        fail(
          'restart',
          `${repeated.length} records delivered again after the restart (first: partition ${repeated[0]!.sourcePartition} offset ${repeated[0]!.sourceOffset}): the task did not resume from its committed offsets`,
        );
    }
    passed.push({ name: 'restart', detail: `${second.delivered.length} new records after the restart, none repeated` });

    if (options.tolerance ?? true) {
      const failing = {
        ...config,
        transforms: [config.transforms, 'acceptanceKitFail'].filter((t) => t !== undefined && t.trim() !== '').join(','),
        'transforms.acceptanceKitFail.type': KIT_TRANSFORM,
        'transforms.acceptanceKitFail.fail.every': '2',
      };
      const withKit = [...pluginPath, KIT_PLUGIN];

      // 7. errors.tolerance=all
      await step('errors.tolerance=all', async () => options.setup?.());
      const tolerant = newRun({ ...failing, 'errors.tolerance': 'all' }, undefined, withKit);
      await startWithin('errors.tolerance=all', tolerant, tasksMax, timeoutMs);
      await waitFor(
        'errors.tolerance=all',
        tolerant,
        'a skipped record and a delivered one',
        () => tolerant.errants.length > 0 && tolerant.delivered.length > 0,
        timeoutMs,
      );
      if (!(await tolerant.stop(stopTimeoutMs))) fail('errors.tolerance=all', `the tasks did not stop within ${stopTimeoutMs} ms`);
      noFailures('errors.tolerance=all', tolerant);
      const delivered = positions(tolerant);
      const wrong = tolerant.errants.find(
        (e) => e.stage !== 'TRANSFORMATION' || (resumable && delivered.has(`${e.sourcePartition}\n${e.sourceOffset}`)),
      );
      if (wrong !== undefined)
        fail('errors.tolerance=all', `a skipped record was reported wrongly or delivered anyway: ${JSON.stringify(wrong)}`);
      passed.push({
        name: 'errors.tolerance=all',
        detail: `${tolerant.errants.length} skipped and reported, ${tolerant.delivered.length} delivered`,
      });

      // 8. errors.tolerance=none
      await step('errors.tolerance=none', async () => options.setup?.());
      const strict = newRun({ ...failing, 'errors.tolerance': 'none' }, undefined, withKit);
      await startWithin('errors.tolerance=none', strict, tasksMax, timeoutMs);
      passed.push(await checkFailsAndStops(strict, 'TRANSFORMATION', 'the failing transform', timeoutMs, stopTimeoutMs));
    }
    return passed;
  } finally {
    // A failed check may leave a run going: end every hosted task and connector before the pool.
    await stopAll(runs, pool, stopTimeoutMs);
  }
}

/** Every delivered record's source partition and offset. */
function positions(run: SourceConnectorRun): Set<string> {
  return new Set(run.delivered.map((r) => `${r.sourcePartition}\n${r.sourceOffset}`));
}

async function waitForRecords(check: string, run: SourceConnectorRun, count: number, timeoutMs: number): Promise<void> {
  await waitFor(check, run, `${count} records`, () => run.delivered.length >= count, timeoutMs);
}
