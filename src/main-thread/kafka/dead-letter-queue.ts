/**
 * Kafka Connect's DeadLetterQueueReporter (main thread): writes a record that could not be processed
 * to the connector's dead letter queue topic, with its original key, value, headers and timestamp,
 * plus (with `errors.deadletterqueue.context.headers.enable`) the `__connect.errors.*` headers that
 * say where and why it failed. One producer per task that has a DLQ, as in Kafka Connect; each
 * write resolves when Kafka acknowledged it, and the sink runtime waits for every write before it
 * commits the offsets that cover the record, so a skipped record is never lost. The context
 * headers carry no known secret value (config/secrets.ts), as status traces and log lines do not.
 */
import { Producer } from './binding.js';
import type { DeliveryReport, LibrdKafkaError } from './binding.js';
import type { ErrorInfo } from '../../shared/protocol.js';
import type { KafkaClientHealth } from './client-health.js';
import { knownSecrets } from '../config/secrets.js';

export const ERROR_HEADER_PREFIX = '__connect.errors.';

export interface DeadLetter {
  /** The original record, as consumed (sink) or as converted (source, connectd's extension). */
  topic: string | null;
  partition: number | null;
  offset: number | null;
  key: Uint8Array | null;
  value: Uint8Array | null;
  timestamp: number | null;
  headers: { key: string; value: Uint8Array | string | null }[];
  stage: string;
  className: string;
  error: ErrorInfo;
}

export interface DeadLetterQueueOptions {
  topic: string;
  connectorName: string;
  taskId: number;
  contextHeaders: boolean;
}

export class DeadLetterQueue {
  readonly #producer: InstanceType<typeof Producer>;
  readonly #pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  #nextId = 0;
  produceRequests = 0;
  produceFailures = 0;
  readonly #unwatch: () => void;

  constructor(
    readonly options: DeadLetterQueueOptions,
    producerConfig: Record<string, string | number | boolean>,
    health?: KafkaClientHealth,
  ) {
    // Statistics let `health` see the producer reconnect after an outage.
    this.#producer = new Producer({ 'statistics.interval.ms': 5000, ...producerConfig, dr_cb: true });
    this.#unwatch =
      health?.watch(this.#producer, String(producerConfig['client.id'] ?? options.topic), 'dead letter queue producer') ??
      (() => undefined);
    this.#producer.on('delivery-report', (err: LibrdKafkaError | null, report: DeliveryReport) => {
      const id = report.opaque as number;
      const pending = this.#pending.get(id);
      this.#pending.delete(id);
      if (err) {
        this.produceFailures++;
        pending?.reject(new Error(`writing to the dead letter queue ${options.topic} failed: ${err.message}`));
      } else pending?.resolve();
    });
  }

  connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#producer.connect({ timeout: timeoutMs }, (err) => {
        if (err) reject(new Error(`dead letter queue producer could not connect: ${err.message}`));
        else {
          this.#producer.setPollInBackground(true);
          resolve();
        }
      });
    });
  }

  /** Writes one dead letter; resolves once Kafka acknowledged it. */
  write(letter: DeadLetter): Promise<void> {
    this.produceRequests++;
    const headers: Record<string, Buffer | string>[] = [];
    for (const h of letter.headers)
      headers.push({ [h.key]: h.value === null ? Buffer.alloc(0) : typeof h.value === 'string' ? h.value : Buffer.from(h.value) });
    if (this.options.contextHeaders) {
      // Secrets never leave the process (config/secrets.ts): an exception's message and stack may
      // quote the connector's config (a driver's "login to postgres://u:pw@… refused"), and these
      // headers are readable by whoever may consume the DLQ topic. Redacted by the one rule, as
      // status traces and log lines are; the record's own key, value and headers are data, kept.
      const add = (name: string, value: string | null | undefined): void => {
        if (value !== null && value !== undefined) headers.push({ [ERROR_HEADER_PREFIX + name]: knownSecrets.redact(value) });
      };
      if (letter.topic !== null) {
        add('topic', letter.topic);
        add('partition', letter.partition === null ? null : String(letter.partition));
        add('offset', letter.offset === null ? null : String(letter.offset));
      }
      add('connector.name', this.options.connectorName);
      add('task.id', String(this.options.taskId));
      add('stage', letter.stage);
      add('class.name', letter.className);
      add('exception.class.name', letter.error.name);
      add('exception.message', letter.error.message);
      add('exception.stacktrace', letter.error.stack ?? null);
    }
    const id = this.#nextId++;
    const written = new Promise<void>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    try {
      this.#producer.produce(
        this.options.topic,
        null,
        letter.value === null ? null : Buffer.from(letter.value.buffer, letter.value.byteOffset, letter.value.byteLength),
        letter.key === null ? null : Buffer.from(letter.key.buffer, letter.key.byteOffset, letter.key.byteLength),
        letter.timestamp ?? undefined,
        id,
        headers,
      );
    } catch (err) {
      this.#pending.delete(id);
      this.produceFailures++;
      return Promise.reject(new Error(`writing to the dead letter queue ${this.options.topic} failed: ${(err as Error).message}`));
    }
    return written;
  }

  disconnect(timeoutMs = 10000): Promise<void> {
    this.#unwatch();
    return new Promise((resolve) => {
      this.#producer.flush(timeoutMs, () => this.#producer.disconnect(timeoutMs, () => resolve()));
    });
  }
}
