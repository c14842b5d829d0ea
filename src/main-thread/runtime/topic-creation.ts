/**
 * Kafka Connect's topic creation for source connectors (KIP-158): `topic.creation.groups` names
 * extra groups; each group `g` has `topic.creation.g.include`/`.exclude` (regex lists; exclude
 * wins), `.replication.factor`, `.partitions`, and any other `topic.creation.g.<topic config>`.
 * The `default` group matches everything not matched by another group and must set replication
 * factor and partitions for topic creation to be on. The first matching group, in the order the
 * groups are listed, decides how a topic is created.
 */
import { ConfigException } from '../../worker-thread/sdk/config-def.js';
import type { ConfigProblem } from '../../worker-thread/sdk/config-def.js';
import type { NewTopicSpec } from '../kafka/admin.js';

interface TopicCreationGroup {
  name: string;
  include: RegExp[];
  exclude: RegExp[];
  replicationFactor: number;
  partitions: number;
  configs: Record<string, string>;
}

const PREFIX = 'topic.creation.';
const GROUP_KEYS = new Set(['include', 'exclude', 'replication.factor', 'partitions']);

export class TopicCreation {
  readonly #groups: TopicCreationGroup[];

  private constructor(groups: TopicCreationGroup[]) {
    this.#groups = groups;
  }

  /**
   * The connector's topic creation rules, or null when it does not use topic creation (no default
   * replication factor and partitions) or the worker disabled it. Throws ConfigException naming
   * every bad key.
   */
  static fromConfig(config: Readonly<Record<string, string>>, workerEnabled: boolean): TopicCreation | null {
    const rf = config[`${PREFIX}default.replication.factor`];
    const partitions = config[`${PREFIX}default.partitions`];
    if (!workerEnabled || (rf === undefined && partitions === undefined)) return null;
    const problems: ConfigProblem[] = [];
    const extra = (config[`${PREFIX}groups`] ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
    if (extra.includes('default')) {
      problems.push({
        name: `${PREFIX}groups`,
        value: config[`${PREFIX}groups`] ?? '',
        message: "'default' is always a group; do not list it",
      });
    }
    // The default group first: the others inherit its replication factor and partitions.
    const fallback = parseGroup(config, 'default', problems);
    const groups = extra.filter((g) => g !== 'default').map((name) => parseGroup(config, name, problems, fallback));
    groups.push(fallback);
    if (problems.length > 0) throw new ConfigException(problems, 'topic creation configuration');
    // The default group is the fallback: it is listed last whatever its include says.
    return new TopicCreation(groups);
  }

  /** How to create `topic`, or null when no group matches it. */
  specFor(topic: string): NewTopicSpec | null {
    for (const group of this.#groups) {
      if (group.exclude.some((r) => r.test(topic))) continue;
      if (!group.include.some((r) => r.test(topic))) continue;
      return { name: topic, partitions: group.partitions, replicationFactor: group.replicationFactor, configs: { ...group.configs } };
    }
    return null;
  }
}

function parseGroup(
  config: Readonly<Record<string, string>>,
  name: string,
  problems: ConfigProblem[],
  fallback?: TopicCreationGroup,
): TopicCreationGroup {
  const key = (k: string): string => `${PREFIX}${name}.${k}`;
  const isDefault = fallback === undefined;
  const number = (k: string, inherited: number | undefined): number => {
    const text = config[key(k)];
    if (text === undefined && inherited !== undefined) return inherited;
    if (text === undefined) {
      problems.push({ name: key(k), value: null, message: 'Missing required configuration with no default value' });
      return -1;
    }
    const n = Number(text.trim());
    if (!Number.isInteger(n) || n === 0 || n < -1) {
      problems.push({ name: key(k), value: text, message: 'must be a positive integer, or -1 for the broker default' });
    }
    return n;
  };
  const regexes = (k: string, fallback: string): RegExp[] => {
    const text = config[key(k)] ?? fallback;
    return text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .flatMap((source) => {
        try {
          // Kafka Connect matches the whole topic name (Pattern.matcher().matches()).
          return [new RegExp(`^(?:${source})$`)];
        } catch (err) {
          problems.push({ name: key(k), value: text, message: `invalid regular expression ${source}: ${(err as Error).message}` });
          return [];
        }
      });
  };
  const include = regexes('include', isDefault ? '.*' : '');
  if (!isDefault && (config[key('include')] ?? '').trim() === '') {
    problems.push({
      name: key('include'),
      value: config[key('include')] ?? null,
      message: 'a topic creation group needs at least one include pattern',
    });
  }
  const configs: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    const groupPrefix = `${PREFIX}${name}.`;
    if (!k.startsWith(groupPrefix)) continue;
    const topicConfig = k.slice(groupPrefix.length);
    if (!GROUP_KEYS.has(topicConfig)) configs[topicConfig] = v;
  }
  return {
    name,
    include,
    exclude: regexes('exclude', ''),
    replicationFactor: number('replication.factor', fallback?.replicationFactor),
    partitions: number('partitions', fallback?.partitions),
    configs,
  };
}
