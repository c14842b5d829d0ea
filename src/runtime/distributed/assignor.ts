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

/** Assigns one kind of unit (connectors, or tasks) over the members. */
function assignKind(members: readonly string[], units: readonly string[], previous: ReadonlyMap<string, string>): Map<string, string[]> {
  const load = new Map<string, string[]>(members.map((m) => [m, []]));
  const unplaced: string[] = [];
  for (const unit of [...units].sort(byName)) {
    const owner = previous.get(unit);
    if (owner !== undefined && load.has(owner)) load.get(owner)!.push(unit);
    else unplaced.push(unit);
  }
  const leastLoaded = (): string[] => {
    let best: string | undefined;
    for (const m of members) if (best === undefined || load.get(m)!.length < load.get(best)!.length) best = m;
    return load.get(best!)!;
  };
  for (const unit of unplaced) leastLoaded().push(unit);
  // Even out: move units from the most to the least loaded member until they differ by at most one.
  for (;;) {
    let most: string | undefined;
    let least: string | undefined;
    for (const m of members) {
      if (most === undefined || load.get(m)!.length > load.get(most)!.length) most = m;
      if (least === undefined || load.get(m)!.length < load.get(least)!.length) least = m;
    }
    if (most === undefined || least === undefined || load.get(most)!.length - load.get(least)!.length <= 1) break;
    const from = load.get(most)!;
    // The unit moved is the last by name: deterministic, and it keeps low-numbered tasks in place.
    from.sort(byName);
    load.get(least)!.push(from.pop()!);
  }
  for (const list of load.values()) list.sort(byName);
  return load;
}

export function assign(input: AssignmentInput): Map<string, WorkerAssignment> {
  const members = [...new Set(input.members)].sort(byName);
  const result = new Map<string, WorkerAssignment>(members.map((m) => [m, { connectors: [], tasks: [] }]));
  if (members.length === 0) return result;
  for (const [m, units] of assignKind(members, input.connectors, input.previous)) result.get(m)!.connectors = units;
  for (const [m, units] of assignKind(members, input.tasks, input.previous)) result.get(m)!.tasks = units;
  return result;
}

/** unit → worker, from an assignment (what `previous` is for the next one). */
export function owners(assignment: ReadonlyMap<string, WorkerAssignment>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [worker, a] of assignment) for (const unit of [...a.connectors, ...a.tasks]) out.set(unit, worker);
  return out;
}
