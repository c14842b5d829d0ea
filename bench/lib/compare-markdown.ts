/** A benchmark run's results as Markdown (bench/results/compare*.md): targets, tables, method, conditions. */
import type { IdleRow } from './compare-idle.js';
import type { Row } from './compare-runs.js';
import type { Results } from './compare-results.js';
import type { LatencyRun, ProduceLatencyRun } from './latency.js';
import { slowBatches } from './latency.js';
import { CONNECTD_PRODUCER_DEFAULTS, JAVA_PRODUCER_EQUIVALENT } from './producer-settings.js';
import { profileMarkdown } from './profiles.js';
import { sizeLabel } from './scenarios.js';
import { round } from './stats.js';

export function markdown(out: Results, svgName: string, idleSvgName: string): string {
  const fmt = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en') : '—');
  const cfg = out.config;
  const lines: string[] = [];
  lines.push(`# connectd benchmark${out.quick ? ' (quick run: small runs, one round — a smoke check, not a measurement)' : ''}`);
  lines.push('');
  lines.push(
    `${out.date} · ${out.machine.cpus} × ${out.machine.model}, ${out.machine.memoryGiB} GiB · Node ${out.machine.node} · librdkafka ${out.machine.librdkafka} · ${out.machine.java} · Kafka ${out.machine.kafka} (1 broker, same machine) · connectd ${out.machine.connectd}` +
      `${
        Object.keys(cfg.workerOverrides ?? {}).length > 0
          ? ` · connectd with ${Object.entries(cfg.workerOverrides ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}`
          : ''
      }`,
  );
  lines.push('');
  const c = out.conditions;
  lines.push(
    `**Conditions.** The machine is shared with other engineers' test runs. Median CPU used by other processes during the counted runs: ${String(c.medianOtherLoadCores)} cores (max ${String(c.maxOtherLoadCores)}); ` +
      `${String(c.repeatedRuns)} run(s) repeated because others used more than ${cfg.quiet.foreignLoadLimitCores} cores meanwhile; ${String(c.secondsWaitingForAQuietMachine)} s spent waiting for quiet half-seconds (< ${cfg.quiet.quietCores} cores); whole run ${String(c.seconds)} s.`,
  );
  lines.push('');
  if (out.targets.length > 0) {
    lines.push('## Targets (read from the results, not enforced)');
    lines.push('');
    lines.push('| target | measured | met |');
    lines.push('|---|---|:-:|');
    for (const t of out.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === undefined ? '—' : t.met ? 'yes' : '**no**'} |`);
    lines.push('');
  }
  if (out.throughput.length > 0) {
    lines.push('## Throughput');
    lines.push('');
    lines.push(`![throughput and CPU per record](${svgName})`);
    lines.push('');
    lines.push(
      '| scenario | contender | runs | records/s | min–max | MB/s | vs baseline | CPU s/M rec | vs baseline | broker CPU s/M rec | peak RSS MiB | connectd credit wait | other load |',
    );
    lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const a of out.throughput) {
      const wait =
        a.creditWaitShare !== undefined
          ? `${Math.round(a.creditWaitShare * 100)} % (${a.creditWaitSeconds} s)`
          : a.sinkBackpressureSeconds !== undefined
            ? `sink paused ${a.sinkBackpressureSeconds} s`
            : '';
      const base = a.contender === a.baseline;
      lines.push(
        `| ${a.title} | ${a.contender}${base ? ' (baseline)' : ''} | ${a.runs} | ${fmt(a.recordsPerSecond)} | ${fmt(a.minRecordsPerSecond)}–${fmt(a.maxRecordsPerSecond)} | ${a.megabytesPerSecond} | ${base ? '1' : `×${a.ratioToBaseline.toFixed(2)}`} | ${a.cpuSecondsPerMillion} | ${base ? '1' : `×${a.cpuRatioToBaseline.toFixed(2)}`} | ${a.brokerCpuSecondsPerMillion} | ${a.peakRssMiB} | ${wait} | ${a.otherLoadCores} |`,
      );
    }
    lines.push('');
    lines.push(
      'CPU seconds per million records by thread (medians; `main` = the main thread, `rdk:*` = librdkafka, `node` = worker threads and V8/libuv helpers; Java threads by name):',
    );
    lines.push('');
    for (const a of out.throughput) {
      const parts = Object.entries(a.threadCpuSecondsPerMillion)
        .filter(([, s]) => s >= 0.05)
        .sort((x, y) => y[1] - x[1])
        .slice(0, 8)
        .map(([n, s]) => `${n} ${s}`);
      lines.push(`- ${a.title}, ${a.contender}: ${parts.join(', ')}`);
    }
    const perf = out.runs.filter((r) => r.perfReport !== undefined && r.discarded === undefined && r.ok);
    if (perf.length > 0) {
      lines.push('');
      lines.push(
        `ProducerPerformance's own summary (its rate counts its whole run, JVM warm-up included; its latency is send → ack): ${perf.map((r) => `${sizeLabel(r.size)} round ${r.round}: ${fmt(r.perfReport!.recordsPerSecond)} rec/s, p99 ${r.perfReport!.p99Ms} ms`).join('; ')}.`,
      );
    }
  }
  if (out.idle.length > 0) {
    lines.push('');
    lines.push('## Idle cost');
    lines.push('');
    lines.push(`![idle cost](${idleSvgName})`);
    lines.push('');
    lines.push(
      `N file source connectors, each on its own one-line file (it reads the line, produces it, then waits at the end of the file: a caught-up connector), in one worker. Measured ${cfg.idle.settleMs / 1000} s after the last connector's line reached the topic, over ${cfg.idle.measureMs / 1000} s.`,
    );
    lines.push('');
    lines.push(
      '| connectors | contender | round | RSS MiB | peak RSS MiB | threads | CPU % of a core | of which (top threads, %) | broker CPU % | all lines in the topic after | stop (SIGTERM → exit) | other load |',
    );
    lines.push('|--:|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|');
    for (const r of out.idle) {
      const top = Object.entries(r.cpuCoresByThread)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([t, c]) => `${t} ${round(c * 100, 2)}`)
        .join(', ');
      lines.push(
        `| ${r.connectors} | ${r.contender} | ${r.round}${r.discarded === undefined ? '' : ' (disturbed, repeated)'} | ${r.rssMiB} | ${r.peakRssMiB} | ${r.threads} | ${round(r.cpuCores * 100, 2)} | ${top} | ${round(r.brokerCpuCores * 100, 2)} | ${r.startupSeconds} s | ${r.stoppedCleanly ? `${r.stopSeconds} s` : `killed after ${r.stopSeconds} s`} | ${r.foreign.otherCores}${r.ok ? '' : ` FAILED: ${r.problem}`} |`,
      );
    }
  }
  if (out.latency.length > 0) {
    lines.push('');
    lines.push('## End-to-end latency at half load');
    lines.push('');
    lines.push(
      `At half of connectd-2t's median generator rate (or --latency-rate): raw and connectd paced alike (2 tasks / 2 producer loops, each sleeping ${cfg.latency.paceIntervalMs} ms then producing one batch), ProducerPerformance by its own --throughput; ` +
        `a consumer in the harness notes receive time − CreateTime, the first ${cfg.latency.warmupMs} ms left out. "Own ack" is the producing client's send → ack (raw: per delivery report; ProducerPerformance: its summary).`,
    );
    lines.push('');
    lines.push(
      '| value | contender | run | target rec/s | achieved rec/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | own ack p50/p99/p99.9 ms | connectd batches acked > 100 ms | other load |',
    );
    lines.push('|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const l of out.latency) {
      const own = l.ownAck === undefined ? '—' : `${l.ownAck.p50} / ${l.ownAck.p99} / ${l.ownAck.p999}`;
      lines.push(
        `| ${sizeLabel(l.size)} | ${l.contender} | ${l.round}${l.discarded === undefined ? '' : ' (disturbed, repeated)'} | ${fmt(l.targetRecordsPerSecond)} | ${fmt(l.achievedRecordsPerSecond)} | ${l.steady.p50} | ${l.steady.p90} | ${l.steady.p99} | ${l.steady.p999} | ${l.steady.max} | ${own} | ${slowBatches(l)} | ${l.foreign.otherCores}${l.countOk ? '' : ' COUNT MISMATCH'} |`,
      );
    }
  }
  if (out.produceLatency.length > 0) {
    lines.push('');
    lines.push('## Produce latency at half load (send → ack, no consumer)');
    lines.push('');
    lines.push(
      `The same rate as the end-to-end runs, with no consumer on the machine. connectd: held at the rate by the generator's records.per.second (batches of the end-to-end runs' size), \`connectd_source_record_ack_seconds\` over the measured window (poll() returning a record → Kafka's ack of its batch's last record; percentiles interpolated in the histogram's buckets as Prometheus' histogram_quantile does; the share within 50 ms is exact, 50 ms being a bucket bound). ` +
        `raw: produce() → delivery report per record, the first ${cfg.latency.warmupMs} ms left out. ProducerPerformance: its own summary (its whole run).`,
    );
    lines.push('');
    lines.push(
      '| value | contender | run | target rec/s | achieved rec/s | p50 ms | p90 ms | p99 ms | p99.9 ms | within 50 ms | measured by | other load |',
    );
    lines.push('|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|');
    for (const l of out.produceLatency) {
      const share = l.ack.within50msShare === null ? '—' : `${round(l.ack.within50msShare * 100, 2)} %`;
      lines.push(
        `| ${sizeLabel(l.size)} | ${l.contender} | ${l.round}${l.discarded === undefined ? '' : ' (disturbed, repeated)'} | ${fmt(l.targetRecordsPerSecond)} | ${fmt(l.achievedRecordsPerSecond)} | ${l.ack.p50} | ${Number.isNaN(l.ack.p90) ? '—' : l.ack.p90} | ${l.ack.p99} | ${l.ack.p999} | ${share} | ${l.ack.how} | ${l.foreign.otherCores}${l.countOk ? '' : ' COUNT MISMATCH'} |`,
      );
    }
  }
  if (out.profiles.length > 0) {
    lines.push('');
    lines.push('## Where the time goes (--cpu-prof)');
    lines.push('');
    lines.push('Full summaries: `bench/results/profiles/`.');
    for (const p of out.profiles) {
      lines.push('');
      lines.push(...profileMarkdown(p, fmt));
    }
  }
  const discarded = [...out.runs, ...out.idle, ...out.latency, ...out.produceLatency].filter((r) => r.discarded !== undefined);
  if (discarded.length > 0) {
    const what = (r: Row | IdleRow | LatencyRun | ProduceLatencyRun): string =>
      'scenario' in r
        ? `${r.scenario} ${r.contender} round ${r.round}`
        : 'connectors' in r
          ? `idle ${r.connectors} ${r.contender}`
          : `${'ack' in r ? 'produce latency' : 'latency'} ${sizeLabel(r.size)} ${r.contender} run ${r.round}`;
    lines.push('');
    lines.push(
      `Repeated because other processes loaded the machine: ${discarded.map((r) => `${what(r)} (${r.foreign.otherCores} cores: ${r.foreign.otherTop})`).join('; ')}.`,
    );
  }
  if (out.failedRuns.length > 0) {
    lines.push('');
    lines.push(
      `**${out.failedRuns.length} run(s) failed their ground-truth check** and are left out of the medians: ${out.failedRuns.map((r) => `${'scenario' in r ? `${r.scenario} ${r.contender} round ${r.round}` : `idle ${r.connectors} ${r.contender}`}: ${r.problem}`).join('; ')}`,
    );
  }
  lines.push('');
  lines.push('## Method');
  lines.push('');
  lines.push(
    `- One Kafka ${out.machine.kafka} broker on this machine (tools/kafka/cluster.ts), warmed up by an uncounted run; a fresh ${cfg.topicPartitions}-partition topic per run. Contenders alternate (A B A B), the order rotated each round; medians of ${cfg.rounds} round(s); "vs baseline" = median / the scenario's baseline median (records/s: above 1 is faster; CPU: below 1 is cheaper). A/A pairs (raw-aa, kafka-connect-aa) show the noise.`,
  );
  lines.push(
    `- records/s: the records that arrived after the first ${cfg.warmupShare * 100} % (warm-up: connections, JIT — both workers are daemons) / the time they took, seen from outside: the topic's watermarks polled every 50 ms (sources), the sink's output file (and, for connectd, its count of records put: it writes 1 MiB at a time and the rest at the next commit, where Kafka's sink writes each line at once). The moment the last record arrived is interpolated between the last two samples. "cold" in the JSON counts every record from the first one's CreateTime.`,
  );
  lines.push(
    `- CPU: user+sys from /proc of the contender's process (all threads) and of the broker over the same window, per million records. RSS: the contender's peak (VmHWM; JVMs with their scripts' heaps: Connect -Xms256M -Xmx2G, ProducerPerformance -Xmx512M). connectd credit wait: connectd_source_credit_wait_seconds_total from GET /metrics, as a share of tasks × run time.`,
  );
  lines.push(
    `- Ground truth: round 1 reads every record back (generator: count, distinct keys, headers; file source: every line's value, once; sink: every line of the output file, once) and checks the sink group's committed offsets (connect-<name>) equal the topic's end offsets after a graceful stop; later rounds count watermarks (sources) or file size + committed offsets (sink). A run that fails its check is reported and left out.`,
  );
  lines.push(
    `- Settings: connectd's producer defaults (${Object.entries(CONNECTD_PRODUCER_DEFAULTS)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}) for connectd and the raw producer; ProducerPerformance with ${Object.entries(JAVA_PRODUCER_EQUIVALENT)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')} (its records: no key, no headers, one random payload); ` +
      `Kafka Connect with its defaults and plugin.discovery=service_load (Kafka's recommended setting when every plugin has a manifest: no classpath scan), connect-standalone.sh's heap (its source producer ran with ${
        Object.entries((cfg.kafkaConnect.producer as Record<string, string> | undefined) ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(', ') || 'n/a'
      }). Both workers: ByteArrayConverter keys, StringConverter values (JsonConverter with schemas.enable=true in the JSON scenarios), offset.flush.interval.ms=60000, the same connector configs.`,
  );
  lines.push(
    `- The machine is shared: before each run the harness waits (up to ${cfg.quiet.quietWaitMaxMs / 1000} s) for half a second in which other processes use < ${cfg.quiet.quietCores} cores, measures their CPU during the run ("other load", cores) and repeats a run above ${cfg.quiet.foreignLoadLimitCores} cores (up to ${cfg.quiet.perRun} times each, ${cfg.quiet.maxRepeats} in all).`,
  );
  lines.push('');
  return lines.join('\n');
}
