/** The predicates, and Filter. */
import t from 'tap';
import { Filter } from '../../../src/worker-thread/transforms/filter.js';
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from '../../../src/worker-thread/transforms/predicates/predicates.js';
import { configProblems, configured, sourceRecord } from './helpers.js';

t.test('TopicNameMatches: the whole topic name', async (t) => {
  const p = configured(TopicNameMatches, { pattern: 'ord.*s' });
  t.ok(p.test(sourceRecord({ topic: 'orders' })));
  t.notOk(p.test(sourceRecord({ topic: 'my-orders' })));
  t.equal(String(p), 'TopicNameMatches{pattern=ord.*s}');
  t.same(
    configProblems(() => configured(TopicNameMatches, { pattern: '' })),
    [['pattern', 'String must be non-empty']],
  );
  t.same(
    configProblems(() => configured(TopicNameMatches, { pattern: 'a++' })),
    [['pattern', 'Invalid regex: Possessive quantifiers are not supported near index 2: a++']],
  );
});

t.test('HasHeaderKey', async (t) => {
  const p = configured(HasHeaderKey, { name: 'h' });
  t.ok(
    p.test(
      sourceRecord({
        headers: [
          { key: 'x', value: null },
          { key: 'h', value: null },
        ],
      }),
    ),
  );
  t.notOk(p.test(sourceRecord({ headers: [{ key: 'H', value: 'h' }] })));
  t.equal(String(p), "HasHeaderKey{name='h'}");
  t.same(
    configProblems(() => configured(HasHeaderKey, {})),
    [['name', 'Missing required configuration "name" which has no default value.']],
  );
});

t.test('RecordIsTombstone', async (t) => {
  const p = configured(RecordIsTombstone);
  t.ok(p.test(sourceRecord({ value: null, key: 'k' })));
  t.notOk(p.test(sourceRecord({ value: '' })));
  t.equal(String(p), 'RecordIsTombstone{}');
});

t.test('Filter drops every record', async (t) => {
  t.equal(configured(Filter).apply(), null);
  t.same(Filter.CONFIG_DEF.keys(), []);
});
