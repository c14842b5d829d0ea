/**
 * Kafka Connect's standalone offsets file, read by `connectd offsets import`: the file written by
 * Kafka Connect 4.1.1's own FileOffsetBackingStore and JsonConverter
 * (test/fixtures/vectors/kafka-connect-4.1.1-standalone.offsets, made by
 * tools/kafka-connect/WriteStandaloneOffsets.java) gives back every key and offset; keys with an
 * emoji and a control character come back in the runtime's one text form; a tombstone is left out;
 * anything else (another magic number, a cut-short file, another class) is refused with the reason.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { FileOffsetBackingStore } from '../../../src/main-thread/storage/file-offset-backing-store.js';
import { kafkaConnectOffsets, readKafkaConnectOffsetsFile } from '../../../src/main-thread/storage/kafka-connect-offsets-file.js';
import { connectJson, offsetKey } from '../../../src/shared/offset-json.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const MAIN = fileURLToPath(new URL('../../../src/main-thread/cli/main.js', import.meta.url));
const real = await readFile(path.join(ROOT, 'test/fixtures/vectors/kafka-connect-4.1.1-standalone.offsets'));
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-kc-offsets-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

const EMOJI_NAME = 'orders-\u{1F4E6}';

t.test('reads every entry of the file Kafka Connect wrote, byte for byte', async (t) => {
  const entries = readKafkaConnectOffsetsFile(real).map(({ key, value }) => [
    key === null ? null : Buffer.from(key).toString(),
    value === null ? null : Buffer.from(value).toString(),
  ]);
  t.same(
    new Map(entries as [string, string | null][]),
    new Map([
      ['["orders-\\uD83D\\uDCE6",{"filename":"/data/in-\\uD83D\\uDCE6.txt"}]', '{"position":99}'],
      ['["orders-\\uD83D\\uDCE6",{"filename":"/data/ctl-\\u001F.txt"}]', '{"position":7}'],
      ['["reset",{"filename":"/data/gone.txt"}]', null],
      ['["file-source",{"filename":"/data/in.txt"}]', '{"position":1234}'],
      ['["pg",{"table":"public.orders"}]', '{"id":42,"ts":1700000000000}'],
    ]),
  );
});

t.test('offsets: the tombstone left out, the rest parsed', async (t) => {
  const offsets = kafkaConnectOffsets(real);
  t.equal(offsets.length, 4);
  t.notOk(
    offsets.some((o) => o.connector === 'reset'),
    'a reset partition (null offset) is not imported',
  );
  t.same(
    offsets.find((o) => o.connector === 'pg'),
    { connector: 'pg', partition: { table: 'public.orders' }, offset: { id: 42, ts: 1700000000000 } },
  );
});

t.test('non-ASCII keys: imported keys are the ones the runtime looks up (Kafka Connect’s exact bytes)', async (t) => {
  const file = path.join(root, 'roundtrip', 'offsets.json');
  const store = new FileOffsetBackingStore(file);
  await store.start();
  const entries = new Map(kafkaConnectOffsets(real).map((o) => [offsetKey(o.connector, connectJson(o.partition)), connectJson(o.offset)]));
  await store.set(entries);
  await store.stop();
  const reopened = new FileOffsetBackingStore(file);
  await reopened.start();
  // What the file source's task asks for, built from the decoded name and partition.
  const runtimeKey = offsetKey(EMOJI_NAME, connectJson({ filename: '/data/in-\u{1F4E6}.txt' }));
  t.equal(
    runtimeKey,
    '["orders-\\uD83D\\uDCE6",{"filename":"/data/in-\\uD83D\\uDCE6.txt"}]',
    'the runtime key is Kafka Connect’s key bytes',
  );
  t.same(reopened.get([runtimeKey, offsetKey(EMOJI_NAME, connectJson({ filename: '/data/ctl-\u001f.txt' }))]), [
    '{"position":99}',
    '{"position":7}',
  ]);
  t.equal([...reopened.entries()].length, 4);
});

t.test('anything but Kafka Connect’s file is refused with the reason', async (t) => {
  const bad = (buf: Buffer, reason: RegExp, what: string): void => {
    t.throws(() => readKafkaConnectOffsetsFile(buf), { name: 'KafkaConnectOffsetsFileError', message: reason }, what);
  };
  bad(
    Buffer.from('{"version":1,"offsets":[]}'),
    /^not a Kafka Connect standalone offsets file: it does not start with the Java serialization magic number 0xACED \(at byte 0\)$/,
    'a connectd JSON file',
  );
  bad(Buffer.alloc(0), /magic number/, 'an empty file');
  bad(
    real.subarray(0, real.length - 20),
    /^not a Kafka Connect standalone offsets file: the file ends after \d+ bytes, inside the map \(truncated\?\)/,
    'a truncated file',
  );
  bad(real.subarray(0, real.length - 1), /the file ends after 496 bytes/, 'the last byte missing');
  const sixth = Buffer.from(real);
  sixth[sixth.length - 1] = 0x70;
  bad(sixth, /expected the end of the HashMap after its 5 entries, found byte 0x70 \(at byte 496\)/, 'more entries than the HashMap said');
  bad(Buffer.concat([real, Buffer.from([0])]), /1 bytes follow the HashMap/, 'trailing bytes');
  const treeMap = Buffer.from(real);
  treeMap.write('java.util.TreeMap', 8, 'latin1');
  bad(treeMap, /expected class java\.util\.HashMap, found "java\.util\.TreeMap"/, 'another class');
  const version = Buffer.from(real);
  version.writeUInt16BE(4, 2);
  bad(version, /stream version 4/, 'another stream version');
  const badJson = Buffer.from(real);
  badJson.write('X', badJson.indexOf('{"position":99}'), 'latin1');
  t.throws(() => kafkaConnectOffsets(badJson), /entry \d's value is not UTF-8 JSON/, 'an offset that is not JSON');
});

function connectd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 30000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
    });
  });
}

t.test('connectd offsets import: writes, refuses to overwrite, merges with --force', async (t) => {
  const from = path.join(root, 'cli', 'connect.offsets');
  const to = path.join(root, 'cli', 'offsets.json');
  await mkdir(path.join(root, 'cli'));
  await writeFile(from, real);

  const first = await connectd(['offsets', 'import', from, to]);
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, /imported 4 source partition offsets of 3 connectors/);
  const store = new FileOffsetBackingStore(to);
  await store.start();
  t.same(store.get(['["file-source",{"filename":"/data/in.txt"}]']), ['{"position":1234}']);

  const again = await connectd(['offsets', 'import', from, to]);
  t.equal(again.code, 1, 'a file holding offsets is not changed without --force');
  t.match(again.stderr, /already holds 4 source offsets: not changed\. Give --force/);

  const forced = await connectd(['offsets', 'import', '--force', from, to]);
  t.equal(forced.code, 0, forced.stderr);
  t.match(forced.stdout, /merged with the 4 it held/);

  const notKc = await connectd(['offsets', 'import', to, path.join(root, 'cli', 'other.json')]);
  t.equal(notKc.code, 4, 'a file that is not Kafka Connect’s: exit 4');
  t.match(notKc.stderr, /not a Kafka Connect standalone offsets file: it does not start with the Java serialization magic number/);

  for (const [args, reason] of [
    [['offsets', 'import', from], /offsets import: give <kafka-connect-offsets-file> <connectd-offsets-file>/],
    [['offsets'], /offsets: missing subcommand \(import\)/],
    [['offsets', 'export', from, to], /offsets: unknown subcommand 'export'/],
    [['offsets', 'import', from, to, 'extra'], /offsets import: unexpected argument 'extra'/],
    [['validate', to, '--force'], /validate: --force applies only to offsets import/],
  ] as [string[], RegExp][]) {
    const usage = await connectd(args);
    t.equal(usage.code, 2, `connectd ${args.join(' ')}: exit 2`);
    t.match(usage.stderr, reason);
  }
  t.match((await connectd(['--help'])).stdout, 'connectd offsets import <kafka-connect-offsets-file> <connectd-offsets-file> [--force]');
});
