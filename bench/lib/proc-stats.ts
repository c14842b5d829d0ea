/**
 * CPU time and memory of a process, read from /proc (Linux only), so a benchmark can charge each
 * contender and the broker for what they burned during the measured window and no more.
 *
 * CPU is summed per thread name (`comm`) as well: on a 2-core machine shared by the broker, the
 * supervisor's main thread, librdkafka's threads and worker threads, the split says who competed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond: number | undefined;

/** USER_HZ: /proc reports CPU in these ticks (100 on every Linux seen, but ask). */
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** utime + stime in seconds from a /proc/.../stat line; `comm` may hold spaces and parentheses. */
function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After ")": state is field 3, so utime (14) and stime (15) are at indexes 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

export interface CpuSample {
  /** Seconds of user + system CPU of the whole process (all threads, living ones and exited ones). */
  total: number;
  /** Times the main thread was preempted (nonvoluntary context switches): a sign of too few cores. */
  mainPreemptions: number;
  /** Seconds per thread group: 'main' for the thread whose id is the pid, else the thread's comm. */
  byThread: Record<string, number>;
}

export function sampleCpu(pid: number): CpuSample {
  const total = statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  let mainPreemptions = 0;
  try {
    mainPreemptions = Number(
      /^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8'))?.[1] ?? 0,
    );
  } catch {
    // Gone.
  }
  const byThread: Record<string, number> = {};
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return { total, mainPreemptions, byThread };
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(pid) ? 'main' : threadGroup(readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim());
      byThread[name] = (byThread[name] ?? 0) + statCpuSeconds(stat);
    } catch {
      // The thread exited between the listing and the read.
    }
  }
  return { total, mainPreemptions, byThread };
}

/** Folds numbered threads together (rdk:broker1, rdk:broker2 → rdk:broker; GC thread#3 → GC thread). */
function threadGroup(comm: string): string {
  return comm.replace(/[#\d]+$/, '').replace(/-$/, '') || comm;
}

/** CPU seconds spent between two samples, per thread group (threads that exited in between are in `total` only). */
export function cpuDelta(before: CpuSample, after: CpuSample): CpuSample {
  const byThread: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(after.byThread)) {
    const spent = seconds - (before.byThread[name] ?? 0);
    if (spent > 0.005) byThread[name] = round3(spent);
  }
  return { total: round3(after.total - before.total), mainPreemptions: after.mainPreemptions - before.mainPreemptions, byThread };
}

/** Peak resident set size (VmHWM) in MiB: the process's high-water mark over its whole life. */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export interface MachineSample {
  /** CPU seconds so far of every process (pid → seconds), kernel threads apart. */
  processes: Map<number, { seconds: number; kernel: boolean; name: string }>;
  /** Stolen by the hypervisor, all CPUs, seconds. */
  steal: number;
}

/** Every process's CPU time: to tell what else ran on the (shared) machine during a window. */
export function sampleMachine(): MachineSample {
  const processes: MachineSample['processes'] = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      // Kernel threads are children of kthreadd (pid 2): writeback, softirq and the like.
      const kernel = pid === 2 || fields[1] === '2';
      processes.set(pid, { seconds: statCpuSeconds(stat), kernel, name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // Gone between the listing and the read.
    }
  }
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  return { processes, steal: (f[8] ?? 0) / clockTicks() };
}

export interface ForeignLoad {
  /** Cores, on average over the window, used by user-space processes other than the contender, the broker and the harness. */
  otherCores: number;
  /** The busiest of those, e.g. "java 0.4" (another Kafka broker on the machine). */
  otherTop: string;
  /** Kernel threads (page writeback of the broker's log, softirq…), partly caused by the run itself. */
  kernelCores: number;
  stealCores: number;
}

/** What ran beside the measured processes (`own`: contender, broker, harness) between two samples. */
export function foreignLoad(before: MachineSample, after: MachineSample, own: readonly number[], wallSeconds: number): ForeignLoad {
  let other = 0;
  let kernel = 0;
  const byName = new Map<string, number>();
  for (const [pid, now] of after.processes) {
    if (own.includes(pid)) continue;
    const spent = now.seconds - (before.processes.get(pid)?.seconds ?? 0);
    if (spent <= 0) continue;
    if (now.kernel) kernel += spent;
    else {
      other += spent;
      byName.set(now.name, (byName.get(now.name) ?? 0) + spent);
    }
  }
  const cores = (s: number): number => round3(Math.max(0, s) / wallSeconds);
  const top = [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([n, s]) => `${n} ${cores(s)}`)
    .join(', ');
  return { otherCores: cores(other), otherTop: top, kernelCores: cores(kernel), stealCores: cores(after.steal - before.steal) };
}

/** Resident set size now (VmRSS) in MiB, and the process's thread count. */
export function rssNow(pid: number): { rssMiB: number; threads: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
  const threads = /^Threads:\s+(\d+)/m.exec(status);
  return { rssMiB: rss ? Math.round(Number(rss[1]) / 1024) : Number.NaN, threads: threads ? Number(threads[1]) : Number.NaN };
}
