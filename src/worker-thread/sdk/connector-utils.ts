/**
 * Kafka Connect's `ConnectorUtils.groupPartitions`: split `elements` into `numGroups` contiguous
 * groups whose sizes differ by at most one, the larger groups first. With fewer elements than
 * groups, the trailing groups are empty (Kafka Connect returns them too; callers usually ask for
 * `Math.min(elements.length, maxTasks)` groups).
 */
export function groupPartitions<T>(elements: readonly T[], numGroups: number): T[][] {
  if (!Number.isInteger(numGroups) || numGroups <= 0) {
    throw new RangeError(`numGroups must be a positive integer, got ${numGroups}`);
  }
  const result: T[][] = [];
  const perGroup = Math.floor(elements.length / numGroups);
  const leftover = elements.length - numGroups * perGroup;
  let assigned = 0;
  for (let group = 0; group < numGroups; group++) {
    const size = perGroup + (group < leftover ? 1 : 0);
    result.push(elements.slice(assigned, assigned + size));
    assigned += size;
  }
  return result;
}
