/**
 * A grouped horizontal bar chart as a standalone SVG, written by hand (no dependency): one row per
 * contender, rows grouped by scenario, one panel (column) per measure. Bars are scaled within
 * each group and panel (scenarios differ by orders of magnitude), so a bar compares contenders of
 * the same scenario; the number beside it is the value itself.
 */

export interface ChartRow {
  group: string;
  label: string;
  /** Colour key (e.g. 'connectd', 'kafka-connect', 'raw', 'perf'). */
  family: string;
  /** One value per panel; null where the measure does not apply. */
  values: (number | null)[];
  /** The text beside each bar. */
  texts: string[];
}

export interface Chart {
  title: string;
  subtitle: string;
  panels: string[];
  rows: ChartRow[];
  colors: Record<string, string>;
  /** Legend entries: family → label. */
  legend: Record<string, string>;
  footnote?: string;
}

const FONT = 'font-family="Helvetica, Arial, sans-serif"';

function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function barChartSvg(chart: Chart): string {
  const labelWidth = 190;
  const panelWidth = 330;
  const barMax = 210;
  const rowHeight = 17;
  const groupGap = 24;
  const width = labelWidth + chart.panels.length * panelWidth + 10;
  const subtitle = wrap(chart.subtitle, Math.floor((width - 16) / 6.1));
  const shift = (subtitle.length - 1) * 15;
  const top = 78 + shift;
  const groups: string[] = [];
  for (const r of chart.rows) if (!groups.includes(r.group)) groups.push(r.group);
  const out: string[] = [];
  let y = top;
  const body: string[] = [];
  for (const g of groups) {
    const rows = chart.rows.filter((r) => r.group === g);
    body.push(`<text x="8" y="${y + 13}" ${FONT} font-size="13" font-weight="bold" fill="#222">${esc(g)}</text>`);
    y += groupGap - 4;
    const max = chart.panels.map((_, p) => Math.max(0, ...rows.map((r) => r.values[p] ?? 0)));
    for (const r of rows) {
      body.push(`<text x="${labelWidth - 8}" y="${y + 12}" ${FONT} font-size="11.5" text-anchor="end" fill="#333">${esc(r.label)}</text>`);
      chart.panels.forEach((_, p) => {
        const x = labelWidth + p * panelWidth;
        const v = r.values[p];
        if (v === null || v === undefined || !Number.isFinite(v)) {
          body.push(`<text x="${x + 4}" y="${y + 12}" ${FONT} font-size="11" fill="#999">—</text>`);
          return;
        }
        const w = max[p]! > 0 ? Math.max(1, (v / max[p]!) * barMax) : 1;
        body.push(
          `<rect x="${x}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowHeight - 4}" fill="${chart.colors[r.family] ?? '#888'}" rx="2"/>`,
        );
        body.push(`<text x="${(x + w + 5).toFixed(1)}" y="${y + 12}" ${FONT} font-size="11" fill="#222">${esc(r.texts[p] ?? '')}</text>`);
      });
      y += rowHeight;
    }
    y += 8;
  }
  const height = y + (chart.footnote === undefined ? 16 : 34);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="8" y="22" ${FONT} font-size="17" font-weight="bold" fill="#111">${esc(chart.title)}</text>`);
  subtitle.forEach((line, i) => out.push(`<text x="8" y="${40 + i * 15}" ${FONT} font-size="11.5" fill="#555">${esc(line)}</text>`));
  let lx = 8;
  for (const [family, label] of Object.entries(chart.legend)) {
    out.push(`<rect x="${lx}" y="${49 + shift}" width="11" height="11" fill="${chart.colors[family] ?? '#888'}" rx="2"/>`);
    out.push(`<text x="${lx + 15}" y="${59 + shift}" ${FONT} font-size="11.5" fill="#333">${esc(label)}</text>`);
    lx += 24 + label.length * 6.4;
  }
  chart.panels.forEach((title, p) => {
    out.push(
      `<text x="${labelWidth + p * panelWidth}" y="${top - 4}" ${FONT} font-size="12" font-weight="bold" fill="#333">${esc(title)}</text>`,
    );
  });
  out.push(...body);
  if (chart.footnote !== undefined)
    out.push(`<text x="8" y="${height - 12}" ${FONT} font-size="10.5" fill="#666">${esc(chart.footnote)}</text>`);
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
