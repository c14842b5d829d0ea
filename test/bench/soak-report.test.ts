/**
 * The soak's reading of its samples (bench/lib/soak-report.ts) and its curve (bench/lib/line-chart.ts),
 * on samples built by hand: the memory slope after warm-up, when the rate counts as recovered after
 * the broker restart, and lines that break where a sample has no value.
 */
import t from 'tap';
import { lineChartSvg } from '../../bench/lib/line-chart.js';
import { soakSvg, summarize, topicRates } from '../../bench/lib/soak-report.js';
import type { SoakResults } from '../../bench/lib/soak-report.js';
import type { SoakRun, SoakSample, SoakSettings } from '../../bench/lib/soak.js';

const settings: SoakSettings = {
  seconds: 200,
  rate: 1000,
  tasks: 1,
  valueSize: 100,
  sourcePartitions: 4,
  partitions: 3,
  restartAtSeconds: 100,
  sampleMs: 1000,
  worker: {},
  readBackMaxRecords: 10_000_000,
  bigTopicConfigs: {},
};

/**
 * 1000 records/s from t=1; the broker away from t=100 to t=120 (no count, nothing produced), then
 * 1000/s again from t=125 (five seconds of reconnecting at 200/s); RSS 100 MiB + 1 MiB per minute.
 */
function run(): SoakRun {
  const samples: SoakSample[] = [];
  let inTopic = 0;
  for (let t = 1; inTopic < 200_000; t++) {
    const away = t > 100 && t < 120;
    if (!away) inTopic += t < 120 ? 1000 : t < 125 ? 200 : 1000;
    samples.push({
      t,
      rssMiB: 100 + t / 60,
      procRssMiB: null,
      threads: 20,
      heapUsedMiB: 20,
      heapTotalMiB: 40,
      externalMiB: 5,
      lagMaxMs: t === 150 ? 80 : 3,
      lagP99Ms: 3,
      lagMeanMs: 1,
      creditWaitSeconds: away ? 0 : t >= 120 ? 19 : 0,
      written: inTopic,
      activeRecords: 0,
      queueFull: 0,
      clientErrors: 0,
      inTopic: away ? null : Math.min(inTopic, 200_000),
      cpuCores: 0.3,
      brokerCpuCores: away ? null : 0.2,
      otherCores: 0.01,
      otherTop: '',
    });
  }
  return {
    topic: 'soak',
    plan: { sourcePartitions: 4, perPartition: 50_000, valueSize: 100 },
    total: 200_000,
    firstRecordAt: 1,
    lastRecordAt: samples.at(-1)!.t,
    restart: { stopAt: 100, stoppedAt: 103, startAt: 103, readyAt: 119 },
    samples,
    count: { method: 'test', records: 200_000, ok: true, problems: [] },
    connectdExit: 0,
    log: '',
  };
}

t.test('records/s into the topic come from consecutive counts; a sample without one has none', async (t) => {
  const rates = topicRates(run().samples);
  t.equal(rates[0], null, 'no earlier count');
  t.equal(rates[50], 1000);
  t.equal(rates[105], null, 'the broker away');
  t.equal(rates[119], 200 / 20, 'the first count after the outage spreads over the gap (200 records over 20 s)');
});

t.test('summary: slope after warm-up, the largest lag, the restart and when the rate recovered', async (t) => {
  const s = summarize(run(), settings);
  t.equal(s.warmupEndAt, 21, 'warm-up: a tenth of the run (20 s) after the first record');
  t.ok(Math.abs(s.rssSlopeMiBPerMinute - 1) < 1e-6, `RSS slope ${s.rssSlopeMiBPerMinute} MiB/min`);
  t.equal(s.heapSlopeMiBPerMinute, 0);
  t.equal(s.steadyRecordsPerSecond, 1000);
  t.equal(s.maxLagMs, 80);
  t.equal(s.maxLagAt, 150);
  t.equal(s.creditWaitSeconds, 19);
  t.equal(s.restart?.outageSeconds, 19);
  // Windows of five rates from the broker's return: t=124 averages (200 + 4 × 1000) / 5 = 840, under
  // 90 % of the 1000/s held before; t=125 is the first at 1000.
  t.equal(s.restart?.recoveredAt, 125);
  t.equal(s.restart?.recoveredAfterReadySeconds, 6);
});

t.test('the curve: one panel per measure, the restart shaded, a line broken where values are missing', async (t) => {
  const r = run();
  const out: SoakResults = {
    date: '2026-12-07T16:00:00.000Z',
    machine: { cpus: 2, model: 'test', kafka: '4.1.1', connectd: 'test' },
    settings: { ...settings, maxRate: null, rateShare: null, warmupSeconds: 20 },
    conditions: {},
    summary: summarize(r, settings),
    count: r.count,
    ok: true,
    topic: r.topic,
    total: r.total,
    firstRecordAt: r.firstRecordAt,
    lastRecordAt: r.lastRecordAt,
    samples: r.samples,
  };
  const svg = soakSvg(out);
  t.match(svg, /^<svg [^>]*>/);
  t.match(svg, /broker restart \(19 s\)/);
  t.match(svg, /rate recovered/);
  for (const title of ['Memory, MiB', 'Event-loop lag', 'Credit wait so far', 'Records/s into the topic']) t.ok(svg.includes(title), title);

  const chart = lineChartSvg({
    title: 't',
    subtitle: 's',
    xLabel: 'x',
    panels: [
      {
        title: 'p',
        series: [
          {
            label: 'a',
            color: '#000',
            points: [
              [0, 1],
              [1, 2],
              [2, null],
              [3, 4],
              [4, 5],
            ],
          },
        ],
      },
    ],
  });
  t.equal(chart.match(/<path /g)?.length, 2, 'two segments around the null');
});
