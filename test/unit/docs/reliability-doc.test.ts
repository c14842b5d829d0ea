/**
 * docs/reliability.md is generated from the fault suite's rows (tools/reliability-report.ts): it
 * must cover every fault test file, and publish no scenario that broke its promise. Regenerate with
 * `node dist/tools/reliability-report.js` after running the fault tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { render } from '../../../tools/reliability-report.js';

const REPO = path.resolve(import.meta.dirname, '../../../..');
const doc = readFileSync(path.join(REPO, 'docs/reliability.md'), 'utf8');

t.test('every fault test file has its rows in docs/reliability.md', (t) => {
  const files = readdirSync(path.join(REPO, 'test/faults')).filter((f) => f.endsWith('.test.ts'));
  t.ok(files.length > 0, 'there are fault tests');
  for (const f of files)
    t.ok(
      doc.includes(`\`test/faults/${f}\``),
      `test/faults/${f} in docs/reliability.md (run it, then node dist/tools/reliability-report.js)`,
    );
  t.end();
});

t.test('no published scenario broke its promise', (t) => {
  const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
  t.ok(rows.length > 0, 'scenario rows');
  t.same(
    rows.filter((l) => l.includes('**NO**')),
    [],
    'every row kept its promise',
  );
  t.end();
});

t.test('the renderer marks a broken promise', (t) => {
  const row = {
    scenario: 'x',
    test: 'test/faults/x.test.ts',
    injected: 'a fault',
    bound: 'none',
    maxDuplicates: 0,
    recoverySeconds: 1.5,
    recordsIn: 3,
    recordsOut: 3,
    lost: 1,
    duplicated: 1,
    unexpected: 0,
    lostExamples: ['p0#1'],
  };
  t.match(render([row], 'abc'), /\| `x` \| a fault \| 3 \| 3 \| 1 \| 1 \| none \(≤ 0\) \| 1.5 s \| \*\*NO\*\* \|/);
  t.match(render([{ ...row, lost: 0, duplicated: 0 }], 'abc'), /\| yes \|/);
  t.end();
});
