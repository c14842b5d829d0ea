/**
 * Where a contender's time goes: a run under `node --cpu-prof` (one .cpuprofile per thread), the
 * main thread's and the busy worker threads' hot functions summarised by ./cpuprofile.ts.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { formatSummary, profileThreadId, summarizeProfile } from './cpuprofile.js';
import type { ProfileSummary } from './cpuprofile.js';
import { round } from './stats.js';

export type ThreadProfile = ProfileSummary & { busyMicrosPerRecord: number };

export interface ProfileResult {
  /** What was profiled, e.g. "connectd-2t, generator 100 B". */
  label: string;
  contender: string;
  records: number;
  recordsPerSecond: number;
  cpuSecondsPerMillion: number;
  threadCpuSecondsPerMillion: Record<string, number>;
  main: ThreadProfile;
  workers: ThreadProfile[];
}

/** A fresh folder for the profiles and the node flags that write them there. */
export async function profileFlags(dir: string): Promise<string[]> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** Summaries of the main thread's profile and of the worker threads busy for more than 100 ms. */
export async function summarizeProfiles(
  dir: string,
  records: number,
  repo: string,
): Promise<{ main: ThreadProfile; workers: ThreadProfile[] }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const mainFile = files.find((f) => profileThreadId(f) === 0);
  if (mainFile === undefined) throw new Error(`no main-thread profile in ${dir} (${files.join(', ')})`);
  const withPerRecord = (s: ProfileSummary): ThreadProfile => ({ ...s, busyMicrosPerRecord: round((s.busyMs * 1000) / records, 2) });
  const main = withPerRecord(summarizeProfile(path.join(dir, mainFile), repo));
  // Worker threads that hosted nothing busy (piscina's spare threads) are dropped.
  const workers = files
    .filter((f) => profileThreadId(f) !== 0)
    .map((f) => withPerRecord(summarizeProfile(path.join(dir, f), repo)))
    .filter((s) => s.busyMs > 100);
  return { main, workers };
}

/** The text kept in bench/results/profiles/: the run, then each thread's summary. */
export function profileText(p: ProfileResult): string {
  const text = [formatSummary(p.main, p.records), ...p.workers.map((w) => formatSummary(w, p.records))].join('\n\n');
  return `${p.label}: ${p.recordsPerSecond} rec/s under the profiler; CPU s/M records by thread ${JSON.stringify(p.threadCpuSecondsPerMillion)}\n\n${text}\n`;
}

/** Markdown: the main thread's top functions and each worker thread's. */
export function profileMarkdown(p: ProfileResult, fmt: (n: number) => string): string[] {
  const lines: string[] = [];
  lines.push(
    `### ${p.label}: ${fmt(p.recordsPerSecond)} rec/s under the profiler; main thread busy ${p.main.busyMicrosPerRecord} µs/record (GC ${p.main.gcMs} ms of ${p.main.busyMs} ms)`,
  );
  lines.push('');
  lines.push('| self % of main-thread busy | ms | µs per record | function | where |');
  lines.push('|---:|---:|---:|---|---|');
  for (const f of p.main.topSelf.slice(0, 15))
    lines.push(`| ${f.pct} | ${Math.round(f.ms)} | ${((f.ms * 1000) / p.records).toFixed(2)} | \`${f.function}\` | ${f.location} |`);
  for (const w of p.workers) {
    lines.push('');
    lines.push(
      `Worker thread ${w.file}: busy ${w.busyMicrosPerRecord} µs per record of the run (all records; this thread hosted part of them).`,
    );
    lines.push('');
    lines.push('| self % | ms | function | where |');
    lines.push('|---:|---:|---|---|');
    for (const f of w.topSelf.slice(0, 10)) lines.push(`| ${f.pct} | ${Math.round(f.ms)} | \`${f.function}\` | ${f.location} |`);
  }
  return lines;
}
