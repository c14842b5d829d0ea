/** RegexRouter: a whole-topic match, then Matcher.replaceFirst with Java's replacement syntax. */
import t from 'tap';
import { RegexRouter } from '../../../src/worker-thread/transforms/regex-router.js';
import { configProblems, configured, sourceRecord } from './helpers.js';

const route = (regex: string, replacement: string, topic: string): string =>
  configured(RegexRouter, { regex, replacement }).apply(sourceRecord({ topic, value: 'x' })).topic;

t.test('routes a matching topic, leaves the others', async (t) => {
  t.equal(route('(.*)-(\\d+)', '$2_$1', 'orders-17'), '17_orders');
  t.equal(route('orders', 'x', 'orders-17'), 'orders-17', 'the whole topic must match');
  const record = sourceRecord({ topic: 'other', value: 'x' });
  t.equal(configured(RegexRouter, { regex: 'orders', replacement: 'x' }).apply(record), record, 'unchanged: the same record');
  t.equal(route('.*?', 'pre-', 'orders'), 'pre-orders', 'replaceFirst finds the first (here empty) match, as Java does');
  t.equal(route('(?<word>[a-z]+)', '\\$${word}\\\\', 'orders'), '$orders\\');
  t.equal(route('(o)(r)(d)(e)(r)(s)', '$12', 'orders'), 'o2', '$12 is group 1 then "2" when there is no group 12');
  t.equal(route('(a)?orders', '[$1]', 'orders'), '[]', 'a group that did not match adds nothing');
});

t.test('config errors', async (t) => {
  t.same(
    configProblems(() => configured(RegexRouter, { regex: 'a', replacement: '$2' })),
    [['replacement', 'Invalid replacement for the regex: No group 2']],
  );
  t.same(
    configProblems(() => configured(RegexRouter, { regex: 'a', replacement: 'x\\' })),
    [['replacement', 'Invalid replacement for the regex: character to be escaped is missing']],
  );
  t.same(
    configProblems(() => configured(RegexRouter, { regex: 'a', replacement: '${nope}' })),
    [['replacement', 'Invalid replacement for the regex: No group with name {nope}']],
  );
  const [[name, message] = ['', '']] = configProblems(() => configured(RegexRouter, { regex: '(', replacement: 'x' }));
  t.equal(name, 'regex');
  t.match(message, /^Invalid regex: /);
  t.same(
    configProblems(() => configured(RegexRouter, {})),
    [
      ['regex', 'Missing required configuration "regex" which has no default value.'],
      ['replacement', 'Missing required configuration "replacement" which has no default value.'],
    ],
  );
});
