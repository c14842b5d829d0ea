/**
 * What the source and sink acceptance kits share: the failure they throw, the checks they report,
 * the config defaults, and the `validate` and `start` checks, which are the same for both.
 */
import type { Piscina } from 'piscina';
import type { ConnectorRun, HostedTask } from './harness.js';
import { TIMED_OUT, hostStarted, validateInHost, withDeadline } from './harness.js';

/** A check that passed, and what it saw. */
export interface AcceptanceCheck {
  name: string;
  detail: string;
}

/** What {@link checkSourceConnector} and {@link checkSinkConnector} throw when a check fails; `check` names it. */
export class AcceptanceFailure extends Error {
  readonly code = 'CONNECTD_ERR_ACCEPTANCE';
  constructor(
    readonly check: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${check}: ${message}`, options);
    this.name = 'AcceptanceFailure';
  }
}

/** How long the task host's worker thread may take to start, whatever the kit's `timeoutMs`. */
const HOST_START_TIMEOUT_MS = 30_000;

export const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

/** The connector's config as the kit runs it: JsonConverter for keys and values unless set, name "acceptance". */
export function withDefaults(config: Readonly<Record<string, string>>): Record<string, string> {
  return { name: 'acceptance', 'key.converter': JSON_CONVERTER, 'value.converter': JSON_CONVERTER, ...config };
}

export function fail(check: string, message: string): never {
  throw new AcceptanceFailure(check, message);
}

/** Runs `action`; whatever it throws becomes the failure of `check`. */
export async function step<T>(check: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (err instanceof AcceptanceFailure) throw err;
    throw new AcceptanceFailure(check, err instanceof Error ? err.message : String(err), { cause: err });
  }
}

/** {@link step}, failing `check` if `action` takes longer than `timeoutMs` (`what` says what it waited for). */
export async function within<T>(check: string, what: string, timeoutMs: number, action: () => Promise<T>): Promise<T> {
  const result = await step(check, () => withDeadline(action(), timeoutMs));
  if (result === TIMED_OUT) fail(check, `timed out after ${timeoutMs} ms waiting for ${what}`);
  return result;
}

/** Check 1, within `timeoutMs`: the framework and the connector accept the config, and the plugin is of `type`. */
export async function checkValidate(
  pool: Piscina,
  config: Readonly<Record<string, string>>,
  pluginPath: readonly string[],
  type: 'source' | 'sink',
  timeoutMs: number,
): Promise<AcceptanceCheck> {
  // The thread's start is not the connector's doing (and takes seconds on a busy machine): waited
  // for on its own, at least HOST_START_TIMEOUT_MS, so that `timeoutMs` bounds the validation alone.
  await within(
    'validate',
    'the task host (workers/task-host.js) to start in its worker thread',
    Math.max(timeoutMs, HOST_START_TIMEOUT_MS),
    () => hostStarted(pool),
  );
  const validation = await within(
    'validate',
    `the config's validation (loading ${config['connector.class']} from the plugin path, its config() and validate())`,
    timeoutMs,
    () => validateInHost(pool, config, pluginPath),
  );
  if (validation.problems.length > 0)
    fail('validate', `the config is not valid: ${validation.problems.map((p) => `${p.name}: ${p.message}`).join('; ')}`);
  if (validation.connectorType !== type) fail('validate', `${config['connector.class']} is a ${validation.connectorType} connector`);
  return { name: 'validate', detail: `${validation.configInfos.configs.length} keys checked` };
}

/** Check 2: the connector starts, has a version, and gives 1 to `tasksMax` task configs. */
export async function checkStart(run: ConnectorRun<HostedTask>, tasksMax: number, timeoutMs: number): Promise<AcceptanceCheck> {
  await startWithin('start', run, tasksMax, timeoutMs);
  if (run.connectorVersion.trim() === '') fail('start', 'version() is empty');
  if (run.taskConfigs.length === 0 || run.taskConfigs.length > tasksMax)
    fail('start', `taskConfigs(${tasksMax}) gave ${run.taskConfigs.length} configs (1 to ${tasksMax} expected)`);
  noFailures('start', run);
  return { name: 'start', detail: `version ${run.connectorVersion}, ${run.taskConfigs.length} task(s)` };
}

/** Starts `run` (the connector, its task configs, its tasks) within `timeoutMs`, or fails `check`. */
export async function startWithin(check: string, run: ConnectorRun<HostedTask>, tasksMax: number, timeoutMs: number): Promise<void> {
  await within(check, 'the connector and its tasks to start (a start() or open() that does not return?)', timeoutMs, () =>
    run.start(tasksMax),
  );
}

/** Fails `check` if a task failed or a callback whose failure the framework only logs threw. */
export function noFailures(check: string, run: ConnectorRun<HostedTask>): void {
  const failed = run.taskFailures[0];
  if (failed !== undefined) fail(check, `task ${failed.task} failed: ${failed.error.message}`);
  const callback = run.callbackFailures[0];
  if (callback !== undefined)
    fail(check, `task ${callback.task}'s ${callback.what}() threw ${callback.error.name}: ${callback.error.message}`);
}

/** Waits for `predicate`; a task that fails meanwhile ends the wait (and the check) unless a failure is awaited. */
export async function waitFor(
  check: string,
  run: ConnectorRun<HostedTask>,
  what: string | (() => string),
  predicate: () => boolean,
  timeoutMs: number,
  failureExpected = false,
): Promise<void> {
  await step(check, () => run.waitFor(what, () => predicate() || (!failureExpected && run.taskFailures.length > 0), timeoutMs));
  if (!predicate()) noFailures(check, run);
}

/** Stops `run` within `timeoutMs` or fails `check` with `why`. */
export async function stopWithin(check: string, run: ConnectorRun<HostedTask>, timeoutMs: number, why: string): Promise<void> {
  if (!(await run.stop(timeoutMs))) fail(check, `${why} did not stop within ${timeoutMs} ms`);
}

/** Ends every run a failed check may have left going, then the pool. */
export async function stopAll(runs: readonly ConnectorRun<HostedTask>[], pool: Piscina, stopTimeoutMs: number): Promise<void> {
  await Promise.all(runs.map((r) => r.stop(stopTimeoutMs).catch(() => false)));
  await pool.destroy();
}

/**
 * Check 8 once the failing record is on its way: the task fails with "Tolerance exceeded" at
 * `stage` (`what` names the record for the message), then it and the connector stop within
 * `stopTimeoutMs`, and, if `stopFailureReported` (the host reports a failed task's stop() that
 * threw: the source task host does, the sink task host swallows it), the failed task's stop() did not throw.
 */
export async function checkFailsAndStops(
  run: ConnectorRun<HostedTask>,
  stage: string,
  what: string,
  timeoutMs: number,
  stopTimeoutMs: number,
  stopFailureReported = true,
): Promise<AcceptanceCheck> {
  const check = 'errors.tolerance=none';
  // The host reports the failure once the failed task's stop() returned: one that never does keeps the task from ending.
  await waitFor(check, run, 'the task to fail (and its stop() to return)', () => run.taskFailures.length > 0, timeoutMs, true);
  const failure = run.taskFailures[0]!.error;
  if (!failure.message.includes('Tolerance exceeded') || !failure.message.includes(stage))
    fail(check, `the task failed, but not on ${what}: ${failure.message}`);
  await stopWithin(check, run, stopTimeoutMs, 'the failed task and the connector');
  const stopProblems = run.callbackFailures.filter((f) => f.what === 'stop');
  if (stopFailureReported && stopProblems.length > 0) fail(check, `stop() of the failed task threw: ${stopProblems[0]!.error.message}`);
  return { name: check, detail: `the task failed: ${failure.message}` };
}
