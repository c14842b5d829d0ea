/**
 * KIP-891's plugin versions (Kafka Connect 4.1's PluginUtils.connectorVersionRequirement and
 * Maven's VersionRange): `connector.plugin.version` and `?version=` on
 * /connector-plugins/{p}/config name the version of a plugin to use. connectd holds one version of
 * each plugin, so a requirement either matches it or fails with Kafka Connect's message.
 */

/** Numeric parts first, then text: 4.1.10 > 4.1.9 > 4.1.1-SNAPSHOT compares as Maven mostly does. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * The range a requirement means, as Kafka Connect prints it: a plain version is that version
 * exactly (`4.1.1` → `[4.1.1,4.1.1]`); `[a,b]`, `(a,b)`, `[a,)`, `[a]` are Maven ranges.
 */
function parseRange(requirement: string): { text: string; contains: (v: string) => boolean } | undefined {
  const spec = requirement.trim();
  if (!/^[[(]/.test(spec)) return { text: `[${spec},${spec}]`, contains: (v) => compareVersions(v, spec) === 0 };
  const m = /^([[(])\s*([^,\])]*?)\s*(?:,\s*([^\])]*?)\s*)?([\])])$/.exec(spec);
  if (m === null) return undefined;
  const [, open, low = '', high, close] = m;
  if (high === undefined)
    return open === '[' && close === ']' ? { text: `[${low},${low}]`, contains: (v) => compareVersions(v, low) === 0 } : undefined;
  return {
    text: spec,
    contains: (v) =>
      (low === '' || (open === '[' ? compareVersions(v, low) >= 0 : compareVersions(v, low) > 0)) &&
      (high === '' || (close === ']' ? compareVersions(v, high) <= 0 : compareVersions(v, high) < 0)),
  };
}

/** Why `version` of plugin `fullName` does not satisfy `requirement` (undefined: it does, or none given). */
export function pluginVersionProblem(fullName: string, version: string, requirement: string | undefined): string | undefined {
  if (requirement === undefined || requirement.trim() === '') return undefined;
  const range = parseRange(requirement);
  if (range === undefined) return `Invalid version range ${JSON.stringify(requirement)}: give a version (4.1.1) or a range ([4.0,5.0))`;
  if (range.contains(version)) return undefined;
  return `Plugin ${fullName} not found that matches the version range ${range.text}, available versions: [${version}]`;
}
