/**
 * The supervisor's admin client (main thread only): topic creation for source connectors and for
 * the distributed stores, topic listing, group deletion.
 *
 * createTopic and listTopics ask in attempts of at most ATTEMPT_MS, each timed-out attempt
 * followed by a fresh librdkafka client. A client whose first metadata answer listed no broker
 * never asks again (librdkafka 2.15.1: the response is dropped as partial, "No brokers or topics
 * in metadata", and the admin request waits for a controller that no later metadata brings, until
 * its own timeout). A broker answers so while its controller holds it fenced: for a moment after
 * the whole cluster comes back from an outage (issue 13: after a frozen single node's session
 * expired, about 1 admin client in 200 made in the 2 s after the resume was stuck so).
 */
import { AdminClient } from './binding.js';
import type { LibrdKafkaError } from './binding.js';

const ERR_TOPIC_ALREADY_EXISTS = 36;
const ERR__TIMED_OUT = -185;
/** What a metadata request (listTopics) of a client that never hears back ends with. */
const ERR__TRANSPORT = -195;
/** The longest one attempt of createTopic or listTopics waits before a fresh client asks again. */
export const ATTEMPT_MS = 10_000;

export interface NewTopicSpec {
  name: string;
  /** -1: the broker's default. */
  partitions: number;
  /** -1: the broker's default. */
  replicationFactor: number;
  configs: Record<string, string>;
}

export class KafkaAdmin {
  readonly #config: Record<string, string | number | boolean>;
  #client: ReturnType<typeof AdminClient.create>;
  /** Clients replaced after an attempt timed out (see the file's comment). */
  freshClients = 0;

  constructor(config: Record<string, string | number | boolean>) {
    this.#config = config;
    this.#client = AdminClient.create(config);
  }

  /**
   * Runs `attempt` with at most ATTEMPT_MS of `timeoutMs` at a time; after an attempt that timed
   * out (or, for a metadata request, ended in a transport failure), with a second or more left,
   * the client is replaced by a fresh one and asked again.
   */
  async #attempts<T>(timeoutMs: number, attempt: (ms: number) => Promise<T>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ms = Math.max(1, Math.min(ATTEMPT_MS, deadline - Date.now()));
      try {
        return await attempt(ms);
      } catch (err) {
        const code = (err as { code?: number }).code;
        if ((code !== ERR__TIMED_OUT && code !== ERR__TRANSPORT) || deadline - Date.now() < 1000) throw err;
        this.#client.disconnect();
        this.#client = AdminClient.create(this.#config);
        this.freshClients++;
      }
    }
  }

  /** Creates a topic; false when it already existed (that is not an error, nor one created by an earlier attempt). */
  createTopic(spec: NewTopicSpec, timeoutMs = 30000): Promise<boolean> {
    return this.#attempts(
      timeoutMs,
      (ms) =>
        new Promise<boolean>((resolve, reject) => {
          this.#client.createTopic(
            { topic: spec.name, num_partitions: spec.partitions, replication_factor: spec.replicationFactor, config: spec.configs },
            ms,
            (err: LibrdKafkaError | undefined) => {
              if (!err) resolve(true);
              else if (err.code === ERR_TOPIC_ALREADY_EXISTS) resolve(false);
              else reject(Object.assign(new Error(`creating topic ${spec.name}: ${err.message}`), { code: err.code }));
            },
          );
        }),
    );
  }

  listTopics(timeoutMs = 30000): Promise<string[]> {
    return this.#attempts(
      timeoutMs,
      (ms) =>
        new Promise<string[]>((resolve, reject) => {
          this.#client.listTopics({ timeout: ms }, (err, topics) =>
            err ? reject(Object.assign(new Error(`listing topics: ${err.message}`), { code: err.code })) : resolve(topics),
          );
        }),
    );
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
