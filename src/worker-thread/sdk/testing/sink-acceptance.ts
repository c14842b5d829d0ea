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
 *   verify: async () => (await readFile(file, 'utf8')).split('\n').filter((line) => line !== ''),
 * });
 * ```
 *
 * The kit writes its records to the first of `topics`, spread over `partitions` partitions, and
 * finds each in the sink's output (what `verify` returns) by its marker: a text that the output of
 * that record holds and no other record's does (its generated records carry
 * `acceptance-record-000007`-style markers in their value).
 *
 * The checks, in order (a failure throws an {@link AcceptanceFailure} naming the check):
 * 1. `validate`: the config is valid for the framework and the connector; the plugin is a sink.
 * 2. `start`: the connector starts and gives between 1 and `tasks.max` task configs; the tasks
 *    start and open their partitions.
 * 3. `put`: `records` records, put in offset order per partition, are all in the output after the
 *    next commit (preCommit, whose default flushes).
 * 4. `offsets`: preCommit never allows an offset beyond what was put (last put + 1) or of a
 *    partition the task does not own, and at stop, after everything was put, allows exactly last
 *    put + 1 (the next record to read: less is read again on every restart).
 * 5. `stop`: with records put since the last commit, the tasks commit, close their partitions and
 *    stop, and the connector stops, within `stopTimeoutMs`.
 * 6. `restart`: the stop's commit is lost (as when the commit to Kafka fails during a stop), so
 *    the restarted tasks get the records put since the commit of check 3 again, then
 *    `recordsAfterRestart` new ones. The output then holds every record; each once for an
 *    `exactly-once` sink, and for an `at-least-once` sink only the redelivered ones more than once.
 * 7. `errors.tolerance=all`: with every 2nd record of each partition one the value converter cannot
 *    read, those are reported as skipped (VALUE_CONVERTER), and the others written: the task keeps
 *    running, past the gaps the skipped records leave in the offsets.
 * 8. `errors.tolerance=none`: the same record fails the task (Tolerance exceeded), and the failed
 *    task still stops cleanly.
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
   * table): strings, bytes, or objects (read as JSON). Called after the tasks' preCommit returned.
   */
  verify: () => Iterable<unknown> | Promise<Iterable<unknown>>;
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
  /** Called once before the first run: create what the sink writes to, if it does not. */
  setup?: () => unknown;
  /** How long each wait may take (default 30 s). */
  timeoutMs?: number;
  /** How long a stop may take: the daemon's task.shutdown.graceful.timeout.ms (default 5 s). */
  stopTimeoutMs?: number;
}

/** What the kit knows of a record it wrote: its marker, or that its value cannot be read. */
type Tag = { marker: string } | { unreadable: true };
type KitRecord = LoggedRecord<Tag>;

const DEFAULT_UNREADABLE_JSON = '{"acceptance kit": this is not JSON';

/** Runs checks 1–8 against a sink connector; resolves to the checks passed, or throws the first failure. */
export async function checkSinkConnector(options: SinkConnectorAcceptanceOptions): Promise<AcceptanceCheck[]> {
  const config = withDefaults(options.config);
  const pluginPath = options.pluginPath ?? [];
  const partitions = Math.max(2, options.partitions ?? 2);
  const records = Math.max(partitions, options.records ?? 10);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const tasksMax = Number(config['tasks.max'] ?? '1');
  const exactlyOnce = options.deliveryGuarantee === 'exactly-once';
  const tolerance = options.tolerance ?? true;
  const passed: AcceptanceCheck[] = [];
  const pool = taskHostPool();
  const runs: SinkConnectorRun<Tag>[] = [];
  const log = new TopicLog<Tag>();
  const committed: CommittedOffsets = new Map();
  try {
    // 1. validate
    passed.push(await checkValidate(pool, config, pluginPath, 'sink'));
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
    let next = 0;
    const write = (count: number, unreadableEvery = 0): KitRecord[] =>
      Array.from({ length: count }, (_, i) => {
        const n = next++;
        const r = makeRecord(n);
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
    const newRun = (runConfig: Record<string, string>, keepCommits = true): SinkConnectorRun<Tag> => {
      // Every partition of the check's topic exists from the start, as in Kafka.
      const run = new SinkConnectorRun(pool, {
        config: runConfig,
        pluginPath,
        log,
        committed,
        partitions: Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
      });
      run.keepCommits = keepCommits;
      runs.push(run);
      return run;
    };
    const putAll = async (check: string, run: SinkConnectorRun<Tag>, what: string): Promise<void> => {
      run.deliver();
      await waitFor(check, run, what, () => run.caughtUp(), timeoutMs);
      await within(check, "the tasks' preCommit", timeoutMs, () => run.commit());
      noFailures(check, run);
    };
    const output = async (check: string): Promise<Map<string, number>> =>
      countMarkers(await within(check, 'verify() to read the output', timeoutMs, async () => options.verify()), log);

    // 2. start
    await step('start', async () => options.setup?.());
    const first = newRun(config);
    const firstBatch = write(records);
    passed.push(await checkStart(first, tasksMax, timeoutMs));

    // 3. put
    await putAll('put', first, `the ${records} records put`);
    const seen = await output('put');
    const lost = firstBatch.filter((r) => (seen.get(markerOf(r)!) ?? 0) === 0);
    if (lost.length > 0)
      fail('put', `${lost.length} of ${records} records put and committed are not in the sink's output: ${describe(lost[0]!, first)}`);
    const retries =
      first.putRetries.length === 0 ? '' : ` (put() threw RetriableException ${first.putRetries.length} times, and was retried)`;
    passed.push({ name: 'put', detail: `${records} records over ${partitions} partitions put and found in the output${retries}` });

    // 5. stop, with records put since the last commit (before 4: offsets are judged on the stop's commit too)
    const atCommit = new Map(committed);
    first.keepCommits = false;
    const uncommitted = write(partitions);
    first.deliver();
    await waitFor('stop', first, `the ${partitions} records after the commit put`, () => first.caughtUp(), timeoutMs);
    if (!(await first.stop(stopTimeoutMs)))
      fail(
        'stop',
        `the tasks and the connector did not stop within ${stopTimeoutMs} ms: ${first.stopStages() || "the connector's stop()"}`,
      );
    noFailures('stop', first);

    // 4. offsets
    checkOffsets(first);
    passed.push({ name: 'offsets', detail: `${first.preCommits.length} preCommit answers, none ahead of what was put` });
    passed.push({ name: 'stop', detail: 'committed, closed the partitions and stopped' });

    // 6. restart
    committed.clear();
    for (const [k, offset] of atCommit) committed.set(k, offset);
    const redelivered = uncommitted.filter((r) => r.message.offset >= (atCommit.get(tpKey(r.message.topic, r.message.partition)) ?? 0));
    const second = newRun(config);
    const afterRestart = write(options.recordsAfterRestart ?? 4);
    await startWithin('restart', second, tasksMax, timeoutMs);
    await putAll('restart', second, 'the records after the committed offsets put');
    await stopWithin('restart', second, stopTimeoutMs, 'the restarted tasks');
    noFailures('restart', second);
    const early = second.put.find((r) => r.message.offset < (atCommit.get(tpKey(r.message.topic, r.message.partition)) ?? 0));
    const rewound =
      early !== undefined
        ? ` (the task rewound to ${early.message.topic}-${early.message.partition} offset ${early.message.offset} with context.offset())`
        : '';
    const held = await output('restart');
    for (const r of [...firstBatch, ...uncommitted, ...afterRestart]) {
      const times = held.get(markerOf(r)!) ?? 0;
      if (times === 0) fail('restart', `a record is missing from the output after the restart: ${describe(r, second)}`);
      if (times > 1 && (exactlyOnce || !redelivered.includes(r)))
        fail(
          'restart',
          `${describe(r, second)} is ${times} times in the output${rewound}: ${exactlyOnce ? 'the sink claims exactly-once' : 'at least once allows only the records put after the last commit to come twice'}`,
        );
    }
    passed.push({
      name: 'restart',
      detail: `${redelivered.length} records redelivered from the last commit, ${afterRestart.length} new; the output holds each ${exactlyOnce ? 'once' : 'at least once'}`,
    });

    if (tolerance) {
      // 7. errors.tolerance=all
      const tolerant = newRun({ ...config, 'errors.tolerance': 'all' });
      // Per partition: readable, unreadable, readable, unreadable, readable (the task goes on after the last).
      const mixed = write(5 * partitions, 2);
      await startWithin('errors.tolerance=all', tolerant, tasksMax, timeoutMs);
      await putAll('errors.tolerance=all', tolerant, 'the records put or skipped');
      const written = await output('errors.tolerance=all');
      await stopWithin('errors.tolerance=all', tolerant, stopTimeoutMs, 'the tasks');
      noFailures('errors.tolerance=all', tolerant);
      const bad = mixed.filter((r) => markerOf(r) === undefined);
      for (const r of bad) {
        const reports = tolerant.errants.filter((e) => e.record === r);
        if (reports.length !== 1 || reports[0]!.stage !== 'VALUE_CONVERTER')
          fail(
            'errors.tolerance=all',
            `${describe(r, tolerant)} was reported ${reports.length} times (once, at VALUE_CONVERTER, expected)`,
          );
      }
      const wrong = tolerant.errants.find((e) => e.record === undefined || markerOf(e.record) !== undefined);
      if (wrong !== undefined)
        fail('errors.tolerance=all', `the task reported a readable record as errant: ${wrong.error.name}: ${wrong.error.message}`);
      const missing = mixed.find((r) => markerOf(r) !== undefined && (written.get(markerOf(r)!) ?? 0) === 0);
      if (missing !== undefined)
        fail('errors.tolerance=all', `a readable record among skipped ones is not in the output: ${describe(missing, tolerant)}`);
      passed.push({ name: 'errors.tolerance=all', detail: `${bad.length} skipped and reported, ${mixed.length - bad.length} written` });

      // 8. errors.tolerance=none
      const strict = newRun({ ...config, 'errors.tolerance': 'none' });
      write(2 * partitions, 2);
      await startWithin('errors.tolerance=none', strict, tasksMax, timeoutMs);
      strict.deliver();
      passed.push(await checkFailsAndStops(strict, 'VALUE_CONVERTER', 'the unreadable record', timeoutMs, stopTimeoutMs));
    }
    return passed;
  } finally {
    // A failed check may leave a run going: end every hosted task and connector before the pool.
    await stopAll(runs, pool, stopTimeoutMs);
  }
}

/** Check 4, on every preCommit answer of the first run (whose stop commit follows new records on every partition). */
function checkOffsets(run: SinkConnectorRun<Tag>): void {
  for (const { task, closing, current, answer, assigned } of run.preCommits) {
    for (const [topic, partition, offset] of answer) {
      const k = tpKey(topic, partition);
      const where = `task ${task}'s preCommit returned offset ${offset} for ${topic}-${partition}`;
      if (!assigned.has(k)) fail('offsets', `${where}, a partition it was not given (the framework ignores it)`);
      if (!Number.isInteger(offset) || offset < 0) fail('offsets', `${where}: not an offset`);
      const put = current.get(k);
      if (put === undefined || offset > put)
        fail(
          'offsets',
          `${where}, but ${put === undefined ? 'nothing was put there' : `only up to offset ${put - 1} was put`}: committing it skips records that were never written`,
        );
    }
    if (!closing) continue;
    for (const [k, put] of current) {
      const allowed = answer.find(([topic, partition]) => tpKey(topic, partition) === k)?.[2];
      if (allowed !== put) {
        const { topic, partition } = fromKey(k);
        fail(
          'offsets',
          `at stop, with every record put, task ${task}'s preCommit allowed ${allowed === undefined ? 'no offset' : `offset ${allowed}`} for ${topic}-${partition} where ${put} (the last record put + 1) was expected: the committed offset is the next record to read${allowed === put - 1 ? ' (off by one: return the offset after the last record written)' : ', and the records from it are read again on every restart'}`,
        );
      }
    }
  }
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

/** How many output items hold each marker. */
function countMarkers(items: Iterable<unknown>, log: TopicLog<Tag>): Map<string, number> {
  const markers = log.records.flatMap((r) => (markerOf(r) === undefined ? [] : [markerOf(r)!]));
  const counts = new Map<string, number>();
  for (const item of items) {
    const text =
      typeof item === 'string' ? item : item instanceof Uint8Array ? Buffer.from(item).toString('utf8') : JSON.stringify(item, jsonable);
    for (const marker of markers) if (text.includes(marker)) counts.set(marker, (counts.get(marker) ?? 0) + 1);
  }
  return counts;
}

function jsonable(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function markerOf(record: KitRecord): string | undefined {
  return 'marker' in record.tag ? record.tag.marker : undefined;
}

/** A record for a failure message: where it was, and what the task said of it. */
function describe(record: KitRecord, run: SinkConnectorRun<Tag>): string {
  const { topic, partition, offset } = record.message;
  const name = markerOf(record) === undefined ? 'the unreadable record' : `record ${markerOf(record)}`;
  const errant = run.errants.find((e) => e.record === record);
  const said = errant === undefined ? '' : ` (the task reported it as errant: ${errant.error.name}: ${errant.error.message})`;
  const put = run.put.includes(record) ? '' : ' (never put: was its partition paused, or the record skipped?)';
  return `${name} at ${topic}-${partition} offset ${offset}${said}${put}`;
}

function bytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
