/**
 * TransformationChain: a connector's transformations, in `transforms` order, each with its optional
 * predicate, as Kafka Connect's TransformationChain and TransformationStage run them. A task builds
 * one chain when it starts (`TransformationChain.fromConfig(connectorConfig)`) and calls `apply` on
 * every record on its worker thread: after `poll` for a source task, before `put` for a sink task.
 *
 * - A stage with a predicate runs its transformation only when `predicate.test(record) !== negate`.
 * - A transformation that returns null drops the record: `apply` returns null and later stages do
 *   not run. (A source task must still acknowledge a dropped record's offset, as Kafka Connect's
 *   WorkerSourceTask does, or the offsets after it are never committed.)
 * - An error thrown by a transformation or predicate is wrapped in a TransformationError naming the
 *   stage (Kafka's errors.tolerance and dead letter queue report the stage's class); its `cause` is
 *   the original error, usually a DataException.
 * - With no transformations, `apply` returns its argument and allocates nothing.
 *
 * Config errors: `fromConfig` throws one ConfigException listing every problem that
 * `transformationConfigProblems` reports: unknown, missing or abstract classes, invalid or missing
 * plugin keys, duplicate aliases, `negate` without `predicate`, a `predicate` alias not listed in
 * `predicates`, and what the plugins' own `configure` refuses. Keys under an alias that is not
 * listed are ignored, as in Kafka.
 */
import { ConfigException } from '../sdk/config-def.js';
import type { ConfigProblem, ConfigProps } from '../sdk/config-def.js';
import { resolveTransformPlugin } from './registry.js';
import type { ConnectRecord, Predicate, Transformation } from './transformation.js';
import {
  aliasesIn,
  NEGATE_CONFIG,
  PREDICATE_CONFIG,
  PREDICATES_CONFIG,
  TRANSFORMS_CONFIG,
  transformsConfigDef,
} from './transforms-config.js';

/** A failure inside the chain: which stage, and the error it threw (`cause`). */
export class TransformationError extends Error {
  readonly code = 'CONNECTD_ERR_TRANSFORMATION';
  /** Kafka Connect's error stage name, for error reporting (`__connect.errors.stage`). */
  readonly stage = 'TRANSFORMATION';
  constructor(
    readonly alias: string,
    /** The transformation's class name (`__connect.errors.class.name`). */
    readonly className: string,
    cause: unknown,
  ) {
    super(`Transformation ${alias} (${className}) failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TransformationError';
  }
}

/** What a stage is, for logs and status: Kafka's TransformationStage.StageInfo. */
export interface TransformationStageInfo {
  readonly alias: string;
  readonly className: string;
  readonly predicate: { readonly alias: string; readonly className: string } | null;
  readonly negate: boolean;
}

interface Stage extends TransformationStageInfo {
  readonly transformation: Transformation;
  readonly predicateInstance: Predicate | null;
}

export class TransformationChain {
  /** The chain of a connector without transformations. */
  static readonly EMPTY = new TransformationChain([]);

  readonly #stages: readonly Stage[];

  private constructor(stages: readonly Stage[]) {
    this.#stages = stages;
  }

  /**
   * The chain a connector config describes, its plugins configured. Throws a ConfigException with
   * every problem (see the module comment) and configures nothing then.
   */
  static fromConfig(config: ConfigProps): TransformationChain {
    const { stages, problems, instances } = build(config);
    if (problems.length > 0) {
      closeAll(instances);
      throw new ConfigException(problems, 'transformation configuration');
    }
    return stages.length === 0 ? TransformationChain.EMPTY : new TransformationChain(stages);
  }

  get isEmpty(): boolean {
    return this.#stages.length === 0;
  }

  /** The record after every stage, or null when a stage dropped it. */
  apply<R extends ConnectRecord>(record: R): R | null {
    const stages = this.#stages;
    if (stages.length === 0) return record;
    let current: R = record;
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i]!;
      let next: R | null;
      try {
        if (stage.predicateInstance !== null && stage.predicateInstance.test(current) === stage.negate) continue;
        next = stage.transformation.apply(current);
      } catch (err) {
        throw new TransformationError(stage.alias, stage.className, err);
      }
      if (next === null) return null;
      current = next;
    }
    return current;
  }

  stages(): TransformationStageInfo[] {
    return this.#stages.map(({ alias, className, predicate, negate }) => ({ alias, className, predicate, negate }));
  }

  /** Closes every transformation and predicate (Kafka's close is quiet: one failing does not stop the others). */
  close(): void {
    // Stages that name the same predicate alias share its instance: close it once.
    closeAll([
      ...new Set(
        this.#stages.flatMap((s) => (s.predicateInstance === null ? [s.transformation] : [s.transformation, s.predicateInstance])),
      ),
    ]);
  }

  toString(): string {
    return `TransformationChain{${this.#stages.map((s) => s.className).join(', ')}}`;
  }
}

/**
 * Every problem with the transformations and predicates of a connector config, without throwing:
 * each names its key (`transforms.<alias>.type` for what concerns a plugin as a whole), the value
 * given (null when missing), and the reason. The ConfigDef problems are worded as
 * `transformsConfigDef(config).validateAll(config)` words them, so a caller that validates with
 * that ConfigDef can merge both without repeating a message.
 */
export function transformationConfigProblems(config: ConfigProps): ConfigProblem[] {
  const { problems, instances } = build(config);
  closeAll(instances);
  return problems;
}

function closeAll(instances: readonly (Transformation | Predicate)[]): void {
  for (const instance of instances) {
    try {
      instance.close();
    } catch {
      // Kafka's Utils.closeQuietly: a failing close must not keep the others open.
    }
  }
}

/** The props under `prefix`, the prefix removed (Kafka's originalsWithPrefix). */
function withPrefix(config: ConfigProps, prefix: string, without: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string' || !key.startsWith(prefix) || key.length === prefix.length) continue;
    const own = key.slice(prefix.length);
    if (!without.includes(own)) out[own] = value;
  }
  return out;
}

/** Configures a plugin; its ConfigException's problems come back under the alias prefix. */
function configurePlugin(
  instance: Transformation | Predicate,
  configs: Record<string, string>,
  prefix: string,
  problems: ConfigProblem[],
): boolean {
  try {
    instance.configure(configs);
    return true;
  } catch (err) {
    if (err instanceof ConfigException) {
      for (const p of err.problems) problems.push({ name: prefix + p.name, value: p.value, message: p.message });
    } else {
      problems.push({
        name: `${prefix}type`,
        value: null,
        message: `Could not configure: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
    return false;
  }
}

function build(config: ConfigProps): { stages: Stage[]; problems: ConfigProblem[]; instances: (Transformation | Predicate)[] } {
  const problems: ConfigProblem[] = [];
  const results = transformsConfigDef(config).validateAll(config);
  for (const result of results.values()) {
    for (const message of result.errorMessages) problems.push({ name: result.name, value: config[result.name] ?? null, message });
  }
  const hasProblem = (prefix: string): boolean => problems.some((p) => p.name.startsWith(prefix));
  const parsed = (name: string): unknown => results.get(name)?.value ?? null;
  const instances: (Transformation | Predicate)[] = [];

  const predicateAliases = aliasesIn(config, PREDICATES_CONFIG);
  const predicates = new Map<string, { instance: Predicate; className: string }>();
  for (const alias of predicateAliases) {
    const prefix = `${PREDICATES_CONFIG}.${alias}.`;
    if (hasProblem(prefix)) continue;
    const plugin = resolveTransformPlugin(String(parsed(`${prefix}type`)), 'predicate');
    if (typeof plugin === 'string') continue;
    const instance = plugin.create() as Predicate;
    instances.push(instance);
    if (configurePlugin(instance, withPrefix(config, prefix), prefix, problems))
      predicates.set(alias, { instance, className: plugin.className });
  }

  const stages: Stage[] = [];
  for (const alias of aliasesIn(config, TRANSFORMS_CONFIG)) {
    const prefix = `${TRANSFORMS_CONFIG}.${alias}.`;
    const predicateAlias = parsed(`${prefix}${PREDICATE_CONFIG}`);
    if (typeof predicateAlias === 'string' && !predicateAliases.includes(predicateAlias)) {
      problems.push({
        name: `${prefix}${PREDICATE_CONFIG}`,
        value: config[`${prefix}${PREDICATE_CONFIG}`] ?? null,
        message: `Invalid value ${predicateAlias} for configuration ${prefix}${PREDICATE_CONFIG}: there is no predicate with that alias in '${PREDICATES_CONFIG}'`,
      });
      continue;
    }
    if (hasProblem(prefix)) continue;
    const plugin = resolveTransformPlugin(String(parsed(`${prefix}type`)), 'transformation');
    if (typeof plugin === 'string') continue;
    const transformation = plugin.create() as Transformation;
    instances.push(transformation);
    if (!configurePlugin(transformation, withPrefix(config, prefix, [PREDICATE_CONFIG, NEGATE_CONFIG]), prefix, problems)) continue;
    const predicate = typeof predicateAlias === 'string' ? predicates.get(predicateAlias) : undefined;
    // A predicate that failed to configure has its problems listed already.
    if (typeof predicateAlias === 'string' && predicate === undefined) continue;
    stages.push({
      alias,
      className: plugin.className,
      transformation,
      predicate: predicate === undefined ? null : { alias: predicateAlias as string, className: predicate.className },
      predicateInstance: predicate?.instance ?? null,
      negate: parsed(`${prefix}${NEGATE_CONFIG}`) === true,
    });
  }
  return { stages, problems, instances };
}
