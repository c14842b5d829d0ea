/**
 * A small analyzer for V8 `.cpuprofile` files (what `node --cpu-prof` writes, one per thread):
 * self and inclusive time per function, keyed by function + script + position, with positions in
 * compiled dist/*.js mapped back to the TypeScript source through their source maps.
 *
 *   node dist/bench/lib/cpuprofile.js <file.cpuprofile> [--top 25]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  function: string;
  /** file:line (1-based), TypeScript source when a source map knows it. */
  location: string;
  ms: number;
  /** Share of the thread's busy (non-idle) time. */
  pct: number;
}

export interface ProfileSummary {
  file: string;
  wallMs: number;
  idleMs: number;
  busyMs: number;
  gcMs: number;
  /** V8's "(program)": native work outside JS functions (including native callbacks' own code not attributed to a frame). */
  programMs: number;
  topSelf: FunctionTime[];
  topInclusive: FunctionTime[];
  /** Self time per origin: this repo's file, a node_modules package, node:internal, native. */
  byOrigin: { origin: string; ms: number; pct: number }[];
}

const SPECIAL = new Set(['(root)', '(idle)', '(program)', '(garbage collector)']);

const sourceMaps = new Map<string, SourceMap | null>();

function sourceMapFor(url: string): SourceMap | null {
  if (!url.startsWith('file://')) return null;
  let map = sourceMaps.get(url);
  if (map === undefined) {
    map = null;
    const mapFile = `${fileURLToPath(url)}.map`;
    if (existsSync(mapFile)) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        map = null;
      }
    }
    sourceMaps.set(url, map);
  }
  return map;
}

/** Repo-relative; packages as node_modules/… even when node_modules is a symlink out of the tree. */
function displayPath(url: string, repoRoot: string): string {
  if (!url.startsWith('file://')) return url;
  const file = fileURLToPath(url);
  const nm = file.lastIndexOf('/node_modules/');
  return nm >= 0 ? file.slice(nm + 1) : path.relative(repoRoot, file);
}

/** A readable location: repo-relative TS file:line when mapped, package path or node:internal otherwise. */
function locate(frame: CallFrame, repoRoot: string): string {
  const { url, lineNumber, columnNumber } = frame;
  if (url === '') return '(native)';
  const map = sourceMapFor(url);
  if (map !== null && lineNumber >= 0) {
    const entry = map.findEntry(lineNumber, Math.max(0, columnNumber)) as { originalSource?: string; originalLine?: number };
    if (entry.originalSource !== undefined && entry.originalLine !== undefined) {
      const source = entry.originalSource.startsWith('file://')
        ? fileURLToPath(entry.originalSource)
        : path.resolve(path.dirname(fileURLToPath(url)), entry.originalSource);
      return `${displayPath(pathToFileURL(source).href, repoRoot)}:${entry.originalLine + 1}`;
    }
  }
  return `${displayPath(url, repoRoot)}:${lineNumber + 1}`;
}

function origin(frame: CallFrame, repoRoot: string): string {
  const { url, functionName } = frame;
  if (SPECIAL.has(functionName)) return functionName;
  if (url === '') return '(native: binding or V8 builtin)';
  if (url.startsWith('node:')) return 'node:internal';
  if (!url.startsWith('file://')) return url;
  const file = displayPath(url, repoRoot);
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (nm) return `node_modules/${nm[1]}`;
  return locate(frame, repoRoot).replace(/:\d+$/, '');
}

export function summarizeProfile(file: string, repoRoot: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const keyOf = (frame: CallFrame): string =>
    `${frame.functionName || '(anonymous)'}\u0000${SPECIAL.has(frame.functionName) ? '' : locate(frame, repoRoot)}`;
  const nodeKey = new Map<number, string>();
  for (const node of profile.nodes) nodeKey.set(node.id, keyOf(node.callFrame));

  // Each sample is charged the interval up to the next one (as Chrome DevTools does).
  const sampleMs = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const ms = (timeDeltas[i + 1] ?? 0) / 1000;
    sampleMs.set(samples[i]!, (sampleMs.get(samples[i]!) ?? 0) + ms);
  }

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const originMs = new Map<string, number>();
  let idleMs = 0;
  let gcMs = 0;
  let programMs = 0;
  let wallMs = 0;
  for (const [id, ms] of sampleMs) {
    wallMs += ms;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idleMs += ms;
      continue;
    }
    if (name === '(garbage collector)') gcMs += ms;
    if (name === '(program)') programMs += ms;
    const key = nodeKey.get(id)!;
    self.set(key, (self.get(key) ?? 0) + ms);
    const o = origin(node.callFrame, repoRoot);
    originMs.set(o, (originMs.get(o) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = nodeKey.get(at)!;
      if (seen.has(k) || k.startsWith('(root)')) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  const busyMs = wallMs - idleMs;
  const rank = (m: Map<string, number>): FunctionTime[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, ms]) => {
        const [fn, location] = key.split('\u0000') as [string, string];
        return { function: fn, location, ms: round1(ms), pct: round1((100 * ms) / busyMs) };
      });
  return {
    file: path.basename(file),
    wallMs: round1(wallMs),
    idleMs: round1(idleMs),
    busyMs: round1(busyMs),
    gcMs: round1(gcMs),
    programMs: round1(programMs),
    topSelf: rank(self),
    topInclusive: rank(inclusive),
    byOrigin: [...originMs.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([o, ms]) => ({ origin: o, ms: round1(ms), pct: round1((100 * ms) / busyMs) })),
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** `CPU.<date>.<time>.<pid>.<threadId>.<seq>.cpuprofile`: thread 0 is the main thread. */
export function profileThreadId(file: string): number {
  const parts = path.basename(file).split('.');
  return Number(parts[4]);
}

export function formatSummary(s: ProfileSummary, perRecordDivisor?: number): string {
  const lines = [`${s.file}: wall ${s.wallMs} ms, busy ${s.busyMs} ms (GC ${s.gcMs}, program ${s.programMs}), idle ${s.idleMs} ms`];
  if (perRecordDivisor !== undefined) lines.push(`busy per record: ${((s.busyMs * 1000) / perRecordDivisor).toFixed(2)} µs`);
  lines.push('self time:');
  for (const f of s.topSelf)
    lines.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms  ${f.function}  ${f.location}`);
  lines.push('inclusive time:');
  for (const f of s.topInclusive)
    lines.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms  ${f.function}  ${f.location}`);
  lines.push('self time by origin:');
  for (const o of s.byOrigin) lines.push(`  ${o.pct.toFixed(1).padStart(5)}%  ${o.ms.toFixed(0).padStart(7)} ms  ${o.origin}`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  for (const file of positionals) console.log(formatSummary(summarizeProfile(file, root, Number(values.top))) + '\n');
}
