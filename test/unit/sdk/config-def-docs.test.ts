/**
 * The documentation a ConfigDef renders: Kafka's order (no group first, then groups as defined; in one,
 * orderInGroup, required first, importance, name), internal keys left out, friendly units on .bytes and
 * .ms defaults, the dynamic update mode column, and Markdown that survives pipes and newlines.
 */
import t from 'tap';
import { ConfigDef } from '../../../src/worker-thread/sdk/config-def.js';
import type { ConfigKeyDefinition } from '../../../src/worker-thread/sdk/config-def.js';

const key = (name: string, extra: Partial<ConfigKeyDefinition> = {}): ConfigKeyDefinition => ({
  name,
  type: 'STRING',
  importance: 'LOW',
  documentation: `About ${name}.`,
  ...extra,
});

/** The names in a Markdown table, in row order. */
const rows = (markdown: string): string[] => [...markdown.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1] ?? '');

t.test('documentation order is Kafka sortedConfigs order', async (t) => {
  const def = new ConfigDef()
    .define(key('z.grouped.first', { group: 'Second', orderInGroup: 1 }))
    .define(key('b.low', { default: '' }))
    .define(key('a.low', { default: '' }))
    .define(key('c.high.optional', { default: '', importance: 'HIGH' }))
    .define(key('d.required.low'))
    .define(key('e.medium', { default: '', importance: 'MEDIUM' }))
    .define(key('f.ordered', { default: '', orderInGroup: 0 }))
    .define(key('y.grouped', { group: 'First', orderInGroup: 2 }))
    .define(key('x.grouped', { group: 'First', orderInGroup: 2, default: '' }))
    .define(key('w.grouped', { group: 'First', orderInGroup: 1, default: '' }))
    .define(key('hidden', { internal: true }));
  t.same(rows(def.toMarkdown()), [
    // no group; orderInGroup -1 before 0; required, then HIGH, MEDIUM, LOW; then by name
    'd.required.low',
    'c.high.optional',
    'e.medium',
    'a.low',
    'b.low',
    'f.ordered',
    // groups in the order they were first defined: Second before First
    'z.grouped.first',
    'w.grouped',
    'y.grouped',
    'x.grouped',
  ]);
  t.notMatch(def.toRst() + def.toEnrichedRst() + def.toHtmlTable(), 'hidden', 'internal keys are not documented');
  t.ok(def.validateAll({}).has('hidden'), 'but they are validated');
  t.match(def.toEnrichedRst(), /\nSecond\n\^{6}\n\n``z\.grouped\.first``[\s\S]*\nFirst\n\^{5}\n\n``w\.grouped``/);
});

t.test('defaults: null, "", units for .bytes and .ms (Kafka niceMemoryUnits/niceTimeUnits)', async (t) => {
  const def = new ConfigDef()
    .define(key('a.null', { default: null }))
    .define(key('b.empty', { default: '' }))
    .define(key('c.buffer.bytes', { type: 'INT', default: 1024 }))
    .define(key('d.max.bytes', { type: 'LONG', default: 3 * 1024 ** 3 }))
    .define(key('e.odd.bytes', { type: 'INT', default: 1000 }))
    .define(key('f.one.bytes', { type: 'LONG', default: 1024 ** 4 }))
    .define(key('g.timeout.ms', { type: 'INT', default: 30000 }))
    .define(key('h.interval.ms', { type: 'LONG', default: 3_600_000 }))
    .define(key('i.retention.ms', { type: 'LONG', default: 7 * 86_400_000 }))
    .define(key('j.backoff.ms', { type: 'INT', default: 1500 }))
    .define(key('k.disabled.ms', { type: 'LONG', default: -1 }))
    .define(key('l.string.ms', { default: 'soon' }))
    .define(key('m.list', { type: 'LIST', default: 'x,y' }))
    .define(key('n.one.minute.ms', { type: 'INT', default: 60000 }));
  const defaults = [...def.toMarkdown().matchAll(/^\| `[^`]+` \| [^|]* \| [a-z]+ \| ([^|]*) \|/gm)].map((m) => m[1]);
  t.same(defaults, [
    'null',
    '""',
    '1024 (1 kibibyte)',
    '3221225472 (3 gibibytes)',
    '1000',
    '1099511627776 (1 tebibyte)',
    '30000 (30 seconds)',
    '3600000 (1 hour)',
    '604800000 (7 days)',
    '1500',
    '-1',
    'soon',
    'x,y',
    '60000 (1 minute)',
  ]);
});

t.test('toHtmlTable with dynamic update modes adds Kafka column, read-only by default', async (t) => {
  const def = new ConfigDef().define(key('a', { default: '' })).define(key('b', { default: '' }));
  const html = def.toHtmlTable({ a: 'cluster-wide' });
  t.match(html, '<th>Importance</th>\n<th>Dynamic Update Mode</th>\n</tr>');
  t.match(html, '<td>low</td><td>cluster-wide</td></tr>');
  t.match(html, '<td>low</td><td>read-only</td></tr>');
  t.notMatch(def.toHtmlTable(), 'Dynamic Update Mode');
});

t.test('Markdown cells escape pipes and turn newlines into <br>; rst keeps each paragraph', async (t) => {
  const def = new ConfigDef().define(
    key('sep', { default: '|', documentation: 'First line.\nSecond | line.', validator: { violations: () => [], toString: () => 'a|b' } }),
  );
  t.match(def.toMarkdown(), '| `sep` | First line.<br>Second \\| line. | string | \\| | a\\|b | low |');
  t.equal(
    def.toRst(),
    '``sep``\n  First line.\n\n  Second | line.\n\n  * Type: string\n  * Default: |\n  * Valid Values: a|b\n  * Importance: low\n\n',
  );
  t.equal(
    new ConfigDef().toMarkdown(),
    '| Name | Description | Type | Default | Valid Values | Importance |\n| --- | --- | --- | --- | --- | --- |\n',
  );
});
