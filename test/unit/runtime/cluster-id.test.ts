import t from 'tap';
import { fetchClusterId, parseClusterId } from '../../../src/main-thread/kafka/cluster-id.js';

/** A Metadata v4 response body after the correlation id: throttle, brokers, cluster_id. */
function body(clusterId: string | null, racks: (string | null)[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(4)];
  const count = Buffer.alloc(4);
  count.writeInt32BE(racks.length);
  parts.push(count);
  racks.forEach((rack, i) => {
    const host = Buffer.from(`host-${i}`);
    const b = Buffer.alloc(4 + 2);
    b.writeInt32BE(i, 0);
    b.writeInt16BE(host.length, 4);
    const port = Buffer.alloc(4);
    port.writeInt32BE(9092);
    const r = Buffer.alloc(2);
    r.writeInt16BE(rack === null ? -1 : rack.length);
    parts.push(b, host, port, r, Buffer.from(rack ?? ''));
  });
  const id = Buffer.alloc(2);
  id.writeInt16BE(clusterId === null ? -1 : clusterId.length);
  parts.push(id, Buffer.from(clusterId ?? ''), Buffer.alloc(8));
  return Buffer.concat(parts);
}

t.test('reads cluster_id past brokers with and without racks', async (t) => {
  t.equal(parseClusterId(body('abc-123', [null, 'rack-a'])), 'abc-123');
  t.equal(parseClusterId(body('x', [])), 'x');
  t.equal(parseClusterId(body(null, ['r'])), null);
});

t.test('null, never an error, when nothing answers or the listener is not plaintext', async (t) => {
  t.equal(await fetchClusterId('127.0.0.1:1', undefined, 500), null);
  t.equal(await fetchClusterId('127.0.0.1:9092', 'SASL_SSL'), null);
  t.equal(await fetchClusterId('not-a-server-list', undefined, 500), null);
});
