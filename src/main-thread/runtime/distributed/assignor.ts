/**
 * The distributed leader's assignor: which worker runs each connector instance and each task.
 * Sticky (a unit stays on its worker while that worker is a member) and balanced (per kind, the
 * counts of any two members differ by at most one), with lost and new units placed at once — no
 * scheduled rebalance delay. Deterministic: the same inputs give the same assignment on any worker.
 * Design: docs/design/2026-11-25-distributed-mode.md.
 */

export interface WorkerAssignment {
  connectors: string[];
  /** Task ids as `<connector>-<n>`. */
  tasks: string[];
}

export interface AssignmentInput {
  /** Live members (worker ids). */
  members: readonly string[];
  connectors: readonly string[];
  tasks: readonly string[];
  /** The previous owner of each unit (connector name or task id), if any. */
  previous: ReadonlyMap<string, string>;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Assigns one kind of unit (connectors, or tasks) over the members. `groupOf` names a unit's
 * connector: besides the counts per member, the units of one connector are spread too (at most
 * ceil(n/K) of a connector's n tasks on one of K members, where stickiness allows), so that a sink
 * connector's tasks, say, run on different workers.
 */
function assignKind(
  members: readonly string[],
  units: readonly string[],
  previous: ReadonlyMap<string, string>,
  groupOf: (unit: string) => string,
): Map<string, string[]> {
  const load = new Map<string, string[]>(members.map((m) => [m, []]));
  const sorted = [...units].sort(byName);
  const groupSize = new Map<string, number>();
  for (const unit of sorted) groupSize.set(groupOf(unit), (groupSize.get(groupOf(unit)) ?? 0) + 1);
  const cap = (group: string): number => Math.ceil(groupSize.get(group)! / members.length);
  const countOf = (member: string, group: string): number => load.get(member)!.filter((u) => groupOf(u) === group).length;
  const unplaced: string[] = [];
  for (const unit of sorted) {
    const owner = previous.get(unit);
    if (owner !== undefined && load.has(owner) && countOf(owner, groupOf(unit)) < cap(groupOf(unit))) load.get(owner)!.push(unit);
    else unplaced.push(unit);
  }
  // New and orphaned units: the least loaded member with room for the unit's connector (ties: fewer
  // of that connector, then member order).
  for (const unit of unplaced) {
    const group = groupOf(unit);
    let best: string | undefined;
    for (const m of members) {
      if (countOf(m, group) >= cap(group)) continue;
      const better =
        best === undefined ||
        load.get(m)!.length < load.get(best)!.length ||
        (load.get(m)!.length === load.get(best)!.length && countOf(m, group) < countOf(best, group));
      if (better) best = m;
    }
    load.get(best ?? members[0]!)!.push(unit);
  }
  // Even out: move units from the most to the least loaded member until they differ by at most one,
  // each time a unit of the connector the most loaded member has most of relative to the least.
  for (;;) {
    let most: string | undefined;
    let least: string | undefined;
    for (const m of members) {
      if (most === undefined || load.get(m)!.length > load.get(most)!.length) most = m;
      if (least === undefined || load.get(m)!.length < load.get(least)!.length) least = m;
    }
    if (most === undefined || least === undefined || load.get(most)!.length - load.get(least)!.length <= 1) break;
    const from = load.get(most)!;
    from.sort(byName);
    // The last unit by name of the best connector: deterministic, and it keeps low-numbered tasks in place.
    let pick = from.length - 1;
    let bestGap = Number.NEGATIVE_INFINITY;
    for (let i = from.length - 1; i >= 0; i--) {
      const group = groupOf(from[i]!);
      const gap = countOf(most, group) - countOf(least, group);
      if (gap > bestGap) {
        bestGap = gap;
        pick = i;
      }
    }
    load.get(least)!.push(from.splice(pick, 1)[0]!);
  }
  for (const list of load.values()) list.sort(byName);
  return load;
}

/** The connector of a task id `<connector>-<n>`. */
const connectorOf = (task: string): string => task.slice(0, task.lastIndexOf('-'));

export function assign(input: AssignmentInput): Map<string, WorkerAssignment> {
  const members = [...new Set(input.members)].sort(byName);
  const result = new Map<string, WorkerAssignment>(members.map((m) => [m, { connectors: [], tasks: [] }]));
  if (members.length === 0) return result;
  for (const [m, units] of assignKind(members, input.connectors, input.previous, () => '')) result.get(m)!.connectors = units;
  for (const [m, units] of assignKind(members, input.tasks, input.previous, connectorOf)) result.get(m)!.tasks = units;
  return result;
}

/** unit → worker, from an assignment (what `previous` is for the next one). */
export function owners(assignment: ReadonlyMap<string, WorkerAssignment>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [worker, a] of assignment) for (const unit of [...a.connectors, ...a.tasks]) out.set(unit, worker);
  return out;
}
