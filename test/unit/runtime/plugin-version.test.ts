import t from 'tap';
import { pluginVersionProblem } from '../../../src/shared/plugin-version.js';

const NAME = 'org.example.Conn';

t.test('no requirement, or one the version meets', async (t) => {
  t.equal(pluginVersionProblem(NAME, '4.1.1', undefined), undefined);
  t.equal(pluginVersionProblem(NAME, '4.1.1', ''), undefined);
  t.equal(pluginVersionProblem(NAME, '4.1.1', '4.1.1'), undefined, 'a plain version: that version exactly');
  t.equal(pluginVersionProblem(NAME, '4.1.1', '[4.1.1]'), undefined);
  t.equal(pluginVersionProblem(NAME, '4.1.1', '[4.0,5.0)'), undefined);
  t.equal(pluginVersionProblem(NAME, '4.1.10', '(4.1.9,)'), undefined, 'numeric parts compare as numbers');
  t.equal(pluginVersionProblem(NAME, '4.1.1', '[,4.1.1]'), undefined);
});

t.test("another version: Kafka Connect's message", async (t) => {
  t.equal(
    pluginVersionProblem(NAME, '4.1.1', '0.0.1'),
    `Plugin ${NAME} not found that matches the version range [0.0.1,0.0.1], available versions: [4.1.1]`,
  );
  t.match(pluginVersionProblem(NAME, '4.1.1', '[5.0,6.0)'), /version range \[5\.0,6\.0\), available versions: \[4\.1\.1\]/);
  t.match(pluginVersionProblem(NAME, '4.1.1', '(4.1.1,)'), /not found/, 'an open bound excludes it');
  t.match(pluginVersionProblem(NAME, '4.1.1', '[4.0'), /^Invalid version range "\[4\.0"/);
});
