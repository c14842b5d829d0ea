/**
 * The benchmark (issue 9): connectd side by side with librdkafka's raw producer, Apache Kafka's
 * ProducerPerformance and Apache Kafka Connect, on one real Kafka broker, in one run.
 *
 *   npm run bench                  # the full run (~45 min on the 2-core machine)
 *   npm run bench:quick            # < 3 min smoke run: every scenario once, small, nothing asserted
 *   node dist/bench/compare.js [--quick | --smoke] [--only generator,file,sink,json,latency,produce-latency,idle,profile]
 *        [--skip …] [--rounds N] [--sizes 100,1024] [--tasks 1,2,4] [--idle 1,100,500]
 *        [--worker key=value …] [--latency-rate N] [--results DIR]
 *   node dist/bench/compare.js --only soak [--soak-seconds 600] [--soak-rate N]   # the soak (issue 13), never part of the full run
 *
 * Method: bench/README.md. In short: a fresh topic (3 partitions) per run, the same topic settings
 * for every contender; contenders interleaved (A B A B), the order rotated each round, medians of
 * the rounds, the ratio to each scenario's baseline, an A/A pair for the noise; every run's
 * records counted where they land (the topic, or the sink's file and its group's committed
 * offsets); a run disturbed by other processes on the shared machine is repeated.
 *
 * Results: bench/results/compare[-quick].{json,md,svg} and compare-idle[-quick].svg; the soak's in
 * bench/results/soak.{json,md,svg}.
 *
 * This file is the command: it reads the options (lib/compare-options.ts) and runs the groups in
 * order. The scenarios are in lib/scenarios.ts, one contender's run in lib/compare-runs.ts, medians
 * and targets in lib/compare-aggregate.ts, the results (JSON, --render) in lib/compare-results.ts
 * with lib/compare-markdown.ts and lib/compare-svg.ts; the soak group in lib/compare-soak.ts and
 * the profile group in lib/compare-profiles.ts.
 */
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KafkaCluster } from '../tools/kafka/cluster.js';
import { aggregate, targets } from './lib/compare-aggregate.js';
import {
  GROUPS,
  ON_REQUEST,
  PARTITIONS,
  SOURCE_PARTITIONS,
  WARMUP_SHARE,
  COMMON_WORKER,
  REPO,
  parseCompareArgs,
} from './lib/compare-options.js';
import type { CompareOptions } from './lib/compare-options.js';
import { profileRuns } from './lib/compare-profiles.js';
import { render, writeResults } from './lib/compare-results.js';
import type { Results } from './lib/compare-results.js';
import { CompareRuns } from './lib/compare-runs.js';
import { idleRun } from './lib/compare-idle.js';
import type { IdleRow } from './lib/compare-idle.js';
import type { Row } from './lib/compare-runs.js';
import { soak } from './lib/compare-soak.js';
import { runRaw } from './lib/contenders.js';
import type { RecordPlan } from './lib/generator-records.js';
import { FOREIGN_LOAD_LIMIT_CORES, QUIET_CORES, QuietRunner, brokerPid, freshTopic, log, machineInfo, makeWorkDir } from './lib/harness.js';
import { kafkaConnectLibsDir } from './lib/java-contenders.js';
import { latencyRun, produceLatencyRun } from './lib/latency.js';
import type { LatencyKind, LatencyRun, ProduceLatencyRun } from './lib/latency.js';
import type { WorkerFamily } from './lib/pipelines.js';
import { CONNECTD_PRODUCER_DEFAULTS, JAVA_PRODUCER_EQUIVALENT, checkProducerDefaults } from './lib/producer-settings.js';
import type { ProfileResult } from './lib/profiles.js';
import { roundOrder, scenarios } from './lib/scenarios.js';
import { median, round } from './lib/stats.js';
import { deleteTopic } from './lib/topics.js';

async function main(o: CompareOptions): Promise<number> {
  if (o.render !== undefined) return render(o.render, o.results);
  checkProducerDefaults();
  kafkaConnectLibsDir(); // fail now, not an hour in, when the Java contenders' jars are missing
  const began = performance.now();
  const cluster = await KafkaCluster.start();
  const work = await makeWorkDir();
  log(
    `broker ${cluster.bootstrapServers} (pid ${brokerPid(cluster)}) up after ${round((performance.now() - began) / 1000, 1)} s; work dir ${work}`,
  );
  const runner = new QuietRunner(cluster, o.quiet);
  const runs = new CompareRuns(cluster, work, o);
  const rows: Row[] = [];
  const idle: IdleRow[] = [];
  const latency: LatencyRun[] = [];
  const produceLatency: ProduceLatencyRun[] = [];
  const profiles: ProfileResult[] = [];
  const list = scenarios(o);
  try {
    {
      const topic = await freshTopic(cluster, 'warmup', PARTITIONS);
      const plan: RecordPlan = {
        sourcePartitions: SOURCE_PARTITIONS,
        perPartition: o.brokerWarmupRecords / SOURCE_PARTITIONS,
        valueSize: 100,
      };
      await runRaw({
        bootstrapServers: cluster.bootstrapServers,
        brokerPid: brokerPid(cluster),
        topic,
        partitions: PARTITIONS,
        plan,
        tasks: 1,
        dir: path.join(work, topic),
      });
      await deleteTopic(cluster.bootstrapServers, topic);
      log(`broker warmed up with ${o.brokerWarmupRecords.toLocaleString('en')} records (not counted)`);
    }
    for (const s of list) {
      log(`— ${s.title}: ${s.records.toLocaleString('en')} records, ${s.contenders.map((c) => c.name).join(', ')}`);
      for (let r = 0; r < o.rounds; r++) {
        for (const c of roundOrder(s, r)) rows.push(...(await runner.run(() => runs.runOnce(s, c, r + 1))));
      }
    }
    const agg = aggregate(list, rows);
    if (o.wanted('idle')) {
      for (const n of o.idleCounts) {
        log(`— ${n} idle connector(s)`);
        const order: WorkerFamily[] = n % 2 === 0 ? ['kafka-connect', 'connectd'] : ['connectd', 'kafka-connect'];
        for (const family of order) idle.push(...(await runner.run(() => idleRun(runs, family, n, 1))));
      }
    }
    if (o.wanted('latency')) {
      for (const size of o.quick ? o.sizes.slice(0, 1) : o.sizes) {
        const connectd2 = agg.find((a) => a.scenario === `generator-${size}` && a.contender === 'connectd-2t');
        const target = o.latencyRate ?? (connectd2 === undefined ? undefined : connectd2.recordsPerSecond / 2);
        if (target === undefined) {
          log(`latency ${size} B: no connectd-2t rate measured (run the generator scenario or give --latency-rate)`);
          continue;
        }
        for (let r = 0; r < o.latencyRuns; r++) {
          const kinds: LatencyKind[] = r % 2 === 0 ? ['raw', 'connectd', 'perf'] : ['perf', 'connectd', 'raw'];
          for (const kind of kinds)
            latency.push(...(await runner.run(() => latencyRun(cluster, work, size, kind, target, r + 1, o.latency))));
        }
      }
    }
    if (o.wanted('produce-latency')) {
      for (const size of o.quick ? o.sizes.slice(0, 1) : o.sizes) {
        const connectd2 = agg.find((a) => a.scenario === `generator-${size}` && a.contender === 'connectd-2t');
        const target = o.latencyRate ?? (connectd2 === undefined ? undefined : connectd2.recordsPerSecond / 2);
        if (target === undefined) {
          log(`produce latency ${size} B: no connectd-2t rate measured (run the generator scenario or give --latency-rate)`);
          continue;
        }
        for (let r = 0; r < o.latencyRuns; r++) {
          const kinds: LatencyKind[] = r % 2 === 0 ? ['connectd', 'raw', 'perf'] : ['perf', 'raw', 'connectd'];
          for (const kind of kinds)
            produceLatency.push(...(await runner.run(() => produceLatencyRun(cluster, work, size, kind, target, r + 1, o.latency))));
        }
      }
    }
    if (o.wanted('profile')) profiles.push(...(await profileRuns(runs, runner)));
    const soakOk = o.wanted('soak') ? await soak(runs, runner, began) : true;
    if (GROUPS.every((g) => ON_REQUEST.includes(g) || !o.wanted(g))) return soakOk ? 0 : 1;
    const counted = rows.filter((r) => r.discarded === undefined && r.ok);
    const loads = [
      ...counted.map((r) => r.foreign.otherCores),
      ...idle.filter((r) => r.discarded === undefined).map((r) => r.foreign.otherCores),
    ];
    const out: Results = {
      date: new Date().toISOString(),
      quick: o.quick,
      smoke: o.smoke,
      machine: machineInfo(cluster, REPO),
      config: {
        rounds: o.rounds,
        warmupShare: WARMUP_SHARE,
        topicPartitions: PARTITIONS,
        generatorSourcePartitions: SOURCE_PARTITIONS,
        scenarios: list.map((s) => ({
          id: s.id,
          title: s.title,
          records: s.records,
          size: s.size,
          baseline: s.baseline,
          contenders: s.contenders.map((c) => c.name),
        })),
        idle: { counts: o.idleCounts, ...o.idle },
        latency: { ...o.latency, runs: o.latencyRuns, rate: o.latencyRate ?? 'half of connectd-2t' },
        connectdProducer: CONNECTD_PRODUCER_DEFAULTS,
        producerPerformance: JAVA_PRODUCER_EQUIVALENT,
        workers: COMMON_WORKER,
        connectdWorker: {
          'worker.threads': 'default (available parallelism)',
          'task.max.inflight.records': 'default',
          ...o.workerOverrides,
        },
        workerOverrides: o.workerOverrides,
        kafkaConnect: { ...runs.kafkaConnectSettings, heap: '-Xms256M -Xmx2G', producerPerformanceHeap: '-Xmx512M' },
        quiet: { ...o.quiet, foreignLoadLimitCores: FOREIGN_LOAD_LIMIT_CORES, quietCores: QUIET_CORES },
      },
      conditions: {
        seconds: round((performance.now() - began) / 1000),
        secondsWaitingForAQuietMachine: round(runner.quietWaitMs / 1000),
        repeatedRuns: runner.repeats,
        medianOtherLoadCores: round(median(loads), 3),
        maxOtherLoadCores: round(Math.max(0, ...loads), 3),
        loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)),
      },
      targets: targets(agg, idle, produceLatency),
      throughput: agg,
      idle,
      latency,
      produceLatency,
      profiles,
      failedRuns: [...rows.filter((r) => !r.ok), ...idle.filter((r) => !r.ok)],
      runs: rows,
    };
    // A partial run (--only/--skip) does not overwrite the full run's results.
    const partial = o.partial ? `-${GROUPS.filter((g) => o.wanted(g)).join('-')}` : '';
    await writeResults(
      out,
      `compare${o.smoke ? '-smoke' : o.quick ? '-quick' : ''}${partial}${
        Object.keys(o.workerOverrides).length > 0
          ? `-${Object.entries(o.workerOverrides)
              .map(([k, v]) => `${k}=${v}`)
              .join('-')}`
          : ''
      }`,
      o.results,
    );
    return !soakOk || out.failedRuns.length > 0 || latency.some((l) => !l.countOk) || produceLatency.some((l) => !l.countOk) ? 1 : 0;
  } finally {
    await cluster.stop();
    await rm(work, { recursive: true, force: true });
  }
}

process.exitCode = await main(parseCompareArgs());
