/**
 * The binding's native batch methods, when it has them: `produceBatch` and
 * `setDeliveryBatchCallback`, added to @confluentinc/kafka-javascript's native Producer by
 * patches/kafka-javascript-batch-produce.patch (tools/bootstrap.sh applies it before building the
 * binding). A binding built without the patch lacks them, and connectd produces record by record.
 * Design: docs/design/2026-11-26-native-batch-produce.md.
 */
import type { Producer } from './binding.js';

/** Receives the delivery reports of messages produced by `produceBatch`, many per call. */
export type DeliveryBatchCallback = (opaques: Int32Array, errors: Int32Array, partitions: Int32Array, offsets: Float64Array) => void;

export interface NativeBatchProducer {
  /**
   * Enqueues records `[start, end)` described by the layout (record-batch-layout.ts) and returns
   * how many were enqueued from `start`; it stops at the first record librdkafka refuses, whose
   * error code it leaves in `result[0]` (0 when all were enqueued).
   */
  produceBatch(
    data: Uint8Array,
    topics: readonly string[],
    records: Int32Array,
    timestamps: Float64Array,
    headers: Int32Array,
    start: number,
    end: number,
    result: Int32Array,
  ): number;
  /** One callback per producer; null removes it (reports of batch-produced messages are then dropped). */
  setDeliveryBatchCallback(callback: DeliveryBatchCallback | null): void;
}

/** The producer's native client when it has the batch methods, else undefined. */
export function nativeBatchOf(producer: InstanceType<typeof Producer>): NativeBatchProducer | undefined {
  const client = producer.getClient() as Partial<NativeBatchProducer> | undefined;
  if (typeof client?.produceBatch !== 'function' || typeof client.setDeliveryBatchCallback !== 'function') return undefined;
  return client as NativeBatchProducer;
}
