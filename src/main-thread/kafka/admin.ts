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
      this.#client.listTopics({ timeout: timeoutMs }, (err, topics) =>
        err ? reject(new Error(`listing topics: ${err.message}`)) : resolve(topics),
      );
    });
  }

  /** Deletes a consumer group and its offsets; resolves false when there was no such group. */
  async deleteGroup(groupId: string, timeoutMs = 10000): Promise<boolean> {
    // The coordinator may be loading or moving (NOT_COORDINATOR 16, COORDINATOR_NOT_AVAILABLE 15,
    // COORDINATOR_LOAD_IN_PROGRESS 14): ask again, a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#deleteGroupOnce(groupId, timeoutMs);
      } catch (err) {
        const code = (err as { code?: number }).code;
        if (attempt >= 20 || (code !== 14 && code !== 15 && code !== 16)) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  #deleteGroupOnce(groupId: string, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      (
        this.#client as unknown as {
          deleteGroups(
            groups: string[],
            opts: unknown,
            cb: (err: LibrdKafkaError | undefined, res: { errorCode?: number; error?: { code?: number; message?: string } }[]) => void,
          ): void;
        }
      ).deleteGroups([groupId], { timeout: timeoutMs }, (err, result) => {
        if (err) {
          reject(new Error(`deleting group ${groupId}: ${err.message}`));
          return;
        }
        const error = result[0]?.error;
        // GROUP_ID_NOT_FOUND (69): nothing to delete.
        if (error && error.code !== 69)
          reject(Object.assign(new Error(`deleting group ${groupId}: ${error.message ?? 'failed'}`), { code: error.code }));
        else resolve(!error);
      });
    });
  }

  disconnect(): void {
    this.#client.disconnect();
  }
}
