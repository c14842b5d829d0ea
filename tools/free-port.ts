/**
 * Free TCP ports on 127.0.0.1 for test daemons (connectd, Kafka brokers, S3Proxy), chosen below
 * Linux's ephemeral range (32768-60999 by default). A port the OS hands out for listen(0) comes from
 * that range, and so does the local port of every outgoing connection: between the moment a test
 * picks such a port and the moment its daemon binds it, any client socket on the machine (a Kafka
 * client of another test file running at the same time) may take it, and the daemon fails with
 * EADDRINUSE. Seen in a whole-suite run (3 files at once). Ports from 20000-32767 are never
 * assigned to outgoing connections; two tests picking the same one is caught by the bind check
 * here and made unlikely by choosing at random.
 */
import { createServer } from 'node:net';
import type { Server } from 'node:net';

const LOW = 20000;
const HIGH = 32767;

function tryListen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** `n` distinct ports that were free a moment ago (each bound once, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const held: Server[] = [];
  const ports: number[] = [];
  for (let attempts = 0; ports.length < n; attempts++) {
    if (attempts > 200 * n) throw new Error(`no free port found in ${LOW}-${HIGH} after ${attempts} attempts`);
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (ports.includes(port)) continue;
    const server = await tryListen(port);
    if (server === null) continue;
    held.push(server);
    ports.push(port);
  }
  await Promise.all(held.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

/** One port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}
