/**
 * PostgresSinkConnector: Confluent's JDBC sink connector for PostgreSQL. The work is in the tasks
 * (one connection each); the connector checks the configuration and hands every task the same one,
 * the framework spreading the topic partitions over them.
 */
import { SinkConnector } from '../../sdk/index.js';
import type { ConfigDef, ConfigValue, SinkTask, TaskConfig } from '../../sdk/index.js';
import { ignoredKeysWarning } from './jdbc-compat.js';
import { SINK_CONFIG_DEF, parseSinkConfig, validateSinkConfig } from './sink-config.js';
import { PostgresSinkTask } from './sink-task.js';
import { VERSION } from './version.js';

export class PostgresSinkConnector extends SinkConnector {
  #props: Readonly<Record<string, string>> = {};

  version(): string {
    return VERSION;
  }

  config(): ConfigDef {
    return SINK_CONFIG_DEF;
  }

  override validate(props: Readonly<Record<string, string>>): Map<string, ConfigValue> {
    return validateSinkConfig(props);
  }

  start(props: Readonly<Record<string, string>>): void {
    parseSinkConfig(props, 'configuration of a PostgresSinkConnector');
    const warning = ignoredKeysWarning(props, 'sink');
    if (warning !== undefined) this.context.warn(warning);
    this.#props = props;
  }

  taskClass(): new () => SinkTask {
    return PostgresSinkTask;
  }

  taskConfigs(maxTasks: number): TaskConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.#props }));
  }

  stop(): void {}
}
