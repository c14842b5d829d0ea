// A local S3-compatible server for manual work and the demo: `node dist/tools/s3/cli.js`.
// Prints the endpoint and credentials, then runs until SIGINT/SIGTERM and stops the server.
import { S3Server } from './server.js';

const started = Date.now();
const server = await S3Server.start();
console.log(
  `S3Proxy ${server.version} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${server.pid ?? '-'}, files under ${server.dir})`,
);
for (const [key, value] of Object.entries(server.connectorProps())) console.log(`${key}=${value}`);
console.log('Ctrl-C to stop.');

const keepAlive = setInterval(() => undefined, 1 << 30); // signal handlers alone do not keep Node running
const shutdown = (signal: string): void => {
  console.log(`${signal}: stopping S3Proxy`);
  void server.stop().finally(() => clearInterval(keepAlive));
};
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));
