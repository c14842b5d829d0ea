/**
 * The benchmark's scenarios (bench/README.md): what runs (generator, file source, sink, JSON), at
 * which sizes and record counts, against which contenders, with which baseline; and the order the
 * contenders take in each round (interleaved, rotated).
 */
import type { CompareOptions, Group } from './compare-options.js';

export type Family = 'raw' | 'perf' | 'connectd' | 'kafka-connect';
export interface Contender {
  name: string;
  family: Family;
  tasks: number;
}
export type Kind = 'generator' | 'file-source' | 'sink' | 'json-file' | 'json-generator';
export interface Scenario {
  id: string;
  kind: Kind;
  group: Group;
  title: string;
  size: number;
  records: number;
  baseline: string;
  contenders: Contender[];
}

export const raw = (name = 'raw'): Contender => ({ name, family: 'raw', tasks: 1 });
export const connectd = (tasks: number, name = `connectd-${tasks}t`): Contender => ({ name, family: 'connectd', tasks });
export const kafkaConnect = (name = 'kafka-connect'): Contender => ({ name, family: 'kafka-connect', tasks: 1 });
export const sizeLabel = (size: number): string => (size === 1024 ? '1 KiB' : `${size} B`);

/** The scenarios to run (of the wanted groups), or all of them. */
export function scenarios(o: CompareOptions, all = false): Scenario[] {
  const out: Scenario[] = [];
  const n = (full: number, quick: number): number => (o.smoke ? quick / 10 : o.quick ? quick : full);
  for (const size of o.sizes) {
    const records = size === 100 ? n(1_000_000, 200_000) : n(300_000, 60_000);
    out.push({
      id: `generator-${size}`,
      kind: 'generator',
      group: 'generator',
      title: `generator source, ${sizeLabel(size)} values`,
      size,
      records,
      baseline: 'raw',
      contenders: [
        raw(),
        { name: 'producer-perf', family: 'perf', tasks: 1 },
        ...o.tasks.map((t) => connectd(t)),
        ...(o.quick ? [] : [raw('raw-aa')]),
      ],
    });
  }
  for (const size of o.sizes) {
    const records = size === 100 ? n(1_000_000, 100_000) : n(300_000, 30_000);
    out.push({
      id: `file-source-${size}`,
      kind: 'file-source',
      group: 'file',
      title: `file source, ${sizeLabel(size)} lines`,
      size,
      records,
      baseline: 'kafka-connect',
      contenders: [kafkaConnect(), connectd(1, 'connectd'), ...(o.quick ? [] : [kafkaConnect('kafka-connect-aa')])],
    });
  }
  for (const size of o.sizes) {
    const records = size === 100 ? n(1_000_000, 100_000) : n(300_000, 30_000);
    out.push({
      id: `sink-${size}`,
      kind: 'sink',
      group: 'sink',
      title: `file sink, ${sizeLabel(size)} records`,
      size,
      records,
      baseline: 'kafka-connect',
      contenders: [kafkaConnect(), connectd(1, 'connectd'), raw('raw-consumer')],
    });
  }
  out.push({
    id: 'json-file-100',
    kind: 'json-file',
    group: 'json',
    title: 'file source, 100 B lines, JsonConverter with schemas',
    size: 100,
    records: n(500_000, 50_000),
    baseline: 'kafka-connect',
    contenders: [kafkaConnect(), connectd(1, 'connectd')],
  });
  out.push({
    id: 'json-generator-100',
    kind: 'json-generator',
    group: 'json',
    title: 'generator source, struct values (100 B payload), JsonConverter with schemas',
    size: 100,
    records: n(500_000, 50_000),
    baseline: 'raw',
    contenders: [raw(), ...(o.quick ? [connectd(2)] : [connectd(1), connectd(2)])],
  });
  return out.filter((s) => all || o.wanted(s.group));
}

/** Contenders alternating (baseline side, connectd side: A B A B), the order rotated by round. */
export function roundOrder(s: Scenario, roundNo: number): Contender[] {
  const others = s.contenders.filter((c) => c.family !== 'connectd');
  const ours = s.contenders.filter((c) => c.family === 'connectd');
  const order: Contender[] = [];
  for (let i = 0; i < Math.max(others.length, ours.length); i++) {
    if (others[i]) order.push(others[i]!);
    if (ours[i]) order.push(ours[i]!);
  }
  const k = roundNo % order.length;
  return [...order.slice(k), ...order.slice(0, k)];
}
