/**
 * The config tables of the built-in connectors in the README and in docs/connectors/ are what their
 * ConfigDefs say today (regenerate with `node dist/tools/connector-docs.js`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { CONNECTOR_TABLES, ROOT, tableAt, tableOf } from '../../../tools/connector-docs.js';

for (const entry of CONNECTOR_TABLES) {
  t.test(`${entry.name}: its config tables are current`, async (t) => {
    const expected = tableOf(entry.connector());
    t.match(expected, /\| Name \| Description \| Type \| Default \| Valid Values \| Importance \|/, 'a Markdown table of its keys');
    for (const place of entry.places) {
      const text = await readFile(path.join(ROOT, place.file), 'utf8');
      const at = tableAt(text, place.marker, place.nth);
      t.ok(at !== undefined, `${place.file} has the markers`);
      if (at !== undefined)
        t.equal(
          text.slice(at.start, at.end),
          expected,
          `${place.file}: run node dist/tools/connector-docs.js after changing the ConfigDef`,
        );
    }
  });
}
