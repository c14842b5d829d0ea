/** Helpers for the Kafka-backed store tests: a logger whose lines can be inspected, and topic facts read with Kafka's own tools. */
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import kafka from '@confluentinc/kafka-javascript';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { kafkaLibsDir } from '../../tools/kafka/cluster.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A pino logger (level debug) that keeps its lines; warnings and errors are echoed to stderr. */
export function captureLogger(): { logger: Logger; lines: () => LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text === '') continue;
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        if (line.level >= 40) process.stderr.write(`${text}\n`);
      }
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines: () => [...lines] };
}

/** The topic's configs as Kafka's ConfigCommand describes them (`name=value` pairs, dynamic ones). */
export async function describeTopicConfigs(bootstrapServers: string, topic: string): Promise<string> {
  const { stdout } = await promisify(execFile)('java', [
    '-cp',
    `${kafkaLibsDir()}/*`,
    'kafka.admin.ConfigCommand',
    '--bootstrap-server',
    bootstrapServers,
    '--entity-type',
    'topics',
    '--entity-name',
    topic,
    '--describe',
  ]);
  return stdout;
}

/** Partition count and replicas per partition, from the admin client. */
export async function describeTopic(bootstrapServers: string, topic: string): Promise<{ partitions: number; replicas: number[] }> {
  const admin = kafka.AdminClient.create({ 'bootstrap.servers': bootstrapServers });
  try {
    const described = await new Promise<{ partitions: { replicas: unknown[] }[] }[]>((resolve, reject) =>
      admin.describeTopics([topic], { timeout: 10000 }, (err, result) => (err ? reject(new Error(err.message)) : resolve(result))),
    );
    return { partitions: described[0]!.partitions.length, replicas: described[0]!.partitions.map((p) => p.replicas.length) };
  } finally {
    admin.disconnect();
  }
}
