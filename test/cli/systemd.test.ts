/**
 * systemd/connectd.service: `systemd-analyze verify` passes on it (Debian's systemd), it has what
 * the service needs (notify, watchdog, graceful stop, restarts, hardening, state directory), its
 * environment file names real worker keys; and the sd_notify client speaks the protocol to a
 * socket standing in for systemd's.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { EXIT_DATA_ERROR, EXIT_FAILURE, EXIT_INVALID_CONFIG, EXIT_USAGE } from '../../src/main-thread/cli/problems.js';
import { SystemdNotifier } from '../../src/main-thread/cli/systemd-notify.js';
import { isSecurityKey } from '../../src/main-thread/config/kafka-security.js';
import { NON_CONFIG_ENV_VARS, keyForEnvVar, workerKeyDefinition } from '../../src/main-thread/config/worker-config-schema.js';
import { NotifyListener } from './fixtures/notify-listener.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const UNIT = readFileSync(path.join(ROOT, 'systemd', 'connectd.service'), 'utf8');
const ENV_FILE = readFileSync(path.join(ROOT, 'systemd', 'connectd.env'), 'utf8');

const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-systemd-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

/** `Key=value` settings of a unit section (comments and blank lines skipped; repeated keys kept in order). */
function settings(unit: string, section: string): [string, string][] {
  const body = unit.split(/^\[/m).find((s) => s.startsWith(`${section}]`)) ?? '';
  return body
    .split('\n')
    .slice(1)
    .filter((l) => /^[A-Za-z]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
}

t.test('systemd-analyze verify passes on the unit', async (t) => {
  // The unit names /usr/bin/node and /opt/connectd; verify checks that ExecStart's program exists,
  // so run it on a copy pointing at this node and this checkout.
  const unit = UNIT.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `).replaceAll('/opt/connectd', ROOT);
  const file = path.join(dir, 'connectd.service');
  await writeFile(file, unit);
  const run = await new Promise<{ code: number | null; output: string; missing: boolean }>((resolve) => {
    execFile('systemd-analyze', ['verify', file], { timeout: 60000 }, (err, stdout, stderr) => {
      const missing = (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, output: stdout + stderr, missing });
    });
  });
  t.notOk(run.missing, "systemd-analyze is installed (Debian's systemd package: apt-get install systemd)");
  t.equal(run.code, 0);
  t.equal(run.output, '', 'no warnings either (unknown keys only warn)');
});

t.test('the unit: readiness, watchdog, graceful stop, restarts, state, hardening', async (t) => {
  const service = Object.fromEntries(settings(UNIT, 'Service'));
  t.match(service, {
    Type: 'notify',
    NotifyAccess: 'main',
    User: 'connectd',
    Restart: 'on-failure',
    KillSignal: 'SIGTERM',
    StateDirectory: 'connectd',
    NoNewPrivileges: 'yes',
    ProtectSystem: 'strict',
    ProtectHome: 'yes',
    PrivateTmp: 'yes',
    LimitNOFILE: '65536',
  });
  t.ok(Number(service.WatchdogSec) >= 10, 'a watchdog');
  t.ok(Number(service.RestartSec) > 0, 'a delay between restarts');
  // What a restart cannot fix must not loop every RestartSec: usage, configuration, a corrupt or
  // unreadable offsets file. A runtime failure (Kafka down at start) is restarted.
  const prevented = (service.RestartPreventExitStatus ?? '').split(/\s+/).map(Number);
  t.same(prevented.sort(), [EXIT_USAGE, EXIT_INVALID_CONFIG, EXIT_DATA_ERROR].sort(), 'RestartPreventExitStatus: exit 2, 3 and 4');
  t.notOk(prevented.includes(EXIT_FAILURE), 'exit 1 (runtime failure) is restarted');
  // The default stop budget: task.shutdown.graceful.timeout.ms + 2 × offset.flush.timeout.ms.
  t.ok(Number(service.TimeoutStopSec) >= (5000 + 2 * 5000) / 1000 + 10, 'TimeoutStopSec covers a graceful stop with the default settings');
  t.match(
    service.ExecStart,
    /^\/usr\/bin\/node .*\/dist\/src\/main-thread\/cli\/main\.js standalone \/etc\/connectd\/worker\.properties \$CONNECTD_CONNECTOR_CONFIGS$/,
  );
  t.notOk('MemoryDenyWriteExecute' in service, "not MemoryDenyWriteExecute: V8's JIT needs it off");
  t.equal(Object.fromEntries(settings(UNIT, 'Unit')).StartLimitIntervalSec, '0', 'keeps retrying while Kafka is down');
});

t.test('the environment file names only worker keys (or the reserved variables)', async (t) => {
  const names = [...ENV_FILE.matchAll(/^#?(CONNECTD_[A-Z0-9_]+)=/gm)].map((m) => m[1]!);
  t.ok(names.length >= 5);
  for (const name of names) {
    const key = keyForEnvVar(name)!;
    t.ok(NON_CONFIG_ENV_VARS.has(name) || workerKeyDefinition(key) !== undefined || isSecurityKey(key), `${name} → ${key}`);
  }
  t.match(ENV_FILE, /^CONNECTD_OFFSET_STORAGE_FILE_FILENAME=\/var\/lib\/connectd\//m, 'offsets in the StateDirectory');
});

t.test('sd_notify: READY, STATUS, STOPPING with EXTEND_TIMEOUT_USEC, to the socket systemd names', async (t) => {
  const listener = await NotifyListener.start(dir);
  t.teardown(() => listener.close());
  const warnings: string[] = [];
  const logger = { warn: (_o: object, msg: string) => warnings.push(msg), error: (_o: object, msg: string) => warnings.push(msg) };
  const notifier = SystemdNotifier.fromEnvironment({ NOTIFY_SOCKET: listener.socketPath }, logger)!;
  t.ok(notifier);
  t.equal(notifier.watchdogIntervalMs, null, 'no watchdog unless systemd asks');
  t.ok(notifier.status('starting: connecting'));
  t.ok(notifier.ready('running: 2 connector(s)\nsecond line'));
  t.ok(notifier.stopping('stopping', 15000));
  t.same((await listener.next('STATUS')).fields, { STATUS: 'starting: connecting' });
  t.same(
    (await listener.next('READY')).fields,
    { READY: '1', STATUS: 'running: 2 connector(s) second line', MAINPID: String(process.pid) },
    'one line per field',
  );
  t.same((await listener.next('STOPPING')).fields, { STOPPING: '1', STATUS: 'stopping', EXTEND_TIMEOUT_USEC: '15000000' });
  t.same(warnings, []);
});

t.test('sd_notify: the watchdog pings at half WATCHDOG_USEC, only for the process systemd means', async (t) => {
  const listener = await NotifyListener.start(dir);
  t.teardown(() => listener.close());
  const notifier = SystemdNotifier.fromEnvironment({
    NOTIFY_SOCKET: listener.socketPath,
    WATCHDOG_USEC: '200000',
    WATCHDOG_PID: String(process.pid),
  })!;
  t.equal(notifier.watchdogIntervalMs, 100);
  notifier.startWatchdog();
  await new Promise((r) => setTimeout(r, 550));
  notifier.stopWatchdog();
  const pings = listener.received.filter((n) => n.fields.WATCHDOG === '1');
  t.ok(pings.length >= 4 && pings.length <= 8, `about one ping per 100 ms (${pings.length} in 550 ms)`);
  const gaps = pings.slice(1).map((p, i) => p.at - pings[i]!.at);
  t.ok(
    gaps.every((g) => g < 200),
    `no gap reaches WATCHDOG_USEC: ${gaps.map((g) => Math.round(g)).join(', ')} ms`,
  );
  const count = listener.received.length;
  await new Promise((r) => setTimeout(r, 250));
  t.equal(listener.received.length, count, 'stopped');
  t.equal(
    SystemdNotifier.fromEnvironment({ NOTIFY_SOCKET: listener.socketPath, WATCHDOG_USEC: '200000', WATCHDOG_PID: '1' })!.watchdogIntervalMs,
    null,
    'another PID is watched',
  );
});

t.test('sd_notify: not under systemd, an abstract socket, a socket that is gone', async (t) => {
  t.equal(SystemdNotifier.fromEnvironment({}), null, 'no NOTIFY_SOCKET: no notifier, nothing loaded');
  const errors: string[] = [];
  const logger = {
    warn: (_o: object, msg: string) => errors.push(`warn: ${msg}`),
    error: (_o: object, msg: string) => errors.push(`error: ${msg}`),
  };
  t.equal(SystemdNotifier.fromEnvironment({ NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify' }, logger), null);
  t.match(errors, [/^error: NOTIFY_SOCKET is not a filesystem path/]);
  errors.length = 0;
  const gone = SystemdNotifier.fromEnvironment({ NOTIFY_SOCKET: path.join(dir, 'no-such.sock') }, logger)!;
  t.equal(gone.ready('x'), false);
  t.equal(gone.status('y'), false);
  t.same(errors, ['warn: cannot notify systemd'], 'warned once');
});
