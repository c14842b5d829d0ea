// The Schema Registry fixture itself: a real Apicurio Registry answering Confluent's API behind basic
// auth, that never outlives its test process. (test/data/avro/real-schema-registry.test.ts uses it
// with the converter, and stops it with stop().) One registry start: they take ~10 s each.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { waitFor } from '../fixtures/wait.js';

const SERVER_MODULE = path.resolve(import.meta.dirname, '../../tools/schema-registry/server.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

t.test("it serves Confluent's API behind basic auth, and dies with its parent process, even when the parent is SIGKILLed", async (t) => {
  // A separate Node process starts a registry and prints where it is; we SIGKILL that process.
  const script = `
    const { SchemaRegistryServer } = await import(${JSON.stringify(SERVER_MODULE)});
    const started = Date.now();
    const s = await SchemaRegistryServer.start({ users: { tester: 'pw-1' } });
    console.log(JSON.stringify({ pid: s.pid, dir: s.dir, url: s.url, version: s.version, ms: Date.now() - started }));
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<{ pid: number; dir: string; url: string; version: string; ms: number }>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n'))
        resolve(JSON.parse(out.split('\n')[0]!) as { pid: number; dir: string; url: string; version: string; ms: number });
    });
    parent.once('exit', (code) => reject(new Error(`the parent exited early (${code})`)));
  });
  t.comment(`Apicurio Registry ${info.version} ready in ${info.ms} ms`);
  t.match(info.url, /^http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7$/);
  const subjects = await fetch(`${info.url}/subjects`, {
    headers: { Authorization: `Basic ${Buffer.from('tester:pw-1').toString('base64')}` },
  });
  t.equal(subjects.status, 200);
  t.same(await subjects.json(), [], 'an empty registry, with its user');
  const anonymous = await fetch(`${info.url}/subjects`);
  await anonymous.arrayBuffer();
  t.equal(anonymous.status, 401, 'and refused without credentials');
  t.ok(alive(info.pid), 'the JVM runs');

  parent.kill('SIGKILL');
  await waitFor('the JVM gone', () => !alive(info.pid), 30_000);
  await waitFor('its files deleted', () => !existsSync(info.dir), 30_000);
});
