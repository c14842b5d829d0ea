/**
 * Kafka Connect's `Worker.producerConfigs`: the settings of the producers that write source records
 * and dead letters. Guarantee kept: a record is never given up because Kafka was unreachable for a
 * while. Kafka Connect sets `delivery.timeout.ms=Integer.MAX_VALUE` (and `max.block.ms=Long.MAX_VALUE`)
 * so that a source task rides out a broker outage of any length: poll() stalls on the task's
 * in-flight bound and everything is delivered once the brokers are back. librdkafka's equivalent is
 * `message.timeout.ms=0` (infinite); its default, 300 s, would fail every delivery still queued after
 * five minutes of outage and with it every source task, whatever `errors.tolerance` says.
 *
 * Precedence: connectd's defaults < the worker's Kafka security settings < worker `producer.*` <
 * connector `producer.override.*`. A user who wants a bound sets `producer.delivery.timeout.ms` or
 * `producer.message.timeout.ms` (librdkafka's alias pair), and that value wins. A connector whose
 * overrides change the destination (`producer.override.bootstrap.servers`…) inherits none of the
 * worker's security settings (client-overrides.ts).
 */
import type { WorkerConfig } from '../config/worker-config.js';
import { inheritedClientSettings } from './client-overrides.js';

/** librdkafka's two names for the one setting (`delivery.timeout.ms` is the alias of the Java name). */
export const MESSAGE_TIMEOUT_KEYS = ['message.timeout.ms', 'delivery.timeout.ms'] as const;

export type ClientConfig = Record<string, string | number | boolean>;

export function taskProducerConfig(
  config: Pick<WorkerConfig, 'kafkaClientDefaults' | 'producer' | 'bootstrapServers'>,
  clientId: string,
  overrides: Readonly<Record<string, string>>,
): ClientConfig {
  const inherited = inheritedClientSettings([config.kafkaClientDefaults, config.producer], overrides);
  const userSet = (key: string): boolean => key in inherited || key in overrides;
  // Only when neither alias is set: with both in one config, librdkafka keeps whichever comes last.
  const unboundedDelivery: ClientConfig = MESSAGE_TIMEOUT_KEYS.some(userSet) ? {} : { 'message.timeout.ms': 0 };
  return {
    // Defaults tuned for throughput with bounded latency.
    'linger.ms': 5,
    'batch.num.messages': 10000,
    'queue.buffering.max.messages': 500000,
    'queue.buffering.max.kbytes': 512 * 1024,
    'enable.idempotence': true,
    ...unboundedDelivery,
    ...inherited,
    'client.id': clientId,
    ...overrides,
    'bootstrap.servers': overrides['bootstrap.servers'] ?? config.bootstrapServers,
  };
}

/**
 * Kafka Connect's `Worker.baseConsumerConfigs` for a sink task: earliest offsets when the group
 * has none, the group `connect-<name>`; the worker's settings below `consumer.override.*`, with the
 * same rule on security settings as producers.
 */
export function taskConsumerConfig(
  config: Pick<WorkerConfig, 'kafkaClientDefaults' | 'consumer' | 'bootstrapServers'>,
  connectorName: string,
  clientId: string,
  overrides: Readonly<Record<string, string>>,
): ClientConfig {
  return {
    'auto.offset.reset': 'earliest',
    'fetch.wait.max.ms': 100,
    ...inheritedClientSettings([config.kafkaClientDefaults, config.consumer], overrides),
    'group.id': `connect-${connectorName}`,
    'client.id': clientId,
    ...overrides,
    'bootstrap.servers': overrides['bootstrap.servers'] ?? config.bootstrapServers,
  };
}
