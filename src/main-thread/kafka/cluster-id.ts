/**
 * The Kafka cluster id, for `GET /` (`kafka_cluster_id`), as Kafka Connect reports it. The Kafka
 * binding does not expose librdkafka's rd_kafka_clusterid(), so this sends one Metadata request
 * (API key 3, version 4: no topics) over a plain TCP connection and reads `cluster_id` from the
 * answer. Only for PLAINTEXT listeners; with TLS or SASL it answers null rather than guess.
 */
import net from 'node:net';

const METADATA = 3;
const VERSION = 4;

function request(correlationId: number): Buffer {
  const clientId = Buffer.from('connectd');
  const body = Buffer.alloc(4 + 1);
  body.writeInt32BE(0, 0); // topics: an empty array (no topic metadata wanted)
  body.writeInt8(0, 4); // allow_auto_topic_creation: false
  const header = Buffer.alloc(2 + 2 + 4 + 2);
  header.writeInt16BE(METADATA, 0);
  header.writeInt16BE(VERSION, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + clientId.length + body.length, 0);
  return Buffer.concat([size, header, clientId, body]);
}

/** Parses a Metadata v4 response body (after the size and correlation id) up to cluster_id. */
export function parseClusterId(body: Buffer): string | null {
  let pos = 4; // throttle_time_ms
  const brokers = body.readInt32BE(pos);
  pos += 4;
  for (let b = 0; b < brokers; b++) {
    pos += 4; // node_id
    pos += 2 + body.readInt16BE(pos); // host
    pos += 4; // port
    const rack = body.readInt16BE(pos);
    pos += 2 + (rack > 0 ? rack : 0);
  }
  const length = body.readInt16BE(pos);
  return length < 0 ? null : body.toString('utf8', pos + 2, pos + 2 + length);
}

function ask(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
    socket.on('error', fail);
    socket.on('connect', () => socket.write(request(1)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.destroy();
      try {
        resolve(parseClusterId(received.subarray(8, 4 + received.readInt32BE(0))));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/** The cluster id from the first bootstrap server that answers, or null. Never throws. */
export async function fetchClusterId(
  bootstrapServers: string,
  securityProtocol: string | undefined,
  timeoutMs = 5000,
): Promise<string | null> {
  if (securityProtocol !== undefined && securityProtocol.toLowerCase() !== 'plaintext') return null;
  for (const server of bootstrapServers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const colon = server.lastIndexOf(':');
    const host = server.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(server.slice(colon + 1));
    if (colon < 0 || !Number.isInteger(port)) continue;
    try {
      return await ask(host, port, timeoutMs);
    } catch {
      // Try the next bootstrap server.
    }
  }
  return null;
}
