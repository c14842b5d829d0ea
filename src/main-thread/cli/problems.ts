/**
 * Exit codes of every connectd command, and how configuration problems are printed: one line
 * each, naming where the value came from, the key, the value (secrets masked) and the reason.
 */
import { displayValue, knownSecrets } from '../config/secrets.js';

export const EXIT_OK = 0;
/** The daemon failed at run time (Kafka unreachable at start, the REST port in use, a crash): restarting may help. */
export const EXIT_FAILURE = 1;
/** The command line itself is wrong. */
export const EXIT_USAGE = 2;
/** A configuration is invalid: the daemon refused to start, or `connectd validate` found problems. */
export const EXIT_INVALID_CONFIG = 3;
/**
 * Stored data the daemon needs cannot be used: the standalone offsets file is corrupt or
 * unreadable. An operator must act (the message says how); systemd does not restart it.
 */
export const EXIT_DATA_ERROR = 4;

export interface ReportedProblem {
  /** The file, `environment CONNECTD_…` or `command line`. */
  readonly source: string;
  /** The key, or null for a problem with the whole file. */
  readonly name: string | null;
  readonly value: string | null;
  readonly message: string;
}

/** `worker.properties: offset.flush.interval.ms="often": must be an integer` */
export function formatProblem(p: ReportedProblem): string {
  // The one rule (config/secrets.ts): the value masked by its key, and no known secret value in
  // the line (a message may quote a resolved placeholder or another key's password).
  if (p.name === null) return knownSecrets.redact(`${p.source}: ${p.message}`);
  const value = displayValue(p.name, p.value);
  return knownSecrets.redact(`${p.source}: ${p.name}${value === null ? '' : `=${JSON.stringify(value)}`}: ${p.message}`);
}
