#!/usr/bin/env node
/**
 * `connectd standalone <worker-config> <connector-config>...`, like Kafka's connect-standalone.
 * Exit codes: 0 clean stop, 1 runtime failure, 2 usage error, 3 invalid configuration.
 */
import path from 'node:path';
import { ConfigException } from '../sdk/config-def.js';
import { loadWorkerConfigFile, parseWorkerConfig } from '../config/worker-config.js';
import { runStandalone } from './standalone.js';
import { VERSION } from '../version.js';

const USAGE = `Usage: connectd standalone <worker.properties> [<connector.properties|.json>...]
       connectd --version | --help

Runs a connectd worker in standalone mode: offsets in a local file, connectors from the given
files. Config files are Java .properties (as Kafka Connect's) or flat JSON objects.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    console.log(VERSION);
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'standalone' || rest.length === 0) {
    console.error(`connectd: ${command === 'standalone' ? 'missing <worker-config>' : `unknown command '${command}'`}\n\n${USAGE}`);
    return 2;
  }
  const [workerFile, ...connectorFiles] = rest as [string, ...string[]];
  let workerProps: Record<string, string>;
  const connectorConfigs: Record<string, string>[] = [];
  try {
    workerProps = await loadWorkerConfigFile(workerFile);
    for (const file of connectorFiles) connectorConfigs.push(await loadWorkerConfigFile(file));
  } catch (err) {
    console.error(`connectd: cannot read configuration: ${(err as Error).message}`);
    return 3;
  }
  let config;
  try {
    config = parseWorkerConfig(workerProps, 'standalone', path.dirname(path.resolve(workerFile)));
  } catch (err) {
    if (err instanceof ConfigException) {
      console.error(`connectd: ${err.message}`);
      return 3;
    }
    throw err;
  }
  return runStandalone(config, connectorConfigs);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('connectd: fatal:', err);
    process.exitCode = 1;
  },
);
