/**
 * bench/compare.ts's command line (bench/README.md lists the options) and the settings every run
 * shares. `parseCompareArgs` is called by the entry, never at import, so that the other modules of
 * the harness can be imported (by tests, by --render) without reading process.argv.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LatencySettings } from './latency.js';

export const REPO = path.resolve(import.meta.dirname, '../../..');
export const PARTITIONS = 3;
export const SOURCE_PARTITIONS = 4;
/** The first fifth of every run's records is a warm-up (connections, JIT) left out of its window. */
export const WARMUP_SHARE = 0.2;
export const GROUPS = ['generator', 'file', 'sink', 'json', 'latency', 'produce-latency', 'idle', 'profile', 'soak'] as const;
export type Group = (typeof GROUPS)[number];
/** Groups that run only when named in --only: the soak takes 10 minutes and restarts the broker. */
export const ON_REQUEST: readonly Group[] = ['soak'];
/** The soak runs at this share of the maximum rate measured first (issue 13). */
export const SOAK_RATE_SHARE = 0.8;
/** Records of the short run that measures the maximum rate (as the generator scenario runs it). */
export const SOAK_MAX_RATE_RECORDS = (size: number): number => (size <= 100 ? 2_000_000 : 600_000);

/** Worker keys both workers get: the same converters and offset flush interval (connectd's and Kafka's default). */
export const COMMON_WORKER = {
  'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'offset.flush.interval.ms': '60000',
};
export const JSON_CONNECTOR = {
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'true',
};

/** How QuietRunner waits for a quiet machine and repeats disturbed runs. */
export interface QuietSettings {
  perRun: number;
  maxRepeats: number;
  quietWaitMaxMs: number;
}

/** The command line, read once; defaults depend on --quick and --smoke. */
export interface CompareOptions {
  smoke: boolean;
  /** --quick, or --smoke (which is --quick, lighter still). */
  quick: boolean;
  /** --render: the JSON of an earlier run to render again, measuring nothing. */
  render: string | undefined;
  /** The folder for the results (--results, default bench/results). */
  results: string;
  rounds: number;
  /** Whether a scenario group runs (--only, --skip; profile never in a quick run). */
  wanted: (g: Group) => boolean;
  /** --only or --skip was given: the results get the groups in their name. */
  partial: boolean;
  sizes: number[];
  /** connectd task counts in the generator scenarios. */
  tasks: number[];
  /** --tasks was given (the soak then uses its first count, else 1 task). */
  tasksGiven: boolean;
  idleCounts: number[];
  workerOverrides: Record<string, string>;
  latencyRate: number | undefined;
  latency: LatencySettings;
  latencyRuns: number;
  soakSeconds: number;
  soakRate: number | undefined;
  idle: { settleMs: number; measureMs: number };
  /** A first, uncounted run so that no contender meets a cold broker JVM (JIT, page cache). */
  brokerWarmupRecords: number;
  /** A smoke run measures nothing worth a quiet machine: it does not wait for one. */
  quiet: QuietSettings;
}

/** Reads the command line (`args`, default process.argv's); throws on an unknown option, group or bad number. */
export function parseCompareArgs(argv?: string[]): CompareOptions {
  const { values: args } = parseArgs({
    ...(argv === undefined ? {} : { args: argv }),
    options: {
      quick: { type: 'boolean', default: false },
      /** Lighter still, for the CI smoke test (test/bench/smoke.test.ts): --quick with a tenth of its records, 3 idle connectors only, no waiting for a quiet machine. */
      smoke: { type: 'boolean', default: false },
      /** Scenario groups to run (default all): generator, file, sink, json, latency, produce-latency, idle, profile. */
      only: { type: 'string' },
      skip: { type: 'string' },
      rounds: { type: 'string' },
      /** Record sizes of the generator, file and sink scenarios, e.g. 100 or 100,1024. */
      sizes: { type: 'string' },
      /** connectd task counts in the generator scenarios, e.g. 1,2,4. */
      tasks: { type: 'string' },
      /** Idle connector counts, e.g. 1,100,500. */
      idle: { type: 'string' },
      /** connectd worker settings to apply, e.g. task.max.inflight.records=50000 (repeatable); results go to a -tuned file. */
      worker: { type: 'string', multiple: true },
      /** Latency at this rate (records/s) instead of half of connectd-2t's measured rate. */
      'latency-rate': { type: 'string' },
      /** Measure nothing: recompute the medians, targets, Markdown and SVG of an earlier run's JSON. */
      render: { type: 'string' },
      /** The folder for the results (default bench/results), e.g. a temporary one for a smoke run in CI. */
      results: { type: 'string' },
      /** The soak's length in seconds (default 600). */
      'soak-seconds': { type: 'string' },
      /** The soak at this rate (records/s) instead of 80 % of a maximum measured first. */
      'soak-rate': { type: 'string' },
    },
  });

  const smoke = args.smoke;
  const quick = args.quick || smoke;
  const only = args.only?.split(',') ?? GROUPS.filter((g) => !ON_REQUEST.includes(g));
  const skip = args.skip?.split(',') ?? [];
  for (const g of [...only, ...skip])
    if (!(GROUPS as readonly string[]).includes(g)) throw new Error(`unknown scenario group ${g}: one of ${GROUPS.join(', ')}`);
  const workerOverrides: Record<string, string> = Object.fromEntries(
    (args.worker ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const positive = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(v)}`);
    return n;
  };
  const soakSeconds = positive('soak-seconds', args['soak-seconds']) ?? 600;
  const soakRate = positive('soak-rate', args['soak-rate']);
  return {
    smoke,
    quick,
    render: args.render,
    results: args.results === undefined ? path.join(REPO, 'bench/results') : path.resolve(args.results),
    rounds: Number(args.rounds ?? (quick ? 1 : 3)),
    wanted: (g: Group): boolean => only.includes(g) && !skip.includes(g) && !(quick && g === 'profile'),
    partial: args.only !== undefined || args.skip !== undefined,
    sizes: (quick && args.sizes === undefined ? [100] : [100, 1024]).filter(
      (s) => args.sizes === undefined || args.sizes.split(',').map(Number).includes(s),
    ),
    tasks: args.tasks !== undefined ? args.tasks.split(',').map(Number) : quick ? [2] : [1, 2, 4],
    tasksGiven: args.tasks !== undefined,
    idleCounts: args.idle !== undefined ? args.idle.split(',').map(Number) : smoke ? [3] : quick ? [1, 20] : [1, 100, 500],
    workerOverrides,
    latencyRate: args['latency-rate'] === undefined ? undefined : Number(args['latency-rate']),
    latency: {
      seconds: smoke ? 2 : quick ? 3 : 12,
      warmupMs: smoke ? 500 : quick ? 1000 : 2000,
      paceIntervalMs: 10,
      partitions: PARTITIONS,
      sourcePartitions: SOURCE_PARTITIONS,
      worker: workerOverrides,
    },
    latencyRuns: quick ? 1 : 2,
    soakSeconds,
    soakRate,
    idle: { settleMs: smoke ? 500 : quick ? 1000 : 5000, measureMs: smoke ? 1000 : quick ? 3000 : 20000 },
    brokerWarmupRecords: smoke ? 20_000 : quick ? 100_000 : 1_000_000,
    quiet: { perRun: 2, maxRepeats: quick ? 0 : 16, quietWaitMaxMs: smoke ? 0 : quick ? 1000 : 20000 },
  };
}
