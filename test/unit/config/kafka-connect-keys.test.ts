/**
 * A Kafka Connect 4.1 worker config starts connectd unchanged: every key of Kafka Connect's own
 * StandaloneConfig and DistributedConfig (listed by running them from the cached jars) is either
 * implemented, or accepted with a warning that names it, or refused where ignoring it would give
 * the operator less than asked for. Typos still fail with "did you mean".
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { IGNORED_WORKER_KEYS, ignoredWorkerKeysMarkdown } from '../../../src/main-thread/config/kafka-connect-keys.js';
import { isSecurityKey } from '../../../src/main-thread/config/kafka-security.js';
import { WorkerConfigException, parseWorkerConfig } from '../../../src/main-thread/config/worker-config.js';
import type { WorkerConfig } from '../../../src/main-thread/config/worker-config.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const STANDALONE = {
  'bootstrap.servers': '127.0.0.1:9092',
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'offset.storage.file.filename': '/tmp/connectd-test.offsets',
  'plugin.path': '',
};
const DISTRIBUTED = {
  ...STANDALONE,
  'group.id': 'g',
  'config.storage.topic': 'c',
  'offset.storage.topic': 'o',
  'status.storage.topic': 's',
};

function problemsOf(fn: () => unknown): { name: string; message: string; value: unknown }[] {
  try {
    fn();
    return [];
  } catch (err) {
    if (err instanceof WorkerConfigException) return err.problems.map((p) => ({ name: p.name, message: p.message, value: p.value }));
    throw err;
  }
}

t.test('a Kafka Connect key connectd does not apply is accepted and listed for a warning', async (t) => {
  const cfg: WorkerConfig = parseWorkerConfig(
    {
      ...DISTRIBUTED,
      'scheduled.rebalance.max.delay.ms': '0',
      'connect.protocol': 'compatible',
      'metric.reporters': '',
      'admin.request.timeout.ms': '5000',
      'exactly.once.source.support': 'disabled',
      'rest.extension.classes': '',
    },
    'distributed',
    ROOT,
  );
  t.same(cfg.ignoredKeys.map((w) => w.key).sort(), [
    'admin.request.timeout.ms',
    'connect.protocol',
    'exactly.once.source.support',
    'metric.reporters',
    'rest.extension.classes',
    'scheduled.rebalance.max.delay.ms',
  ]);
  t.ok(
    cfg.ignoredKeys.every((w) => w.reason.length > 20),
    'each with its reason',
  );
});

t.test('worker-level header.converter is the default of every connector, as in Kafka Connect', async (t) => {
  const cfg = parseWorkerConfig(
    { ...STANDALONE, 'header.converter': 'org.apache.kafka.connect.storage.SimpleHeaderConverter', 'header.converter.x': 'y' },
    'standalone',
    ROOT,
  );
  t.same(cfg.ignoredKeys, []);
  t.equal(cfg.converterDefaults['header.converter'], 'org.apache.kafka.connect.storage.SimpleHeaderConverter');
  t.equal(cfg.converterDefaults['header.converter.x'], 'y');
});

t.test('refused where ignoring would weaken what was asked for', async (t) => {
  const basic = problemsOf(() =>
    parseWorkerConfig(
      { ...STANDALONE, 'rest.extension.classes': 'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension' },
      'standalone',
      ROOT,
    ),
  );
  t.equal(basic.length, 1);
  t.match(basic[0], { name: 'rest.extension.classes', message: /without authentication.*rest\.basic\.auth\.credentials\.file/ });
  const eos = problemsOf(() => parseWorkerConfig({ ...DISTRIBUTED, 'exactly.once.source.support': 'enabled' }, 'distributed', ROOT));
  t.match(eos, [{ name: 'exactly.once.source.support', message: /only disabled is accepted/ }]);
});

t.test('typos and keys that exist nowhere are still errors, with "did you mean"', async (t) => {
  t.match(
    problemsOf(() => parseWorkerConfig({ ...DISTRIBUTED, 'scheduled.rebalance.max.delay': '0' }, 'distributed', ROOT)),
    [{ name: 'scheduled.rebalance.max.delay', message: /did you mean scheduled\.rebalance\.max\.delay\.ms\?/ }],
  );
  t.match(
    problemsOf(() => parseWorkerConfig({ ...STANDALONE, 'no.such.key': '1' }, 'standalone', ROOT)),
    [{ name: 'no.such.key', message: /unknown worker configuration key/ }],
  );
  t.match(
    problemsOf(() => parseWorkerConfig({ ...STANDALONE, 'admin.': '1' }, 'standalone', ROOT)),
    [{ name: 'admin.' }],
    'a bare prefix is not a key',
  );
});

t.test("the README's table of these keys is the one the code generates", async (t) => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const begin = '<!-- generated from src/main-thread/config/kafka-connect-keys.ts (ignoredWorkerKeysMarkdown): do not edit -->\n';
  const start = readme.indexOf(begin);
  t.ok(start >= 0, 'the README has the generated table');
  const end = readme.indexOf('<!-- end of generated table -->', start);
  t.equal(readme.slice(start + begin.length, end), ignoredWorkerKeysMarkdown());
});

/** Lists Kafka Connect's worker keys per mode with their defaults, as Kafka's ConfigDef prints them. */
const LISTER = `
import org.apache.kafka.common.config.ConfigDef;
import java.lang.reflect.*;
public class WorkerKeys {
  public static void main(String[] a) throws Exception {
    Field f = Class.forName("org.apache.kafka.connect.runtime.standalone.StandaloneConfig").getDeclaredField("CONFIG");
    f.setAccessible(true);
    print("standalone", (ConfigDef) f.get(null));
    Class<?> crypto = Class.forName("org.apache.kafka.connect.runtime.distributed.Crypto");
    Method m = Class.forName("org.apache.kafka.connect.runtime.distributed.DistributedConfig").getDeclaredMethod("config", crypto);
    m.setAccessible(true);
    print("distributed", (ConfigDef) m.invoke(null, crypto.getField("SYSTEM").get(null)));
  }
  static void print(String mode, ConfigDef def) {
    for (ConfigDef.ConfigKey k : def.configKeys().values()) {
      String value = k.hasDefault() && k.defaultValue != null ? ConfigDef.convertToString(k.defaultValue, k.type) : "";
      System.out.println(mode + "\\t" + k.name + "\\t" + value.replace("\\n", " "));
    }
  }
}
`;

function connectLibs(): string | undefined {
  const version = /<kafka\.version>\s*([^<\s]+)\s*</.exec(readFileSync(join(ROOT, 'tools', 'kafka-connect', 'pom.xml'), 'utf8'))?.[1];
  const libs = join(ROOT, '.cache', 'kafka-connect', version ?? '?', 'libs');
  return version !== undefined && existsSync(join(libs, `connect-runtime-${version}.jar`)) ? libs : undefined;
}

const libs = connectLibs();
t.test(
  "every key of Kafka Connect's own worker config is accepted with its default value",
  { skip: libs === undefined && 'no Kafka Connect jars in .cache (run tools/bootstrap.sh)' },
  async (t) => {
    if (libs === undefined) return;
    const dir = mkdtempSync(join(tmpdir(), 'connectd-worker-keys-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'WorkerKeys.java'), LISTER);
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)('java', ['-cp', join(libs, '*'), 'WorkerKeys.java'], { cwd: dir, timeout: 120_000 }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return t.plan(0, 'no java on PATH');
      throw err;
    }
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t') as ['standalone' | 'distributed', string, string]);
    t.ok(rows.length > 150, `Kafka Connect lists ${rows.length} keys`);
    const refusedDefaults = new Set<string>();
    for (const [mode, key, value] of rows) {
      // connectd's own values for the keys it implements: what matters here is that the key is known.
      if (
        key in STANDALONE ||
        key in DISTRIBUTED ||
        key === 'listeners' ||
        key.startsWith('rest.advertised.') ||
        key === 'offset.storage.file.filename'
      )
        continue;
      // Security keys are translated to librdkafka or refused one by one (kafka-security.ts, its own
      // tests): a Java-only one is refused even at its default, since dropping it silently could
      // change what is enforced. Here it is enough that each is known.
      if (isSecurityKey(key)) continue;
      const base = mode === 'standalone' ? STANDALONE : DISTRIBUTED;
      const problems = problemsOf(() => parseWorkerConfig({ ...base, [key]: value }, mode, ROOT));
      const unknown = problems.filter((p) => /unknown worker configuration key/.test(p.message));
      if (unknown.length > 0) t.fail(`${mode}: ${key}=${value} is refused as unknown`);
      for (const p of problems) if (!/unknown/.test(p.message)) refusedDefaults.add(`${p.name}: ${p.message}`);
    }
    t.same([...refusedDefaults], [], "Kafka Connect's default values are valid in connectd too");
    const listed = new Set(rows.map((r) => r[1]));
    for (const key of Object.keys(IGNORED_WORKER_KEYS))
      t.ok(listed.has(key), `${key} is a key of Kafka Connect 4.1 (not one connectd made up)`);
  },
);
