/**
 * The one place that loads the librdkafka binding. Main thread only: the binding is not safe in
 * worker threads (crashes reported upstream: confluentinc/confluent-kafka-javascript issue 290,
 * Blizzard/node-rdkafka issue 831), and the worker host refuses to load it.
 */
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import kafka from '@confluentinc/kafka-javascript';

if (!isMainThread) {
  throw new Error('src/kafka was imported in a worker thread: Kafka clients live on the supervisor thread only');
}

export const { Producer, KafkaConsumer, AdminClient, CODES } = kafka;
export const librdkafkaVersion: string = kafka.librdkafkaVersion;
export type ProducerGlobalConfig = kafka.ProducerGlobalConfig;
export type LibrdKafkaError = kafka.LibrdKafkaError;
export type DeliveryReport = kafka.DeliveryReport;

/** The native module itself, for librdkafka's rd_kafka_err2str (the package does not re-export it). */
const native = createRequire(import.meta.url)('@confluentinc/kafka-javascript/librdkafka.js') as { err2str(code: number): string };

let namesByCode: Map<number, string> | undefined;
let namesByEventText: Map<string, string> | undefined;

/**
 * librdkafka's name (ERR__ALL_BROKERS_DOWN…) of the error in an 'event.error'. The binding hands
 * the event over as text only: rd_kafka_err2str of the code ("Local: All broker connections are
 * down"), cut at its first ': ' and lower-cased, with code -1. So the name is found back from that
 * text; the event never carries anything else (no broker reply, no credentials).
 */
export function errorEventName(err: Pick<LibrdKafkaError, 'code' | 'message'>): string {
  namesByCode ??= new Map(Object.entries(CODES.ERRORS as Record<string, number>).map(([name, code]) => [code, name]));
  if (typeof err.code === 'number' && err.code !== -1 && namesByCode.has(err.code)) return namesByCode.get(err.code)!;
  if (namesByEventText === undefined) {
    namesByEventText = new Map();
    for (const [code, name] of namesByCode) {
      const text = native.err2str(code);
      const cut = text.split(': ');
      const key = (cut.length > 1 ? cut[1]! : text).toLowerCase();
      if (!namesByEventText.has(key)) namesByEventText.set(key, name);
    }
  }
  return namesByEventText.get(String(err.message).toLowerCase()) ?? 'UNKNOWN';
}
