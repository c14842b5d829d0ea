/**
 * The Grafana dashboard only queries metrics that connectd exports and docs/metrics.md documents,
 * so a renamed metric cannot silently leave an empty panel behind.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { createMetricsRegistry } from '../../../src/main-thread/metrics/registry.js';

const root = path.resolve(import.meta.dirname, '../../../..');
const dashboard = JSON.parse(await readFile(path.join(root, 'docs/grafana/connectd.json'), 'utf8')) as {
  panels: { type: string; targets?: { expr: string }[] }[];
};
const docs = await readFile(path.join(root, 'docs/metrics.md'), 'utf8');

const registry = createMetricsRegistry({
  sourceTasks: () => [],
  taskMetrics: () => [],
  connectors: () => [],
  producers: () => [],
  worker: () => ({ taskCount: 0, startups: { connectorSuccess: 0, connectorFailure: 0, taskSuccess: 0, taskFailure: 0 } }),
  threads: () => [],
  rebalance: () => ({ completed: 0, totalMs: 0, lastMs: 0, lastCompletedAt: undefined, rebalancing: false, generation: 0, leader: false }),
});
const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));

t.test('every metric the dashboard queries is exported and documented', async (t) => {
  const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((target) => target.expr);
  t.ok(exprs.length >= 20, `${exprs.length} queries`);
  const used = new Set(exprs.flatMap((e) => e.match(/connectd_[a-z0-9_]+/g) ?? []));
  for (const name of used) {
    const base = exported.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    t.ok(exported.has(base) || exported.has(name), `${name} is exported`);
    const documented = docs.includes(`\`${base}\``) || /connectd_(process|nodejs)_/.test(base);
    t.ok(documented, `${name} is documented in docs/metrics.md`);
  }
});

t.test('every metric in docs/metrics.md exists', async (t) => {
  const listed = [...docs.matchAll(/^\| `(connectd_[a-z0-9_]+)`/gm)].map((m) => m[1]!);
  t.ok(listed.length >= 20);
  for (const name of listed) t.ok(exported.has(name), `${name} (documented) is exported`);
});
