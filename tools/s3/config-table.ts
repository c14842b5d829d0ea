// Writes the S3 source connector's config table (from its ConfigDef) into docs/connectors/s3-source.md,
// between the config-table markers: `node dist/tools/s3/config-table.js` after a build.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { S3_SOURCE_CONFIG_DEF } from '../../src/worker-thread/connectors/s3/s3-source-config.js';

export const DOC = path.resolve(import.meta.dirname, '../../../docs/connectors/s3-source.md');
const BEGIN = '<!-- config-table:begin -->';
const END = '<!-- config-table:end -->';

/** The document with its table section replaced by the table the ConfigDef gives now. */
export function withCurrentTable(doc: string): string {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${DOC} has no ${BEGIN} … ${END} section`);
  return `${doc.slice(0, begin + BEGIN.length)}\n${S3_SOURCE_CONFIG_DEF.toMarkdown()}${doc.slice(end)}`;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  writeFileSync(DOC, withCurrentTable(readFileSync(DOC, 'utf8')));
  console.log(`updated ${DOC}`);
}
