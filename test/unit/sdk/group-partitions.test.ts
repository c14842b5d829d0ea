/**
 * groupPartitions must match Kafka Connect's ConnectorUtils.groupPartitions exactly: connectors
 * ported from Java rely on the same task-to-partition assignment.
 */
import t from 'tap';
import { groupPartitions } from '../../../src/worker-thread/sdk/connector-utils.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Kafka's algorithm, transcribed from ConnectorUtils.java, as an independent oracle. */
function kafkaGroupPartitions<T>(elements: readonly T[], numGroups: number): T[][] {
  const result: T[][] = [];
  const perGroup = Math.trunc(elements.length / numGroups);
  const leftover = elements.length - numGroups * perGroup;
  let assigned = 0;
  for (let group = 0; group < numGroups; group++) {
    const numThisGroup = group < leftover ? perGroup + 1 : perGroup;
    const groupList: T[] = [];
    for (let i = 0; i < numThisGroup; i++) groupList.push(elements[assigned++]!);
    result.push(groupList);
  }
  return result;
}

t.test('known cases from Kafka Connect', async (t) => {
  t.same(groupPartitions(range(5), 3), [[0, 1], [2, 3], [4]], '5 into 3: larger groups first');
  t.same(groupPartitions(range(10), 3), [
    [0, 1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);
  t.same(
    groupPartitions(range(6), 3),
    [
      [0, 1],
      [2, 3],
      [4, 5],
    ],
    'even split',
  );
  t.same(groupPartitions(range(7), 2), [
    [0, 1, 2, 3],
    [4, 5, 6],
  ]);
  t.same(groupPartitions(['a', 'b', 'c'], 3), [['a'], ['b'], ['c']], 'one element per group');
});

t.test('n = 1 returns one group with every element, in order', async (t) => {
  const input = range(9);
  const groups = groupPartitions(input, 1);
  t.same(groups, [input]);
  t.not(groups[0], input, 'the group is a copy, not the input array itself');
});

t.test('0 elements: n empty groups', async (t) => {
  t.same(groupPartitions([], 1), [[]]);
  t.same(groupPartitions([], 4), [[], [], [], []]);
});

t.test('fewer elements than groups: trailing groups are empty', async (t) => {
  t.same(groupPartitions(range(2), 5), [[0], [1], [], [], []]);
  t.same(groupPartitions(['x'], 3), [['x'], [], []]);
});

t.test('invalid group counts throw RangeError', async (t) => {
  for (const n of [0, -1, -10, 1.5, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => groupPartitions(range(3), n), RangeError, `numGroups=${n}`);
  }
  t.throws(() => groupPartitions([], 0), RangeError, 'even with no elements');
});

t.test('exhaustive: matches Kafka, contiguous, balanced, larger first, nothing lost', async (t) => {
  let checked = 0;
  for (let size = 0; size <= 40; size++) {
    for (let n = 1; n <= 12; n++) {
      const input = range(size);
      const groups = groupPartitions(input, n);
      const ok =
        JSON.stringify(groups) === JSON.stringify(kafkaGroupPartitions(input, n)) &&
        groups.length === n &&
        JSON.stringify(groups.flat()) === JSON.stringify(input) &&
        Math.max(...groups.map((g) => g.length)) - Math.min(...groups.map((g) => g.length)) <= 1 &&
        groups.every((g, i) => i === 0 || g.length <= groups[i - 1]!.length);
      if (!ok) t.fail(`size=${size} n=${n}: ${JSON.stringify(groups)}`);
      checked++;
    }
  }
  t.equal(checked, 41 * 12, 'every combination checked');
  t.pass('all combinations agree with Kafka');
});
