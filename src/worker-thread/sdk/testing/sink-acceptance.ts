/**
 * The sink connector acceptance kit: the contract every sink connector keeps (Kafka Connect's
 * SinkTask contract), checked by driving the connector through connectd's real sink task host (a
 * worker thread, as in the daemon) with an in-memory supervisor and topics in place of Kafka. Every
 * built-in sink connector passes it (test/unit/sdk/sink-acceptance-kit.test.ts); connector authors
 * run it in their own tests:
 *
 * ```ts
 * import { checkSinkConnector } from 'connectd/sdk/testing';
 * const report = await checkSinkConnector({
 *   config: { 'connector.class': 'LineSink', topics: 'orders', file },
 *   pluginPath: [myPackageDir],
 *   records: 20,
 *   // The output in the order it was written (no file yet: nothing written).
 *   verify: async () => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== ''),
 * });
 * ```
 *
 * The kit writes its records to the first of `topics`, spread over `partitions` partitions, and
 * finds each in the sink's output (what `verify` returns) by its marker: a text that the output of
 * that record holds and no other record's does (its generated records carry
 * `acceptance-record-000007`-style markers in their value). No marker may hold another (`rec-1`
 * and `rec-10`): the kit refuses such records at `validate`.
 *
 * A commit is judged by what preCommit allowed, as Kafka Connect allows a task to commit less
 * than it was given: nothing (it keeps its offsets in the destination and rewinds in open() with
 * context.offset()), or only what it wrote (a sink that writes files on rotation). The tasks commit
 * every `commitIntervalMs`, as the daemon does on offset.flush.interval.ms, records in flight or not.
 *
 * The checks, in order (a failure throws an {@link AcceptanceFailure} naming the check):
 * 1. `validate`: the config is valid for the framework and the connector; the plugin is a sink.
 * 2. `start`: the connector starts and gives between 1 and `tasks.max` task configs; the tasks
 *    start and open their partitions.
 * 3. `put`: `records` records are put in offset order per partition; after the next commit, every
 *    record below the offset preCommit allowed for its partition is in the output (those beyond may
 *    not be written yet), and, unless `ordered: false`, each partition's records first appear in
 *    the output in offset order.
 * 4. `offsets`: preCommit never allows an offset beyond what was put (last put + 1) or of a
 *    partition the task does not own, nor one below which a record is missing from the output
 *    (judged on every answer of the first run, the stop's included). Less than last put + 1 at stop,
 *    or nothing, is allowed: those records are read again after a restart (the check's detail says so).
 * 5. `stop`: with records put since the last commit, the tasks commit, close their partitions and
 *    stop (stop() must not throw), and the connector stops, within `stopTimeoutMs`.
 * 6. `restart`: the stop's commit is lost (as when the commit to Kafka fails during a stop), so
 *    the restarted tasks read again from what check 3's commits allowed, then get
 *    `recordsAfterRestart` new records. After they stop, for an `exactly-once` sink the output
 *    holds every record once, whatever was committed; for an `at-least-once` sink it holds every
 *    record below the offsets committed, and only the records read again (at or beyond check 3's
 *    commits) more than once. Order as in check 3.
 * 7. `errors.tolerance=all`: with every 2nd record of each partition one the value converter cannot
 *    read, those are reported as skipped (VALUE_CONVERTER), and the others written (below the
 *    committed offsets; all of them for an `exactly-once` sink): the task keeps running, past the
 *    gaps the skipped records leave in the offsets.
 * 8. `errors.tolerance=none`: the same record fails the task (Tolerance exceeded), and the failed
 *    task and the connector end within `stopTimeoutMs`.
 *
 * Not checked: rebalances while running (partitions revoked and assigned to a running task, with
 * close() and open() of some of its partitions only; every run here opens all its partitions at
 * start and closes them at stop); the task's own errant record reports (errantRecordReporter,
 * KIP-610: followed and answered, not judged); and whether a failed task's stop() throws (the sink
 * task host stops a failed task and ignores what its stop() throws, so the kit never hears of it).
 */
import {
  JSON_CONVERTER,
  checkFailsAndStops,
  checkStart,
  checkValidate,
  fail,
  noFailures,
  startWithin,
  step,
  stopAll,
  stopWithin,
  waitFor,
  withDefaults,
  within,
} from './acceptance.js';
import type { AcceptanceCheck } from './acceptance.js';
import { taskHostPool } from './harness.js';
import { SinkConnectorRun, TopicLog, fromKey, tpKey } from './sink-harness.js';
import type { CommittedOffsets, LoggedRecord } from './sink-harness.js';

/** A record for the kit to write to the connector's topic: the bytes a Kafka record would hold. */
export interface SinkTestRecord {
  /** The key and value as the converters read them (JSON text for the JsonConverter …). */
  key: string | Uint8Array | null;
  value: string | Uint8Array | null;
  headers?: Readonly<Record<string, string | Uint8Array | null>>;
  /** Default: the first of the config's `topics`. */
  topic?: string;
  /** Default: the record's number modulo `partitions`. */
  partition?: number;
  /** A text the sink's output for this record holds, and no other record's does. */
  marker: string;
}

/** What {@link checkSinkConnector} runs: the connector's config, where to load it from, its records and how to read its output. */
export interface SinkConnectorAcceptanceOptions {
  /**
   * The connector's config, as a user would write it, with `topics`. `key.converter` and
   * `value.converter` default to the JsonConverter (with schemas); `name` to "acceptance".
   */
  config: Readonly<Record<string, string>>;
  /** Where the connector class is found (the daemon's `plugin.path`); built-ins need none. */
  pluginPath?: readonly string[];
  /**
   * What the sink's output holds now, one item per record written (a line of a file, a row of a
   * table): strings, bytes, or objects (read as JSON), in the order they were written (read a table
   * with ORDER BY), else set `ordered: false`. Called after the tasks' preCommit returned.
   */
  verify: () => Iterable<unknown> | Promise<Iterable<unknown>>;
  /**
   * Whether `verify` returns the output in the order it was written, so that each partition's
   * records can be checked to appear in offset order (default true). False for an output with no
   * order (a table read without ORDER BY, a key-value store).
   */
  ordered?: boolean;
  /**
   * The n-th record the kit writes (n from 0, never repeated). Default, for the JsonConverter and the
   * StringConverter: key n, value a struct `{id: n, text: marker}` (or the marker as a string).
   */
  record?: (n: number) => SinkTestRecord;
  /** How many records check 3 writes (default 10, at least `partitions`). */
  records?: number;
  /** How many topic partitions the records are spread over (default 2, at least 2). */
  partitions?: number;
  /** How many new records the restarted tasks get (default 4). */
  recordsAfterRestart?: number;
  /**
   * `exactly-once` for a sink whose output holds each record once, even if redelivered (an upsert
   * on a key, offsets kept in the destination). Default `at-least-once`.
   */
  deliveryGuarantee?: 'at-least-once' | 'exactly-once';
  /**
   * A value the value converter cannot read, for checks 7 and 8. Default for the JsonConverter:
   * bytes that are not JSON.
   */
  unreadableValue?: string | Uint8Array;
  /** Checks 7 and 8 (default true). */
  tolerance?: boolean;
  /**
   * Called once, before the first run: create what the sink writes to, if it does not. Unlike the
   * source kit's `setup` (called before each run that starts afresh, to give the source its input
   * again), it is not called before checks 7 and 8: the output accumulates over every run, and the
   * checks find each record in the whole of it.
   */
  setup?: () => unknown;
  /** How often the tasks commit (preCommit) while running: the daemon's offset.flush.interval.ms (default 200 ms). */
  commitIntervalMs?: number;
  /** How long each wait may take (default 30 s). */
  timeoutMs?: number;
  /** How long a stop may take: the daemon's task.shutdown.graceful.timeout.ms (default 5 s). */
  stopTimeoutMs?: number;
}

/** What the kit knows of a record it wrote: its marker, or that its value cannot be read. */
type Tag = { marker: string } | { unreadable: true };
type KitRecord = LoggedRecord<Tag>;

const DEFAULT_UNREADABLE_JSON = '{"acceptance kit": this is not JSON';

/** The sink's output as the kit reads it: how many items hold each marker, and the first that does. */
interface Output {
  readonly count: ReadonlyMap<string, number>;
  readonly first: ReadonlyMap<string, number>;
}

/** Runs checks 1–8 against a sink connector; resolves to the checks passed, or throws the first failure. */
export async function checkSinkConnector(options: SinkConnectorAcceptanceOptions): Promise<AcceptanceCheck[]> {
  const config = withDefaults(options.config);
  const pluginPath = options.pluginPath ?? [];
  const partitions = Math.max(2, options.partitions ?? 2);
  const records = Math.max(partitions, options.records ?? 10);
  const recordsAfterRestart = options.recordsAfterRestart ?? 4;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const tasksMax = Number(config['tasks.max'] ?? '1');
  const exactlyOnce = options.deliveryGuarantee === 'exactly-once';
  const ordered = options.ordered ?? true;
  const tolerance = options.tolerance ?? true;
  const passed: AcceptanceCheck[] = [];
  const pool = taskHostPool();
  const runs: SinkConnectorRun<Tag>[] = [];
  const log = new TopicLog<Tag>();
  const committed: CommittedOffsets = new Map();
  const committedAt = (r: KitRecord, offsets: ReadonlyMap<string, number> = committed): number =>
    offsets.get(tpKey(r.message.topic, r.message.partition)) ?? 0;
  const describe = (r: KitRecord): string => describeRecord(r, runs);
  try {
    // 1. validate
    passed.push(await checkValidate(pool, config, pluginPath, 'sink', timeoutMs));
    const topic = (config.topics ?? '').split(',')[0]!.trim();
    const makeRecord = options.record ?? defaultRecord(config);
    if (makeRecord === undefined)
      fail(
        'validate',
        `the kit makes records for the JsonConverter and the StringConverter only: give \`record\` for ${config['value.converter']}`,
      );
    const unreadable = options.unreadableValue ?? (config['value.converter'] === JSON_CONVERTER ? DEFAULT_UNREADABLE_JSON : undefined);
    if (tolerance && unreadable === undefined)
      fail(
        'validate',
        `give \`unreadableValue\` (a value ${config['value.converter']} cannot read) for checks 7 and 8, or \`tolerance: false\``,
      );
    // Every record of every check, made up front: their markers must tell them apart.
    const planned = Array.from({ length: records + partitions + recordsAfterRestart + (tolerance ? 7 * partitions : 0) }, (_, n) =>
      makeRecord(n),
    );
    checkMarkers(planned);
    let next = 0;
    const write = (count: number, unreadableEvery = 0): KitRecord[] =>
      Array.from({ length: count }, (_, i) => {
        const n = next++;
        const r = planned[n]!;
        // Every n-th record of each partition (of the kit's round robin), so skips leave gaps between readable records.
        const bad = unreadableEvery > 0 && Math.floor(i / partitions) % unreadableEvery === unreadableEvery - 1;
        const t = r.topic ?? topic;
        if (t === '') fail('validate', 'set `topics` in the config, or `topic` in each record: the kit writes its records there');
        return log.append(
          {
            topic: t,
            partition: r.partition ?? n % partitions,
            key: r.key,
            value: bad ? bytes(unreadable!) : r.value === null ? null : bytes(r.value),
            timestamp: Date.now(),
            timestampType: 1,
            headers: Object.entries(r.headers ?? {}).map(([k, v]) => ({ [k]: v })),
          },
          bad ? { unreadable: true } : { marker: r.marker },
        );
      });
    const newRun = (runConfig: Record<string, string>): SinkConnectorRun<Tag> => {
      // Every partition of the check's topic exists from the start, as in Kafka.
      const run = new SinkConnectorRun(pool, {
        config: runConfig,
        pluginPath,
        log,
        committed,
        partitions: Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
        commitIntervalMs: options.commitIntervalMs,
      });
      runs.push(run);
      return run;
    };
    /** Sends the log's records and waits until every one was put or skipped; the tasks commit meanwhile on their interval. */
    const putEverything = async (check: string, run: SinkConnectorRun<Tag>, what: string): Promise<void> => {
      run.deliver();
      await waitFor(
        check,
        run,
        () => what + pausedNote(run),
        () => run.caughtUp(),
        timeoutMs,
      );
    };
    const putAll = async (check: string, run: SinkConnectorRun<Tag>, what: string): Promise<void> => {
      await putEverything(check, run, what);
      // Two commits, as two intervals would: a task may allow one commit late what it was given.
      await within(check, "the tasks' preCommit", timeoutMs, () => run.commit());
      await within(check, "the tasks' preCommit", timeoutMs, () => run.commit());
      noFailures(check, run);
    };
    const output = async (check: string): Promise<Output> =>
      readOutput(await within(check, 'verify() to read the output', timeoutMs, async () => options.verify()), planned);
    const inOrder = (check: string, held: Output, written: readonly KitRecord[]): void => {
      if (ordered) checkOrder(check, held, written, describe);
    };

    // 2. start
    await step('start', async () => options.setup?.());
    const first = newRun(config);
    const firstBatch = write(records);
    passed.push(await checkStart(first, tasksMax, timeoutMs));

    // 3. put
    await putAll('put', first, `the ${records} records put`);
    // What was allowed before the output is read (a commit on the interval may allow more meanwhile).
    const allowed = new Map(committed);
    const seen = await output('put');
    const due = firstBatch.filter((r) => r.message.offset < committedAt(r, allowed));
    const lost = due.filter((r) => !seen.count.has(markerOf(r)!));
    if (lost.length > 0)
      fail(
        'put',
        `${lost.length} of the ${due.length} records below the offsets preCommit allowed are not in the sink's output: ${describe(lost[0]!)}: preCommit must allow only the offsets of records written`,
      );
    inOrder('put', seen, firstBatch);
    const retries =
      first.putRetries.length === 0 ? '' : ` (put() threw RetriableException ${first.putRetries.length} times, and was retried)`;
    const notYet = records - due.length;
    passed.push({
      name: 'put',
      detail: `${records} records over ${partitions} partitions put; ${due.length === 0 ? 'preCommit allowed no offset yet, so none was looked for in the output (check 6 does)' : `the ${due.length} below the offsets preCommit allowed found in the output${notYet > 0 ? ` (${notYet} beyond them, not allowed yet, not looked for)` : ''}`}${retries}`,
    });

    // 5. stop, with records put since the last commit (before 4: offsets are judged on the stop's commit too)
    const atCommit = new Map(committed);
    first.keepCommits = false;
    const uncommitted = write(partitions);
    await putEverything('stop', first, `the ${partitions} records after the commit put`);
    if (!(await first.stop(stopTimeoutMs)))
      fail(
        'stop',
        `the tasks and the connector did not stop within ${stopTimeoutMs} ms: ${first.stopStages() || "the connector's stop()"}`,
      );
    noFailures('stop', first);

    // 4. offsets
    passed.push({ name: 'offsets', detail: checkOffsets(first, await output('offsets'), describe) });
    passed.push({ name: 'stop', detail: 'committed, closed the partitions and stopped' });

    // 6. restart
    committed.clear();
    for (const [k, offset] of atCommit) committed.set(k, offset);
    const beforeRestart = [...firstBatch, ...uncommitted];
    // Read again: what the lost stop's commit would have covered, from what check 3's commits allowed.
    const redelivered = beforeRestart.filter((r) => r.message.offset >= committedAt(r, atCommit));
    const second = newRun(config);
    const afterRestart = write(recordsAfterRestart);
    await startWithin('restart', second, tasksMax, timeoutMs);
    await putAll('restart', second, 'the records after the committed offsets put');
    await stopWithin('restart', second, stopTimeoutMs, 'the restarted tasks');
    noFailures('restart', second);
    const early = second.put.find((r) => r.message.offset < committedAt(r, atCommit));
    const rewound =
      early !== undefined
        ? ` (the task rewound to ${early.message.topic}-${early.message.partition} offset ${early.message.offset} with context.offset())`
        : '';
    const held = await output('restart');
    const everything = [...beforeRestart, ...afterRestart];
    const pending: KitRecord[] = [];
    for (const r of everything) {
      const times = held.count.get(markerOf(r)!) ?? 0;
      const due = r.message.offset < Math.max(committedAt(r, atCommit), committedAt(r));
      if (times === 0 && (exactlyOnce || due))
        fail(
          'restart',
          `a record is missing from the output after the restart: ${describe(r)}${exactlyOnce ? ' (the sink claims exactly-once: every record is in the output once the tasks stopped, whatever was committed)' : ', below the offset committed for it'}`,
        );
      if (times === 0) pending.push(r);
      if (times > 1 && (exactlyOnce || !redelivered.includes(r)))
        fail(
          'restart',
          `${describe(r)} is ${times} times in the output${rewound}: ${exactlyOnce ? 'the sink claims exactly-once' : 'at least once allows only the records read again after the restart (at or beyond the offsets committed before it) to come twice'}`,
        );
    }
    inOrder('restart', held, everything);
    passed.push({
      name: 'restart',
      detail: `${redelivered.length} records read again from the last commit, ${afterRestart.length} new; the output holds each ${exactlyOnce ? 'once' : 'at least once'}${pending.length > 0 ? ` (${pending.length} beyond the offsets committed are not written yet: they are read again at the next start)` : ''}`,
    });

    if (tolerance) {
      // 7. errors.tolerance=all
      const tolerant = newRun({ ...config, 'errors.tolerance': 'all' });
      // Per partition: readable, unreadable, readable, unreadable, readable (the task goes on after the last).
      const mixed = write(5 * partitions, 2);
      await startWithin('errors.tolerance=all', tolerant, tasksMax, timeoutMs);
      await putAll('errors.tolerance=all', tolerant, 'the records put or skipped');
      await stopWithin('errors.tolerance=all', tolerant, stopTimeoutMs, 'the tasks');
      noFailures('errors.tolerance=all', tolerant);
      const written = await output('errors.tolerance=all');
      const bad = mixed.filter((r) => markerOf(r) === undefined);
      for (const r of bad) {
        const reports = tolerant.errants.filter((e) => e.record === r);
        if (reports.length !== 1 || reports[0]!.stage !== 'VALUE_CONVERTER')
          fail('errors.tolerance=all', `${describe(r)} was reported ${reports.length} times (once, at VALUE_CONVERTER, expected)`);
      }
      const wrong = tolerant.errants.find((e) => e.record === undefined || markerOf(e.record) !== undefined);
      if (wrong !== undefined)
        fail('errors.tolerance=all', `the task reported a readable record as errant: ${wrong.error.name}: ${wrong.error.message}`);
      const missing = mixed.find(
        (r) => markerOf(r) !== undefined && (exactlyOnce || r.message.offset < committedAt(r)) && !written.count.has(markerOf(r)!),
      );
      if (missing !== undefined)
        fail(
          'errors.tolerance=all',
          `a readable record among skipped ones is not in the output${exactlyOnce ? '' : ', below the offset committed for it'}: ${describe(missing)}`,
        );
      passed.push({ name: 'errors.tolerance=all', detail: `${bad.length} skipped and reported, ${mixed.length - bad.length} written` });

      // 8. errors.tolerance=none
      const strict = newRun({ ...config, 'errors.tolerance': 'none' });
      write(2 * partitions, 2);
      await startWithin('errors.tolerance=none', strict, tasksMax, timeoutMs);
      strict.deliver();
      // The sink task host ignores what a failed task's stop() throws: the kit cannot judge it.
      passed.push(await checkFailsAndStops(strict, 'VALUE_CONVERTER', 'the unreadable record', timeoutMs, stopTimeoutMs, false));
    }
    return passed;
  } finally {
    // A failed check may leave a run going: end every hosted task and connector before the pool.
    await stopAll(runs, pool, stopTimeoutMs);
  }
}

/**
 * Check 4, on every preCommit answer of the first run (whose stop commit follows new records on
 * every partition), and `held`, the output once it stopped. Returns the check's detail.
 */
function checkOffsets(run: SinkConnectorRun<Tag>, held: Output, describe: (r: KitRecord) => string): string {
  const short: string[] = [];
  for (const { task, closing, current, answer, assigned } of run.preCommits) {
    for (const [topic, partition, offset] of answer) {
      const k = tpKey(topic, partition);
      const where = `task ${task}'s preCommit${closing ? ' at stop' : ''} returned offset ${offset} for ${topic}-${partition}`;
      if (!assigned.has(k)) fail('offsets', `${where}, a partition it was not given (the framework ignores it)`);
      if (!Number.isInteger(offset) || offset < 0) fail('offsets', `${where}: not an offset`);
      const put = current.get(k);
      if (put === undefined || offset > put)
        fail(
          'offsets',
          `${where}, but ${put === undefined ? 'nothing was put there' : `only up to offset ${put - 1} was put`}: committing it skips records that were never written`,
        );
      const unwritten = run.log.records.find(
        (r) =>
          tpKey(r.message.topic, r.message.partition) === k &&
          r.message.offset < offset &&
          markerOf(r) !== undefined &&
          !held.count.has(markerOf(r)!),
      );
      if (unwritten !== undefined)
        fail(
          'offsets',
          `${where}, but ${describe(unwritten)} below it is not in the output: committing it loses the record (a restart reads from the committed offset). Allow only the offsets of records written`,
        );
    }
    if (!closing) continue;
    for (const [k, put] of current) {
      const allowed = answer.find(([topic, partition]) => tpKey(topic, partition) === k)?.[2];
      if (allowed === put) continue;
      const { topic, partition } = fromKey(k);
      short.push(`${topic}-${partition} allowed ${allowed === undefined ? 'nothing' : `offset ${allowed}`}, not ${put}`);
    }
  }
  const all = `${run.preCommits.length} preCommit answers, none ahead of what was put or written`;
  return short.length === 0
    ? all
    : `${all}; at stop, less than last put + 1 (${short.join(', ')}): those records are read again after a restart`;
}

/** Fails `validate` unless every marker is there and tells its record apart: none empty, the same as, or inside another. */
function checkMarkers(planned: readonly SinkTestRecord[]): void {
  const markers = planned.map((r) => r.marker);
  markers.forEach((marker, n) => {
    if (typeof marker !== 'string' || marker === '') fail('validate', `record(${n}) gave no marker: each record needs its own text`);
    const other = markers.findIndex((m, i) => i !== n && m.includes(marker));
    if (other !== -1)
      fail(
        'validate',
        `record(${n})'s marker "${marker}" is ${markers[other] === marker ? 'also' : 'inside'} record(${other})'s ("${markers[other]}"): the kit could not tell their output apart. Pad the numbers (rec-000001) or end each marker with a delimiter`,
      );
  });
}

/** Fails `check` unless each partition's records (of `written`) first appear in the output in offset order. */
function checkOrder(check: string, held: Output, written: readonly KitRecord[], describe: (r: KitRecord) => string): void {
  const byPartition = new Map<string, KitRecord[]>();
  for (const r of written) {
    const k = tpKey(r.message.topic, r.message.partition);
    byPartition.set(k, [...(byPartition.get(k) ?? []), r]);
  }
  for (const inPartition of byPartition.values()) {
    let before: { record: KitRecord; at: number } | undefined;
    for (const r of inPartition.sort((a, b) => a.message.offset - b.message.offset)) {
      const at = markerOf(r) === undefined ? undefined : held.first.get(markerOf(r)!);
      if (at === undefined) continue;
      if (before !== undefined && at < before.at)
        fail(
          check,
          `${describe(r)} is in the output before ${describe(before.record)}, an earlier record of its partition: a sink writes each partition's records in the order put() gets them (offset order). If verify() does not return the output in the order it was written (a table read without ORDER BY), pass \`ordered: false\``,
        );
      before = { record: r, at };
    }
  }
}

/** What a timed-out wait for the records to be put adds: the partitions a task paused and did not resume. */
function pausedNote(run: SinkConnectorRun<Tag>): string {
  const paused = run.paused();
  if (paused.length === 0) return '';
  return ` (paused by the task with context.pause(), never resumed: ${paused.map((p) => `${p.topic}-${p.partition}`).join(', ')}; resume them, in put(), flush() or preCommit(), once the task can take records again)`;
}

/** The JsonConverter's (with or without schemas) or the StringConverter's form of record n. */
function defaultRecord(config: Readonly<Record<string, string>>): ((n: number) => SinkTestRecord) | undefined {
  const json = (side: 'key' | 'value'): boolean | undefined => {
    const converter = config[`${side}.converter`];
    if (converter === JSON_CONVERTER) return true;
    if (converter === 'org.apache.kafka.connect.storage.StringConverter') return false;
    return undefined;
  };
  const keyJson = json('key');
  const valueJson = json('value');
  if (keyJson === undefined || valueJson === undefined) return undefined;
  const schemas = (side: 'key' | 'value'): boolean => config[`${side}.converter.schemas.enable`] !== 'false';
  return (n) => {
    const marker = `acceptance-record-${String(n).padStart(6, '0')}`;
    const key = keyJson ? JSON.stringify(schemas('key') ? { schema: { type: 'int64', optional: false }, payload: n } : n) : String(n);
    const payload = { id: n, text: marker };
    const schema = {
      type: 'struct',
      name: 'acceptance.Record',
      optional: false,
      fields: [
        { field: 'id', type: 'int64', optional: false },
        { field: 'text', type: 'string', optional: false },
      ],
    };
    const value = valueJson ? JSON.stringify(schemas('value') ? { schema, payload } : payload) : marker;
    return { key, value, marker };
  };
}

/** How many output items hold each marker (no marker holds another: {@link checkMarkers}), and the first that does. */
function readOutput(items: Iterable<unknown>, planned: readonly SinkTestRecord[]): Output {
  const count = new Map<string, number>();
  const first = new Map<string, number>();
  let index = 0;
  for (const item of items) {
    const text =
      typeof item === 'string' ? item : item instanceof Uint8Array ? Buffer.from(item).toString('utf8') : JSON.stringify(item, jsonable);
    for (const { marker } of planned) {
      if (!text.includes(marker)) continue;
      count.set(marker, (count.get(marker) ?? 0) + 1);
      if (!first.has(marker)) first.set(marker, index);
    }
    index++;
  }
  return { count, first };
}

function jsonable(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function markerOf(record: KitRecord): string | undefined {
  return 'marker' in record.tag ? record.tag.marker : undefined;
}

/** A record for a failure message: where it was, and what the tasks of every run said of it. */
function describeRecord(record: KitRecord, runs: readonly SinkConnectorRun<Tag>[]): string {
  const { topic, partition, offset } = record.message;
  const name = markerOf(record) === undefined ? 'the unreadable record' : `record ${markerOf(record)}`;
  const errant = runs.flatMap((run) => run.errants).find((e) => e.record === record);
  const said = errant === undefined ? '' : ` (the task reported it as errant: ${errant.error.name}: ${errant.error.message})`;
  const put = runs.some((run) => run.put.includes(record)) ? '' : ' (never put: was its partition paused, or the record skipped?)';
  return `${name} at ${topic}-${partition} offset ${offset}${said}${put}`;
}

function bytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
