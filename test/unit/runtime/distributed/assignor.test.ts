/**
 * The distributed assignor: balanced (per kind, counts differ by at most one), sticky (only what
 * must move moves), complete (every unit once), deterministic.
 */
import t from 'tap';
import type { Test } from 'tap';
import { assign, owners } from '../../../../src/main-thread/runtime/distributed/assignor.js';
import type { WorkerAssignment } from '../../../../src/main-thread/runtime/distributed/assignor.js';

const tasks = (connector: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${connector}-${i}`);

function check(t: Test, a: Map<string, WorkerAssignment>, connectors: string[], taskIds: string[]): void {
  const counts = (kind: 'connectors' | 'tasks'): number[] => [...a.values()].map((w) => w[kind].length);
  for (const kind of ['connectors', 'tasks'] as const) {
    const c = counts(kind);
    t.ok(Math.max(...c) - Math.min(...c) <= 1, `${kind} balanced: ${c.join('/')}`);
  }
  t.same([...a.values()].flatMap((w) => w.connectors).sort(), [...connectors].sort(), 'every connector exactly once');
  t.same([...a.values()].flatMap((w) => w.tasks).sort(), [...taskIds].sort(), 'every task exactly once');
}

t.test('three workers, one connector with six tasks: two tasks each', async (t) => {
  const a = assign({ members: ['w3', 'w1', 'w2'], connectors: ['src'], tasks: tasks('src', 6), previous: new Map() });
  check(t, a, ['src'], tasks('src', 6));
  t.same(
    [...a.values()].map((w) => w.tasks.length),
    [2, 2, 2],
  );
  t.same([...a.keys()], ['w1', 'w2', 'w3'], 'members in a fixed order');
});

t.test('a worker dies: only its units move, to the others, balanced', async (t) => {
  const all = tasks('src', 6);
  const before = assign({ members: ['w1', 'w2', 'w3'], connectors: ['src'], tasks: all, previous: new Map() });
  const after = assign({ members: ['w1', 'w3'], connectors: ['src'], tasks: all, previous: owners(before) });
  check(t, after, ['src'], all);
  const was = owners(before);
  const now = owners(after);
  const moved = all.filter((u) => was.get(u) !== now.get(u));
  t.same(moved.sort(), before.get('w2')!.tasks.sort(), "only the dead worker's tasks moved");
});

t.test('a worker joins: it takes a fair share, and nothing else moves', async (t) => {
  const all = tasks('a', 5).concat(tasks('b', 3));
  const before = assign({ members: ['w1', 'w2', 'w3'], connectors: ['a', 'b'], tasks: all, previous: new Map() });
  const after = assign({ members: ['w1', 'w2', 'w3', 'w4'], connectors: ['a', 'b'], tasks: all, previous: owners(before) });
  check(t, after, ['a', 'b'], all);
  t.equal(after.get('w4')!.tasks.length, 2, 'the new worker gets 8/4 = 2 tasks');
  const was = owners(before);
  const moved = all.filter((u) => was.get(u) !== owners(after).get(u));
  t.equal(moved.length, 2, 'exactly the tasks the new worker took moved');
});

t.test('new and deleted units; a cluster of one; no members', async (t) => {
  const before = assign({ members: ['w1', 'w2'], connectors: ['a'], tasks: tasks('a', 4), previous: new Map() });
  const after = assign({ members: ['w1', 'w2'], connectors: ['b'], tasks: tasks('b', 3), previous: owners(before) });
  check(t, after, ['b'], tasks('b', 3));
  const one = assign({ members: ['solo'], connectors: ['a', 'b'], tasks: tasks('a', 3), previous: new Map() });
  t.same(one.get('solo'), { connectors: ['a', 'b'], tasks: ['a-0', 'a-1', 'a-2'] }, 'a cluster of one runs everything');
  t.same(assign({ members: [], connectors: ['a'], tasks: [], previous: new Map() }).size, 0);
});

t.test('deterministic: the same input gives the same assignment, whatever the input order', async (t) => {
  const prev = new Map([
    ['a-0', 'w2'],
    ['a', 'w1'],
  ]);
  const x = assign({ members: ['w2', 'w1', 'w3'], connectors: ['b', 'a'], tasks: ['a-1', 'a-0', 'b-0'], previous: prev });
  const y = assign({ members: ['w3', 'w2', 'w1'], connectors: ['a', 'b'], tasks: ['b-0', 'a-0', 'a-1'], previous: prev });
  t.same([...x.entries()], [...y.entries()]);
});

t.test('random clusters: always balanced and complete, and sticky when nothing changes', async (t) => {
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 50; round++) {
    const members = Array.from({ length: 1 + rnd(6) }, (_, i) => `w${i}`);
    const connectors = Array.from({ length: rnd(5) }, (_, i) => `c${i}`);
    const all = connectors.flatMap((c) => tasks(c, rnd(7)));
    const a = assign({ members, connectors, tasks: all, previous: new Map() });
    const counts = [...a.values()].map((w) => w.tasks.length);
    if (Math.max(...counts) - Math.min(...counts) > 1) t.fail(`round ${round}: unbalanced ${counts.join('/')}`);
    const again = assign({ members, connectors, tasks: all, previous: owners(a) });
    if (JSON.stringify([...again]) !== JSON.stringify([...a])) t.fail(`round ${round}: an unchanged cluster moved units`);
  }
  t.pass('50 random clusters');
});

t.test("one connector's tasks spread over the workers, also next to other connectors' tasks", async (t) => {
  // 3 workers; `gen` 0 tasks (stopped), `paused` 2 tasks, `sink` 3 tasks: the sink's tasks on 3 workers.
  const all = tasks('paused', 2).concat(tasks('sink', 3));
  const a = assign({ members: ['w1', 'w2', 'w3'], connectors: ['gen', 'paused', 'sink'], tasks: all, previous: new Map() });
  check(t, a, ['gen', 'paused', 'sink'], all);
  const sinkWorkers = [...a.entries()].filter(([, w]) => w.tasks.some((x) => x.startsWith('sink-'))).length;
  t.equal(sinkWorkers, 3, 'the three sink tasks on three workers');
  // Sticky placements that pile one connector's tasks on one worker are spread out.
  const piled = new Map(tasks('sink', 3).map((x) => [x, 'w1']));
  const b = assign({ members: ['w1', 'w2', 'w3'], connectors: ['sink'], tasks: tasks('sink', 3), previous: piled });
  t.same(
    [...b.values()].map((w) => w.tasks.length),
    [1, 1, 1],
  );
  t.same(b.get('w1')!.tasks, ['sink-0'], 'the first stays where it was');
});
