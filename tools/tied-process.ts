// Starting a child process that cannot outlive this Node process: the Kafka fixture's brokers
// (tools/kafka/cluster.ts), the benchmark's Java contenders (bench/lib/java-contenders.ts) and every
// connectd the tests, the demo and the benchmark start (tools/connectd-process.ts).
//
// The child runs under a small bash wrapper whose stdin is a pipe from us: EOF on it means we are
// gone, even by SIGKILL (Node has no PR_SET_PDEATHSIG), and the wrapper then SIGKILLs the child.
// Signals meant for the child go to its own pid, which the wrapper prints first thing.
import { spawn, type ChildProcess } from 'node:child_process';

// The wrapper: $1 = file for stdout/stderr, $2 = a folder to delete if we die (empty: keep it),
// rest = the command. Prints the child's pid on its stdout and closes it; exits with the child's
// status (128 + the signal's number when a signal ended it). A background reader holds our stdin
// pipe (as fd 3: bash gives background jobs /dev/null as stdin) and SIGKILLs the child on EOF,
// i.e. when this Node process is gone, even by SIGKILL. EOF
// on the pipe is also how the wrapper tells, afterwards, that we are gone (our pid may still be a
// zombie then) and that it should delete the folder (and its parent, once it holds no other
// node-* folder: the fixture's cluster data dir).
const WRAPPER = `
exec 3<&0 2>>"$1"
log=$1; cleanup=$2; shift 2
"$@" </dev/null >>"$log" 2>&1 &
c=$!
echo "$c"
( read -r _ <&3; kill -9 "$c" 2>/dev/null ) &
w=$!
exec 1>&- 0</dev/null
wait "$c"; rc=$?
gone=
if read -r -t 0 -u 3; then gone=1; fi
kill "$w" 2>/dev/null
if [ -n "$gone" ] && [ -n "$cleanup" ]; then
  exec 2>/dev/null
  rm -rf "$cleanup"
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    rm -f "\${cleanup%/*}/owner"; rmdir "\${cleanup%/*}" && break
    ls -d "\${cleanup%/*}"/node-* >/dev/null || break
    sleep 0.5
  done
fi
exit $rc
`;

export interface TiedProcess {
  /** The wrapper (bash). Attach 'exit' handlers at once: the child may die before `pid` resolves. */
  wrapper: ChildProcess;
  /** The child's own pid, once the wrapper has printed it. */
  pid: Promise<number>;
}

/**
 * Starts `command` (e.g. ['java', …]) under the wrapper, with its stdout and stderr appended to
 * `logFile`. The wrapper is detached (its own process group, so a Ctrl-C at the terminal reaches
 * only us and we stop it) and, once the pid is known, unref'd: it does not keep the event loop
 * alive (whoever waits for it holds a timer of their own).
 */
export function spawnTied(name: string, logFile: string, cleanupDir: string, command: readonly string[]): TiedProcess {
  const wrapper = spawn('bash', ['-c', WRAPPER, name, logFile, cleanupDir, ...command], {
    stdio: ['pipe', 'pipe', 'ignore'],
    detached: true,
  });
  wrapper.stdin.on('error', () => undefined);
  const pid = new Promise<number>((resolve, reject) => {
    let buf = '';
    wrapper.once('error', reject);
    wrapper.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) resolve(Number(line));
    });
    wrapper.stdout.once('end', () => reject(new Error(`${name}: wrapper exited before starting ${command[0]}`)));
  });
  void pid.then(
    () => {
      wrapper.unref();
      (wrapper.stdin as unknown as { unref?: () => void }).unref?.();
    },
    () => undefined,
  );
  return { wrapper, pid };
}

/**
 * JVM options from FIXTURE_JVM_ARGS (space-separated) for every JVM the fixtures start (Kafka
 * brokers, Kafka Connect workers), placed before their own options, which win. tools/test.sh sets
 * `-XX:TieredStopAtLevel=1` (C1 only): the suite's brokers live seconds to minutes, where C2's
 * compilations cost more CPU than they return (two test files: 50 s of CPU -> 43 s). Benchmarks
 * leave it unset and get the full JIT. (Not CONNECTD_*: connectd reads those as worker keys.)
 */
export function fixtureJvmArgs(): string[] {
  return (process.env.FIXTURE_JVM_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
}
