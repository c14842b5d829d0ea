/**
 * The example connector configs shipped in config/ (Kafka Connect's own, unchanged) name the file
 * connectors by an alias that resolves, and are valid for them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parseProperties } from '../../../src/main-thread/config/properties.js';
import { loadConnectorClass } from '../../../src/shared/plugins.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

for (const [file, fullName] of [
  ['connect-file-source.properties', 'io.connectd.connectors.file.FileStreamSourceConnector'],
  ['connect-file-sink.properties', 'io.connectd.connectors.file.FileStreamSinkConnector'],
] as const) {
  t.test(`config/${file}`, async (t) => {
    const props = parseProperties(readFileSync(path.join(ROOT, 'config', file), 'utf8'));
    const Klass = await loadConnectorClass(props['connector.class']!, []);
    t.equal(Klass, await loadConnectorClass(fullName, []), `${props['connector.class']} is ${fullName}`);
    t.equal(
      Klass,
      await loadConnectorClass(fullName.replace('io.connectd.connectors.file', 'org.apache.kafka.connect.file'), []),
      "and so is Kafka Connect's class name",
    );
    const connector = new Klass();
    t.same(
      [...connector.validate(props).values()].flatMap((v) => v.errorMessages),
      [],
      'no errors',
    );
  });
}
