/**
 * connectd's producer defaults (src/main-thread/runtime/producer-config.ts `taskProducerConfig`), which the raw
 * contender must use too. They are repeated here as constants the harness can print, and checked
 * against what connectd actually builds at every run: a change in src/ that this copy missed fails
 * the bench instead of skewing it.
 */
import { taskProducerConfig } from '../../src/main-thread/runtime/producer-config.js';

export const CONNECTD_PRODUCER_DEFAULTS = {
  'linger.ms': 5,
  'batch.num.messages': 10000,
  'queue.buffering.max.messages': 500000,
  'queue.buffering.max.kbytes': 512 * 1024,
  'enable.idempotence': true,
} as const;

/** Throws when connectd's source producers no longer get exactly these defaults. */
export function checkProducerDefaults(): void {
  const built = taskProducerConfig({ kafkaClientDefaults: {}, producer: {}, bootstrapServers: '127.0.0.1:9092' }, 'bench-check', {});
  for (const [key, value] of Object.entries(CONNECTD_PRODUCER_DEFAULTS)) {
    if (built[key] !== value) {
      throw new Error(
        `bench: connectd's producer default ${key} is ${String(built[key])} in src/main-thread/runtime/producer-config.ts, bench/lib/producer-settings.ts says ${String(value)}`,
      );
    }
  }
}

/**
 * ProducerPerformance (the Java client) tuned like connectd's producer where the two clients have
 * the same knob: acks=all and idempotence, the same linger, librdkafka's default batch.size (1 MB;
 * Java's is 16 KiB) and queue.buffering.max.kbytes as buffer.memory.
 */
export const JAVA_PRODUCER_EQUIVALENT = {
  acks: 'all',
  'enable.idempotence': true,
  'linger.ms': CONNECTD_PRODUCER_DEFAULTS['linger.ms'],
  'batch.size': 1_000_000,
  'buffer.memory': CONNECTD_PRODUCER_DEFAULTS['queue.buffering.max.kbytes'] * 1024,
} as const;
