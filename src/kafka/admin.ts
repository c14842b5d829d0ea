/**
 * The supervisor's admin client (main thread only): topic creation for source connectors, and
 * later the internal topics of distributed mode.
 */
import { AdminClient } from './binding.js';
import type { LibrdKafkaError } from './binding.js';

const ERR_TOPIC_ALREADY_EXISTS = 36;

export interface NewTopicSpec {
  name: string;
  /** -1: the broker's default. */
  partitions: number;
  /** -1: the broker's default. */
  replicationFactor: number;
  configs: Record<string, string>;
}

export class KafkaAdmin {
  readonly #client: ReturnType<typeof AdminClient.create>;

  constructor(config: Record<string, string | number | boolean>) {
    this.#client = AdminClient.create(config);
  }

  /** Creates a topic; false when it already existed (that is not an error). */
  createTopic(spec: NewTopicSpec, timeoutMs = 30000): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#client.createTopic(
        { topic: spec.name, num_partitions: spec.partitions, replication_factor: spec.replicationFactor, config: spec.configs },
        timeoutMs,
        (err: LibrdKafkaError | undefined) => {
          if (!err) resolve(true);
          else if (err.code === ERR_TOPIC_ALREADY_EXISTS) resolve(false);
          else reject(new Error(`creating topic ${spec.name}: ${err.message}`));
        },
      );
    });
  }

  listTopics(timeoutMs = 30000): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.#client.listTopics({ timeout: timeoutMs }, (err, topics) => (err ? reject(new Error(`listing topics: ${err.message}`)) : resolve(topics)));
    });
  }

  disconnect(): void {
    this.#client.disconnect();
  }
}
