/**
 * The built-in connectors' config tables, generated from their ConfigDefs (`toMarkdown()`), in the
 * README and in docs/connectors/*.md between `<!-- config-table:begin … -->` and
 * `<!-- config-table:end … -->` markers. `node dist/tools/connector-docs.js` rewrites them; a test
 * (test/unit/docs/connector-docs.test.ts) fails when one is out of date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStreamSinkConnector } from '../src/worker-thread/connectors/file/file-stream-sink-connector.js';
import { FileStreamSourceConnector } from '../src/worker-thread/connectors/file/file-stream-source-connector.js';
import { GeneratorSourceConnector } from '../src/worker-thread/connectors/generator/generator-source-connector.js';
import { PostgresSinkConnector } from '../src/worker-thread/connectors/postgres/sink-connector.js';
import { PostgresSourceConnector } from '../src/worker-thread/connectors/postgres/source-connector.js';
import { S3SourceConnector } from '../src/worker-thread/connectors/s3/s3-source-connector.js';
import type { Connector } from '../src/worker-thread/sdk/connector.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where each connector's table goes: the README (named marker) and its own page. */
export const CONNECTOR_TABLES: readonly {
  name: string;
  connector: () => Connector;
  places: { file: string; marker: string; nth?: number }[];
}[] = [
  {
    name: 'FileStreamSourceConnector',
    connector: () => new FileStreamSourceConnector(),
    places: [
      { file: 'README.md', marker: 'FileStreamSourceConnector' },
      { file: 'docs/connectors/file.md', marker: '', nth: 0 },
    ],
  },
  {
    name: 'FileStreamSinkConnector',
    connector: () => new FileStreamSinkConnector(),
    places: [
      { file: 'README.md', marker: 'FileStreamSinkConnector' },
      { file: 'docs/connectors/file.md', marker: '', nth: 1 },
    ],
  },
  {
    name: 'S3SourceConnector',
    connector: () => new S3SourceConnector(),
    places: [
      { file: 'README.md', marker: 'S3SourceConnector' },
      { file: 'docs/connectors/s3-source.md', marker: '' },
    ],
  },
  {
    name: 'PostgresSourceConnector',
    connector: () => new PostgresSourceConnector(),
    places: [
      { file: 'README.md', marker: 'PostgresSourceConnector' },
      { file: 'docs/connectors/postgres.md', marker: 'PostgresSourceConnector' },
    ],
  },
  {
    name: 'PostgresSinkConnector',
    connector: () => new PostgresSinkConnector(),
    places: [
      { file: 'README.md', marker: 'PostgresSinkConnector' },
      { file: 'docs/connectors/postgres.md', marker: 'PostgresSinkConnector' },
    ],
  },
  {
    name: 'GeneratorSourceConnector',
    connector: () => new GeneratorSourceConnector(),
    places: [
      { file: 'README.md', marker: 'GeneratorSourceConnector' },
      { file: 'docs/connectors/generator.md', marker: '' },
    ],
  },
];

const begin = (marker: string): string => (marker === '' ? '<!-- config-table:begin -->' : `<!-- config-table:begin ${marker} -->`);
const end = (marker: string): string => (marker === '' ? '<!-- config-table:end -->' : `<!-- config-table:end ${marker} -->`);

/** The text between the nth pair of markers, or undefined when there is no such pair. */
export function tableAt(text: string, marker: string, nth = 0): { start: number; end: number } | undefined {
  let from = 0;
  for (let i = 0; ; i++) {
    const b = text.indexOf(begin(marker), from);
    if (b < 0) return undefined;
    const e = text.indexOf(end(marker), b);
    if (e < 0) return undefined;
    if (i === nth) return { start: b + begin(marker).length, end: e };
    from = e;
  }
}

export function tableOf(connector: Connector): string {
  return `\n${connector.config().toMarkdown().trimEnd()}\n`;
}

/** Rewrites every table; returns the files changed. */
export async function writeConnectorDocs(): Promise<string[]> {
  const changed = new Set<string>();
  const texts = new Map<string, string>();
  for (const entry of CONNECTOR_TABLES) {
    const table = tableOf(entry.connector());
    for (const place of entry.places) {
      const text = texts.get(place.file) ?? (await readFile(path.join(ROOT, place.file), 'utf8'));
      const at = tableAt(text, place.marker, place.nth);
      if (at === undefined) throw new Error(`${place.file}: no config-table markers for ${entry.name}`);
      const next = text.slice(0, at.start) + table + text.slice(at.end);
      if (next !== text) changed.add(place.file);
      texts.set(place.file, next);
    }
  }
  for (const file of changed) await writeFile(path.join(ROOT, file), texts.get(file)!);
  return [...changed];
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  const changed = await writeConnectorDocs();
  console.log(changed.length === 0 ? 'connector docs: up to date' : `connector docs: rewrote ${changed.join(', ')}`);
}
