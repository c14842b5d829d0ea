// The S3 fixture itself: a real S3Proxy that checks signatures, and that never outlives its test process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Server } from '../../tools/s3/server.js';
import { waitFor } from '../fixtures/wait.js';

const SERVER_MODULE = path.resolve(import.meta.dirname, '../../tools/s3/server.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

t.test('start, put and get an object with signed requests; a wrong secret is refused', async (t) => {
  const started = Date.now();
  const server = await S3Server.start();
  t.teardown(() => server.stop());
  t.comment(`S3Proxy ${server.version} ready in ${Date.now() - started} ms`);
  t.match(server.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  await server.createBucket('fixture-bucket');
  const client = server.client();
  t.teardown(() => client.destroy());
  await client.send(new PutObjectCommand({ Bucket: 'fixture-bucket', Key: 'a/b.txt', Body: 'hello\n' }));
  const got = await client.send(new GetObjectCommand({ Bucket: 'fixture-bucket', Key: 'a/b.txt' }));
  t.equal(await got.Body?.transformToString(), 'hello\n');

  const wrong = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: 'wrong' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  t.teardown(() => wrong.destroy());
  const refused = await wrong.send(new GetObjectCommand({ Bucket: 'fixture-bucket', Key: 'a/b.txt' })).then(
    () => null,
    (e: { $metadata?: { httpStatusCode?: number } }) => e,
  );
  t.equal(refused?.$metadata?.httpStatusCode, 403, 'the signature is checked');

  const pid = server.pid!;
  await server.stop();
  t.notOk(alive(pid), 'stop() kills the JVM');
  t.notOk(existsSync(server.dir), 'and deletes its files');
});

t.test('the server dies with its parent process, even when the parent is SIGKILLed', async (t) => {
  // A separate Node process starts a server and prints its pid and folder; we SIGKILL that process.
  const script = `
    const { S3Server } = await import(${JSON.stringify(SERVER_MODULE)});
    const s = await S3Server.start();
    console.log(JSON.stringify({ pid: s.pid, dir: s.dir }));
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<{ pid: number; dir: string }>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { pid: number; dir: string });
    });
    parent.once('exit', (code) => reject(new Error(`the parent exited early (${code})`)));
  });
  t.ok(alive(info.pid), 'the JVM runs');
  parent.kill('SIGKILL');
  await waitFor('the JVM gone', () => !alive(info.pid), 30_000);
  await waitFor('its files deleted', () => !existsSync(info.dir), 30_000);
});
