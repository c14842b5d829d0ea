/**
 * A ConfigDef's documentation: Kafka's toRst(), toEnrichedRst() and toHtmlTable() (cells as Kafka's
 * headers() and getConfigValue() make them), and a Markdown table, in Kafka's documentation order.
 */
import { isRequired } from './config-key.js';
import type { ConfigKey } from './config-key.js';
import { convertToString } from './parsing.js';
import { IMPORTANCES } from './types.js';
import { describeValidator, isNumeric } from './validators.js';

const DOC_HEADERS = ['Name', 'Description', 'Type', 'Default', 'Valid Values', 'Importance'] as const;
type DocHeader = (typeof DOC_HEADERS)[number];

function docCell(key: ConfigKey, header: DocHeader): string {
  switch (header) {
    case 'Name':
      return key.name;
    case 'Description':
      return key.documentation;
    case 'Type':
      return key.type.toLowerCase();
    case 'Default': {
      if (key.default === undefined) return '';
      if (key.default === null) return 'null';
      const text = convertToString(key.default, key.type) ?? 'null';
      if (text === '') return '""';
      if (!isNumeric(key.default)) return text;
      if (key.name.endsWith('.bytes')) return text + niceMemoryUnits(toLong(key.default));
      if (key.name.endsWith('.ms')) return text + niceTimeUnits(toLong(key.default));
      return text;
    }
    case 'Valid Values':
      return describeValidator(key.validator);
    case 'Importance':
      return key.importance.toLowerCase();
  }
}

const toLong = (n: number | bigint): bigint => (typeof n === 'bigint' ? n : BigInt(Math.trunc(n)));

function niceMemoryUnits(bytes: bigint): string {
  let value = bytes;
  let i = 0;
  while (value !== 0n && i < 4 && value % 1024n === 0n) {
    value /= 1024n;
    i++;
  }
  const unit = ['', 'kibibyte', 'mebibyte', 'gibibyte', 'tebibyte'][i];
  return i === 0 ? '' : ` (${value} ${unit}${value === 1n ? ')' : 's)'}`;
}

function niceTimeUnits(millis: bigint): string {
  const divisors = [1000n, 60n, 60n, 24n];
  const units = ['second', 'minute', 'hour', 'day'];
  let value = millis;
  let i = 0;
  while (value !== 0n && i < 4 && value % (divisors[i] ?? 1n) === 0n) {
    value /= divisors[i] ?? 1n;
    i++;
  }
  return i === 0 ? '' : ` (${value} ${units[i - 1]}${value > 1n ? 's)' : ')'}`;
}

function rstEntry(key: ConfigKey): string {
  let out = `\`\`${key.name}\`\`\n`;
  for (const line of key.documentation.split('\n')) if (line !== '') out += `  ${line}\n\n`;
  out += `  * Type: ${docCell(key, 'Type')}\n`;
  if (!isRequired(key)) out += `  * Default: ${docCell(key, 'Default')}\n`;
  if (key.validator !== undefined) out += `  * Valid Values: ${docCell(key, 'Valid Values')}\n`;
  return `${out}  * Importance: ${docCell(key, 'Importance')}\n`;
}

function markdownCell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\r?\n/g, '<br>');
}

/**
 * Kafka's documentation order: keys without a group first, then groups in definition order; within
 * one, by orderInGroup, then required before optional, then importance (HIGH first), then name.
 */
export function documentationOrder(keys: Iterable<ConfigKey>, groups: readonly string[]): ConfigKey[] {
  const groupOrder = new Map(groups.map((g, i) => [g, i]));
  const rank = (key: ConfigKey): number => (key.group === null ? -1 : (groupOrder.get(key.group) ?? 0));
  return [...keys].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.orderInGroup - b.orderInGroup ||
      Number(!isRequired(a)) - Number(!isRequired(b)) ||
      IMPORTANCES.indexOf(a.importance) - IMPORTANCES.indexOf(b.importance) ||
      // Java's String.compareTo: UTF-16 code units, as JS relational operators compare strings.
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

// The renderers below take the documented keys already in documentation order (ConfigDef's).

/** Kafka's toRst(): one entry per key. */
export function toRst(documented: readonly ConfigKey[]): string {
  return documented.map((key) => `${rstEntry(key)}\n`).join('');
}

/** Kafka's toEnrichedRst(): toRst with a heading per group and each key's dependents. */
export function toEnrichedRst(documented: readonly ConfigKey[]): string {
  let out = '';
  let lastGroup = '';
  for (const key of documented) {
    if (key.group !== null) {
      if (lastGroup.toLowerCase() !== key.group.toLowerCase()) out += `${key.group}\n${'^'.repeat(key.group.length)}\n\n`;
      lastGroup = key.group;
    }
    out += rstEntry(key);
    if (key.dependents.length > 0) out += `  * Dependents: ${key.dependents.map((d) => `\`\`${d}\`\``).join(', ')}\n`;
    out += '\n';
  }
  return out;
}

/**
 * Kafka's toHtmlTable(), with an "Dynamic Update Mode" column when modes are given. Kafka's output
 * closes every cell twice (`</td></td>`); this closes it once. Cells are not escaped: documentation
 * is HTML by Kafka's convention.
 */
export function toHtmlTable(documented: readonly ConfigKey[], dynamicUpdateModes: Readonly<Record<string, string>>): string {
  const withModes = Object.keys(dynamicUpdateModes).length > 0;
  const headers = withModes ? [...DOC_HEADERS, 'Dynamic Update Mode'] : DOC_HEADERS;
  let out = '<table class="data-table"><tbody>\n<tr>\n';
  for (const header of headers) out += `<th>${header}</th>\n`;
  out += '</tr>\n';
  for (const key of documented) {
    out += '<tr>\n';
    for (const header of DOC_HEADERS) out += `<td>${docCell(key, header)}</td>`;
    const mode = Object.hasOwn(dynamicUpdateModes, key.name) ? dynamicUpdateModes[key.name] : undefined;
    if (withModes) out += `<td>${mode ?? 'read-only'}</td>`;
    out += '</tr>\n';
  }
  return `${out}</tbody></table>`;
}

/** A GitHub-flavoured Markdown table with toHtmlTable's columns and order. */
export function toMarkdown(documented: readonly ConfigKey[]): string {
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |\n`;
  let out = row(DOC_HEADERS) + row(DOC_HEADERS.map(() => '---'));
  for (const key of documented) {
    out += row(
      DOC_HEADERS.map((h) => {
        const cell = markdownCell(docCell(key, h));
        return h === 'Name' ? `\`${cell}\`` : cell;
      }),
    );
  }
  return out;
}
