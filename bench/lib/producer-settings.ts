/**
 * connectd's producer defaults (src/runtime/worker.ts `#producerConfig`), which the raw contender
 * must use too. They are private there, so they are repeated here and checked against the source
 * text at every run: a change in src/ that this copy missed fails the bench instead of skewing it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const CONNECTD_PRODUCER_DEFAULTS = {
  'linger.ms': 5,
  'batch.num.messages': 10000,
  'queue.buffering.max.messages': 500000,
  'queue.buffering.max.kbytes': 512 * 1024,
  'enable.idempotence': true,
} as const;

/** Throws when src/runtime/worker.ts no longer sets exactly these defaults. */
export function checkProducerDefaults(repoRoot: string): void {
  const source = readFileSync(path.join(repoRoot, 'src/runtime/worker.ts'), 'utf8');
  const body = /\n {2}#producerConfig\([^)]*\)[^{]*\{([\s\S]*?)\n {2}\}/.exec(source)?.[1];
  if (body === undefined) throw new Error('bench: #producerConfig not found in src/runtime/worker.ts; update bench/lib/producer-settings.ts');
  for (const [key, value] of Object.entries(CONNECTD_PRODUCER_DEFAULTS)) {
    const m = new RegExp(`'${key.replaceAll('.', '\\.')}':\\s*([^,\\n]+),`).exec(body);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluates a numeric literal like `512 * 1024` from our own source
    const found = m ? (new Function(`return (${m[1]});`) as () => unknown)() : undefined;
    if (found !== value) {
      throw new Error(`bench: connectd's producer default ${key} is ${String(found)} in src/runtime/worker.ts, bench/lib/producer-settings.ts says ${String(value)}`);
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
