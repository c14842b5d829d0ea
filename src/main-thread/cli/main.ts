#!/usr/bin/env node
/**
 * connectd's command line: `standalone` (the daemon, like Kafka's connect-standalone), `validate`
 * (a dry run), `offsets import` (from Kafka Connect's standalone offsets file), `--help`,
 * `--help-config`, `--version`. Exit codes: see problems.ts.
 */
import { parseArgs } from 'node:util';
import { configHelpMarkdown, configHelpText } from '../config/config-help.js';
import { VERSION } from '../../shared/version.js';
import { fatalReport, onUncaught } from './fatal.js';
import { EXIT_FAILURE, EXIT_INVALID_CONFIG, EXIT_OK, EXIT_USAGE, formatProblem } from './problems.js';

const USAGE = `Usage: connectd standalone <worker-config> [<connector-config>...] [-o <key>=<value>...]
       connectd distributed <worker-config> [-o <key>=<value>...]
       connectd validate <worker-config> [<connector-config>...] [-o <key>=<value>...]
       connectd offsets import <kafka-connect-offsets-file> <connectd-offsets-file> [--force]
       connectd --help | --help-config [--markdown] | --version

Commands:
  standalone  Run a worker: offsets in a local file, connectors from the given files. SIGTERM or
              SIGINT stops it gracefully (stop polling, drain in-flight records, commit offsets).
  distributed Run a worker of a cluster: the workers with the same group.id share connectors and
              tasks; configs, offsets and statuses live in Kafka topics (config.storage.topic,
              offset.storage.topic, status.storage.topic). Connectors are created through the
              REST API of any worker. SIGTERM or SIGINT stops it gracefully and its work moves on.
  validate    Check the worker config and each connector config, starting and connecting to
              nothing: worker keys, connector framework keys, each connector's own keys (its
              plugin loaded in a worker thread) and converters. Prints every problem, one per line.
              A worker config with group.id and no offset.storage.file.filename is checked as a
              distributed worker's.
  offsets import
              Copy the source offsets of a Kafka Connect standalone worker (its
              offset.storage.file.filename, a Java-serialized file) into a connectd offsets file,
              so its source connectors resume where Kafka Connect stopped. A connectd file that
              already holds offsets is not changed unless --force, which merges into it (an
              imported partition replaces connectd's offset). Distributed mode needs no import:
              connectd reads Kafka Connect's offsets topic as it is.

Config files are Java .properties files, as Kafka Connect's (connect-standalone.properties and
connector .properties work unchanged), or JSON objects; a connector may also be given in Kafka
Connect's REST form {"name": ..., "config": {...}}.

Options:
  -o, --override <key>=<value>  Set a worker config key (repeatable). The command line wins over
                                the environment, which wins over the worker config file.
      --force                   offsets import: merge into a connectd offsets file that holds offsets.
  -h, --help                    Show this help.
      --help-config             List every worker config key with its default and meaning
                                (--markdown: as a markdown table).
  -v, --version                 Print connectd's version.

Environment:
  CONNECTD_<KEY>   A worker config key: upper case, '.' as '_' ('_' as '__', '-' as '___'),
                   e.g. CONNECTD_BOOTSTRAP_SERVERS, CONNECTD_OFFSET_FLUSH_INTERVAL_MS,
                   CONNECTD_PRODUCER_LINGER_MS. Unknown CONNECTD_ names are errors, except
                   CONNECTD_COMMIT and CONNECTD_CONNECTOR_CONFIGS.
  NOTIFY_SOCKET, WATCHDOG_USEC   Set by systemd (Type=notify): readiness and watchdog.

Exit status: 0 stopped cleanly, or configuration valid; 1 runtime failure (Kafka unreachable at
start, REST port in use, a crash: restarting may help); 2 usage error; 3 invalid configuration
(the daemon does not start; validate found problems); 4 the offsets file is corrupt or unreadable
(the message says how to recover). systemd restarts only on 1. offsets import: 0 imported;
1 not written (the connectd file holds offsets and --force was not given, or a write failed);
4 a file is not what it should be (not Kafka Connect's offsets file, not connectd's).`;

interface Invocation {
  command: string | undefined;
  files: string[];
  overrides: Record<string, string>;
  values: { help?: boolean; version?: boolean; 'help-config'?: boolean; markdown?: boolean; force?: boolean };
}

class UsageError extends Error {}

function parseCommandLine(argv: readonly string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        override: { type: 'string', short: 'o', multiple: true },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        'help-config': { type: 'boolean' },
        markdown: { type: 'boolean' },
        force: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const overrides: Record<string, string> = {};
  for (const text of parsed.values.override ?? []) {
    const eq = text.indexOf('=');
    const key = eq < 0 ? '' : text.slice(0, eq).trim();
    if (key === '') throw new UsageError(`--override expects <key>=<value>, got '${text}'`);
    overrides[key] = text.slice(eq + 1);
  }
  const [command, ...files] = parsed.positionals;
  return { command, files, overrides, values: parsed.values };
}

async function main(argv: readonly string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usageError(err.message);
  }
  const { command, files, overrides, values } = invocation;
  if (values.version === true) {
    console.log(VERSION);
    return EXIT_OK;
  }
  if (values.help === true) {
    console.log(USAGE);
    return EXIT_OK;
  }
  if (values['help-config'] === true) {
    process.stdout.write(values.markdown === true ? configHelpMarkdown() : configHelpText());
    return EXIT_OK;
  }
  if (command === undefined) return usageError('missing command');
  if (command === 'offsets') {
    const [sub, from, to, ...extra] = files;
    if (sub !== 'import')
      return usageError(sub === undefined ? 'offsets: missing subcommand (import)' : `offsets: unknown subcommand '${sub}'`);
    if (from === undefined || to === undefined)
      return usageError('offsets import: give <kafka-connect-offsets-file> <connectd-offsets-file>');
    if (extra.length > 0) return usageError(`offsets import: unexpected argument '${extra[0]}'`);
    if (Object.keys(overrides).length > 0) return usageError('offsets import: --override does not apply');
    const { runOffsetsImport } = await import('./offsets-import.js');
    return runOffsetsImport({ from, to, force: values.force === true });
  }
  if (values.force === true) return usageError(`${command}: --force applies only to offsets import`);
  if (command !== 'standalone' && command !== 'distributed' && command !== 'validate') return usageError(`unknown command '${command}'`);
  const [workerFile, ...connectorFiles] = files;
  if (workerFile === undefined) return usageError(`${command}: missing <worker-config>`);
  if (command === 'distributed' && connectorFiles.length > 0) {
    return usageError(
      'distributed: connectors are not given on the command line; create them through the REST API (POST /connectors) of any worker',
    );
  }

  const { checkConfigs, runValidate } = await import('./validate.js');
  if (command === 'validate') return runValidate({ workerFile, connectorFiles, overrides });

  // The daemon checks what validate checks before it starts anything: a bad config exits 3 at once.
  const mode = command === 'distributed' ? 'distributed' : 'standalone';
  const { problems, config, connectors, restSecurity } = await checkConfigs({ workerFile, connectorFiles, overrides, mode });
  if (problems.length > 0 || config === null) {
    process.stderr.write(`connectd: invalid configuration, not starting:\n${problems.map((p) => `  ${formatProblem(p)}\n`).join('')}`);
    return EXIT_INVALID_CONFIG;
  }
  // Loaded only now: the daemon's modules load the Kafka binding, which --help and validate do not need.
  if (mode === 'distributed') {
    const { runDistributed } = await import('./distributed.js');
    return runDistributed(config, restSecurity);
  }
  const { runStandalone } = await import('./standalone.js');
  return runStandalone(
    config,
    connectors.map((c) => c.config),
    restSecurity,
  );
}

function usageError(message: string): number {
  process.stderr.write(`connectd: ${message}\n\n${USAGE}\n`);
  return EXIT_USAGE;
}

// Until a daemon has its logger (and its own handlers, see fatal.ts), an error nothing caught is
// reported here and ends the process.
onUncaught((err) => {
  process.stderr.write(fatalReport(err).text);
  process.exit(EXIT_FAILURE);
});

main(process.argv.slice(2)).then(exitWith, (err: unknown) => {
  process.stderr.write(fatalReport(err).text);
  exitWith(EXIT_FAILURE);
});

/**
 * Exits with `code` once the event loop is empty; should anything still hold it (a Kafka client, a
 * worker thread that a failed start left behind), exits anyway shortly after: a command that
 * finished never lingers.
 */
function exitWith(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 3000).unref();
}
