/**
 * Line charts over time as a standalone SVG, written by hand like svg-chart.ts (no dependency):
 * panels stacked on one shared x axis, each with its own y scale from 0 and its own series, and
 * marks across every panel (a shaded band for an event with a duration, a dashed line for a moment)
 * so what happened at one moment lines up in all of them. A null value breaks its line.
 */

export interface LineSeries {
  label: string;
  color: string;
  /** [x, y] points in x order; y null where there is no value (the line breaks). */
  points: readonly (readonly [number, number | null])[];
  dashed?: boolean;
}

export interface LinePanel {
  title: string;
  series: LineSeries[];
  /** The y axis' top at least this (e.g. a target rate above the data). */
  minTop?: number;
}

export interface LineChart {
  title: string;
  subtitle: string;
  xLabel: string;
  /** Text of an x tick (default: the number). */
  xTick?: (x: number) => string;
  /** Distance between x ticks (default: about ten ticks). */
  xStep?: number;
  panels: LinePanel[];
  /** Shaded across every panel, labelled at the top. */
  bands?: { from: number; to: number; label: string }[];
  /** Dashed vertical lines across every panel, labelled at the top. */
  marks?: { at: number; label: string }[];
  footnote?: string;
}

const FONT = 'font-family="Helvetica, Arial, sans-serif"';
const WIDTH = 900;
const LEFT = 70;
const RIGHT = 20;
const PANEL_HEIGHT = 150;
const PANEL_GAP = 46;

function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** The smallest of 1, 2, 2.5, 5 × 10^k that is at least `v` (an axis top, a tick step). */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v * (1 - 1e-9)) return m * p;
  return 10 * p;
}

/** The smallest of 1, 2, 5 × 10^k that is at least `v`: a y tick step. */
function niceStep(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v * (1 - 1e-9)) return m * p;
  return 10 * p;
}

function tickText(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e6) return `${+(v / 1e6).toFixed(2)} M`;
  if (Math.abs(v) >= 1e4) return `${+(v / 1e3).toFixed(1)} k`;
  return String(+v.toFixed(Math.abs(v) < 1 ? 3 : Math.abs(v) < 10 ? 2 : 0));
}

export function lineChartSvg(chart: LineChart): string {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const xs = chart.panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x)));
  const xMin = Math.min(0, ...xs);
  const xMax = Math.max(xMin + 1, ...xs);
  const xOf = (x: number): number => LEFT + ((x - xMin) / (xMax - xMin)) * plotWidth;
  const xStep = chart.xStep ?? niceCeil((xMax - xMin) / 10);
  const xTick = chart.xTick ?? tickText;
  const subtitle = wrap(chart.subtitle, Math.floor((WIDTH - 16) / 6.1));
  const shift = (subtitle.length - 1) * 15;
  // A row for the band and mark labels above the first panel's title.
  const labelRow = 62 + shift;
  const top = labelRow + 36;
  const height = top + chart.panels.length * (PANEL_HEIGHT + PANEL_GAP) + 16 + (chart.footnote === undefined ? 0 : 18);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`);
  out.push('<rect width="100%" height="100%" fill="#fff"/>');
  out.push(`<text x="8" y="22" ${FONT} font-size="17" font-weight="bold" fill="#111">${esc(chart.title)}</text>`);
  subtitle.forEach((line, i) => out.push(`<text x="8" y="${40 + i * 15}" ${FONT} font-size="11.5" fill="#555">${esc(line)}</text>`));
  const plotBottom = top + chart.panels.length * (PANEL_HEIGHT + PANEL_GAP) - PANEL_GAP;
  for (const b of chart.bands ?? []) {
    const x0 = xOf(b.from);
    const x1 = Math.max(x0 + 1, xOf(b.to));
    out.push(
      `<rect x="${x0.toFixed(1)}" y="${top - 2}" width="${(x1 - x0).toFixed(1)}" height="${plotBottom - top + 2}" fill="#f3c6c6" opacity="0.55"/>`,
    );
    out.push(`<text x="${x0.toFixed(1)}" y="${labelRow}" ${FONT} font-size="10.5" fill="#a33">${esc(b.label)}</text>`);
  }
  for (const m of chart.marks ?? []) {
    const x = xOf(m.at).toFixed(1);
    out.push(`<line x1="${x}" y1="${top - 2}" x2="${x}" y2="${plotBottom}" stroke="#888" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${x}" y="${labelRow + 13}" ${FONT} font-size="10.5" fill="#555" text-anchor="middle">${esc(m.label)}</text>`);
  }
  chart.panels.forEach((panel, p) => {
    const y0 = top + p * (PANEL_HEIGHT + PANEL_GAP);
    const ys = panel.series.flatMap((s) => s.points.map(([, y]) => y).filter((y): y is number => y !== null && Number.isFinite(y)));
    const yMax = Math.max(panel.minTop ?? 0, ...ys, 0) * 1.05;
    const yStep = niceStep(yMax / 4);
    const yTop = Math.max(1, Math.ceil(yMax / yStep)) * yStep;
    const yOf = (y: number): number => y0 + PANEL_HEIGHT - (y / yTop) * PANEL_HEIGHT;
    out.push(`<text x="${LEFT}" y="${y0 - 8}" ${FONT} font-size="12" font-weight="bold" fill="#333">${esc(panel.title)}</text>`);
    let lx = LEFT + 12 + panel.title.length * 7.4;
    for (const s of panel.series) {
      out.push(
        `<line x1="${lx}" y1="${y0 - 12}" x2="${lx + 16}" y2="${y0 - 12}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
      );
      out.push(`<text x="${lx + 20}" y="${y0 - 8}" ${FONT} font-size="11" fill="#333">${esc(s.label)}</text>`);
      lx += 32 + s.label.length * 6;
    }
    out.push(`<rect x="${LEFT}" y="${y0}" width="${plotWidth}" height="${PANEL_HEIGHT}" fill="none" stroke="#ccc"/>`);
    for (let k = 0; k * yStep <= yTop * (1 + 1e-9); k++) {
      const v = k * yStep;
      const y = yOf(v).toFixed(1);
      if (k > 0 && v < yTop) out.push(`<line x1="${LEFT}" y1="${y}" x2="${LEFT + plotWidth}" y2="${y}" stroke="#eee"/>`);
      out.push(
        `<text x="${LEFT - 5}" y="${(Number(y) + 4).toFixed(1)}" ${FONT} font-size="10" fill="#555" text-anchor="end">${tickText(v)}</text>`,
      );
    }
    for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax + 1e-9; x += xStep) {
      const px = xOf(x).toFixed(1);
      out.push(`<line x1="${px}" y1="${y0 + PANEL_HEIGHT}" x2="${px}" y2="${y0 + PANEL_HEIGHT + 4}" stroke="#999"/>`);
      out.push(
        `<text x="${px}" y="${y0 + PANEL_HEIGHT + 15}" ${FONT} font-size="10" fill="#555" text-anchor="middle">${esc(xTick(x))}</text>`,
      );
    }
    for (const s of panel.series) {
      for (const run of segments(s.points)) {
        const d = run.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${xOf(x).toFixed(1)},${yOf(y).toFixed(1)}`).join('');
        out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.4"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
      }
    }
  });
  out.push(
    `<text x="${LEFT + plotWidth / 2}" y="${plotBottom + 30}" ${FONT} font-size="11" fill="#333" text-anchor="middle">${esc(chart.xLabel)}</text>`,
  );
  if (chart.footnote !== undefined)
    out.push(`<text x="8" y="${height - 8}" ${FONT} font-size="10.5" fill="#666">${esc(chart.footnote)}</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Lines of at most `max` characters, broken at spaces. */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The runs of consecutive points with a value (a null or non-finite y ends a run). */
function segments(points: readonly (readonly [number, number | null])[]): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  for (const [x, y] of points) {
    if (y === null || !Number.isFinite(y)) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push([x, y]);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
