/**
 * The one place that loads the librdkafka binding. Main thread only: the binding is not safe in
 * worker threads (see ../shared/NOTES.md), and the worker host refuses to load it.
 */
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
