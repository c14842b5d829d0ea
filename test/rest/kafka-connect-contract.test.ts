/**
 * REST compatibility against the real thing: one script of calls (STEPS) runs against Apache Kafka
 * Connect 4.1.1 standalone (the jars tools/bootstrap.sh puts in .cache/kafka-connect) and against
 * connectd, both on one real broker, with the same FileStreamSource/FileStreamSink configs. For each
 * step the status codes must be equal and the JSON shapes must match: keys and value types,
 * recursively (the values of `state`, `type` and `error_code` exactly; worker ids, versions, class
 * lists, traces and messages by type only).
 *
 * Every difference that remains is accepted in ACCEPTED with its reason (docs/rest.md lists them
 * too): a new difference, or an accepted one that is gone, fails the test. To see both answers
 * of every step, set CONTRACT_TRANSCRIPT=<file.json>. Without the Kafka Connect jars the test
 * fails at once, naming tools/bootstrap.sh (CI runs it).
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { KafkaConnectProcess, kafkaConnectLibsDir } from '../../bench/lib/java-contenders.js';
import { waitFor } from '../fixtures/wait.js';

// Missing jars fail here, naming the fix: CI fetches them with tools/bootstrap.sh.
kafkaConnectLibsDir();

/** Per side: `{{file}}`, `{{sinkFile}}`, `{{topic}}` and `{{version}}` (its FileStreamSource plugin's) in paths and bodies. */
type Vars = Record<string, string>;

interface Call {
  id: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** JSON body; a string is sent as is (malformed JSON). */
  body?: unknown;
  /** 'json': `Content-Type: application/json` even without a body (Kafka Connect's clients send it). Default: json when there is a body. */
  contentType?: 'json' | 'none';
  /** JSON paths ('$', '$.x') whose object keys are data (logger names), compared as one merged value. */
  mapAt?: string[];
}
/** Waits on both sides until the connector's status satisfies it (connector state, task count and states). */
interface Wait {
  wait: string;
  connector: string;
  state: string;
  tasks?: number;
}
type Step = Call | Wait;

const SOURCE = {
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
  'tasks.max': '1',
  file: '{{file}}',
  topic: '{{topic}}',
};
const SINK = {
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  'tasks.max': '1',
  file: '{{sinkFile}}',
  topics: '{{topic}}',
};
const BODYLESS = ['none', 'json'] as const;

/** The script. Bodyless state changes run twice: without a content type and with an empty JSON one. */
const STEPS: Step[] = [
  { id: 'root', method: 'GET', path: '/' },
  { id: 'list empty', method: 'GET', path: '/connectors' },
  { id: 'create: bad JSON', method: 'POST', path: '/connectors', body: '{"name": "x", "config": {' },
  { id: 'create: no body', method: 'POST', path: '/connectors', contentType: 'json' },
  { id: 'create: missing name', method: 'POST', path: '/connectors', body: { config: SOURCE } },
  { id: 'create: invalid config', method: 'POST', path: '/connectors', body: { name: 'bad', config: { ...SOURCE, 'tasks.max': 'many' } } },
  {
    id: 'create: unknown class',
    method: 'POST',
    path: '/connectors',
    body: { name: 'bad', config: { ...SOURCE, 'connector.class': 'com.example.NoSuchConnector' } },
  },
  {
    id: 'create: other plugin version',
    method: 'POST',
    path: '/connectors',
    body: { name: 'bad', config: { ...SOURCE, 'connector.plugin.version': '0.0.1' } },
  },
  {
    id: 'create',
    method: 'POST',
    path: '/connectors',
    body: { name: 'fs', config: { ...SOURCE, 'connector.plugin.version': '{{version}}' } },
  },
  { id: 'create: duplicate', method: 'POST', path: '/connectors', body: { name: 'fs', config: SOURCE } },
  { wait: 'fs running', connector: 'fs', state: 'RUNNING', tasks: 1 },
  { id: 'list', method: 'GET', path: '/connectors' },
  { id: 'list expand=status', method: 'GET', path: '/connectors?expand=status' },
  { id: 'list expand=info', method: 'GET', path: '/connectors?expand=info' },
  { id: 'list expand=status,info', method: 'GET', path: '/connectors?expand=status&expand=info' },
  { id: 'info', method: 'GET', path: '/connectors/fs' },
  { id: 'config', method: 'GET', path: '/connectors/fs/config' },
  { id: 'status', method: 'GET', path: '/connectors/fs/status' },
  { id: 'tasks', method: 'GET', path: '/connectors/fs/tasks' },
  { id: 'task status', method: 'GET', path: '/connectors/fs/tasks/0/status' },
  { id: 'task status: unknown task', method: 'GET', path: '/connectors/fs/tasks/7/status' },
  { id: 'info: unknown connector', method: 'GET', path: '/connectors/nope' },
  { id: 'config: unknown connector', method: 'GET', path: '/connectors/nope/config' },
  { id: 'status: unknown connector', method: 'GET', path: '/connectors/nope/status' },
  { id: 'tasks: unknown connector', method: 'GET', path: '/connectors/nope/tasks' },
  { id: 'topics', method: 'GET', path: '/connectors/fs/topics' },
  { id: 'topics: unknown connector', method: 'GET', path: '/connectors/nope/topics' },
  ...BODYLESS.map((contentType): Call => ({
    id: `topics reset (${contentType})`,
    method: 'PUT',
    path: '/connectors/fs/topics/reset',
    contentType,
  })),
  { id: 'offsets (running)', method: 'GET', path: '/connectors/fs/offsets' },
  {
    id: 'alter offsets (running)',
    method: 'PATCH',
    path: '/connectors/fs/offsets',
    body: { offsets: [{ partition: { filename: '{{file}}' }, offset: { position: 0 } }] },
  },
  { id: 'reset offsets (running)', method: 'DELETE', path: '/connectors/fs/offsets' },
  ...BODYLESS.flatMap((contentType): Step[] => [
    { id: `pause (${contentType})`, method: 'PUT', path: '/connectors/fs/pause', contentType },
    { wait: 'fs paused', connector: 'fs', state: 'PAUSED', tasks: 1 },
    { id: `status paused (${contentType})`, method: 'GET', path: '/connectors/fs/status' },
    { id: `resume (${contentType})`, method: 'PUT', path: '/connectors/fs/resume', contentType },
    { wait: 'fs resumed', connector: 'fs', state: 'RUNNING', tasks: 1 },
    { id: `restart (${contentType})`, method: 'POST', path: '/connectors/fs/restart', contentType },
    { wait: 'fs restarted', connector: 'fs', state: 'RUNNING', tasks: 1 },
    { id: `restart includeTasks (${contentType})`, method: 'POST', path: '/connectors/fs/restart?includeTasks=true', contentType },
    { wait: 'fs restarted with tasks', connector: 'fs', state: 'RUNNING', tasks: 1 },
    {
      id: `restart onlyFailed (${contentType})`,
      method: 'POST',
      path: '/connectors/fs/restart?includeTasks=true&onlyFailed=true',
      contentType,
    },
    { id: `task restart (${contentType})`, method: 'POST', path: '/connectors/fs/tasks/0/restart', contentType },
    { wait: 'fs task restarted', connector: 'fs', state: 'RUNNING', tasks: 1 },
    { id: `restart: unknown connector (${contentType})`, method: 'POST', path: '/connectors/nope/restart', contentType },
    { id: `stop (${contentType})`, method: 'PUT', path: '/connectors/fs/stop', contentType },
    { wait: 'fs stopped', connector: 'fs', state: 'STOPPED', tasks: 0 },
    { id: `status stopped (${contentType})`, method: 'GET', path: '/connectors/fs/status' },
    { id: `offsets (stopped, ${contentType})`, method: 'GET', path: '/connectors/fs/offsets' },
    {
      id: `alter offsets (stopped, ${contentType})`,
      method: 'PATCH',
      path: '/connectors/fs/offsets',
      body: { offsets: [{ partition: { filename: '{{file}}' }, offset: { position: 1 } }] },
    },
    { id: `alter offsets: empty (${contentType})`, method: 'PATCH', path: '/connectors/fs/offsets', body: { offsets: [] } },
    { id: `alter offsets: no body (${contentType})`, method: 'PATCH', path: '/connectors/fs/offsets', contentType },
    { id: `reset offsets (stopped, ${contentType})`, method: 'DELETE', path: '/connectors/fs/offsets', contentType },
    { id: `resume from stopped (${contentType})`, method: 'PUT', path: '/connectors/fs/resume', contentType },
    { wait: 'fs running again', connector: 'fs', state: 'RUNNING', tasks: 1 },
  ]),
  { id: 'pause: unknown connector', method: 'PUT', path: '/connectors/nope/pause' },
  { id: 'offsets: unknown connector', method: 'GET', path: '/connectors/nope/offsets' },
  { id: 'put config: create', method: 'PUT', path: '/connectors/sink/config', body: SINK },
  { wait: 'sink running', connector: 'sink', state: 'RUNNING', tasks: 1 },
  { id: 'put config: update', method: 'PUT', path: '/connectors/sink/config', body: { ...SINK, 'tasks.max': '2' } },
  { id: 'put config: name mismatch', method: 'PUT', path: '/connectors/sink/config', body: { ...SINK, name: 'other' } },
  { id: 'put config: invalid', method: 'PUT', path: '/connectors/sink/config', body: { ...SINK, 'tasks.max': 'many' } },
  { id: 'put config: bad JSON', method: 'PUT', path: '/connectors/sink/config', body: '{"file": ' },
  { id: 'patch config', method: 'PATCH', path: '/connectors/sink/config', body: { 'tasks.max': '1' } },
  { id: 'patch config: unknown connector', method: 'PATCH', path: '/connectors/nope/config', body: { 'tasks.max': '1' } },
  { wait: 'sink running after patch', connector: 'sink', state: 'RUNNING', tasks: 1 },
  { id: 'sink status', method: 'GET', path: '/connectors/sink/status' },
  { id: 'sink tasks', method: 'GET', path: '/connectors/sink/tasks' },
  { id: 'sink offsets (running)', method: 'GET', path: '/connectors/sink/offsets' },
  { id: 'plugins', method: 'GET', path: '/connector-plugins' },
  { id: 'plugins connectorsOnly=false', method: 'GET', path: '/connector-plugins?connectorsOnly=false' },
  { id: 'plugin config', method: 'GET', path: '/connector-plugins/FileStreamSourceConnector/config' },
  {
    id: 'plugin config: full class name',
    method: 'GET',
    path: '/connector-plugins/org.apache.kafka.connect.file.FileStreamSinkConnector/config',
  },
  { id: 'plugin config: version', method: 'GET', path: '/connector-plugins/FileStreamSourceConnector/config?version={{version}}' },
  { id: 'plugin config: other version', method: 'GET', path: '/connector-plugins/FileStreamSourceConnector/config?version=0.0.1' },
  { id: 'plugin config: unknown plugin', method: 'GET', path: '/connector-plugins/com.example.NoSuchConnector/config' },
  {
    id: 'validate: valid',
    method: 'PUT',
    path: '/connector-plugins/FileStreamSourceConnector/config/validate',
    body: { ...SOURCE, name: 'v' },
  },
  {
    id: 'validate: invalid',
    method: 'PUT',
    path: '/connector-plugins/FileStreamSourceConnector/config/validate',
    body: { ...SOURCE, name: 'v', 'tasks.max': 'many' },
  },
  {
    id: 'validate: unknown plugin',
    method: 'PUT',
    path: '/connector-plugins/com.example.NoSuchConnector/config/validate',
    body: { ...SOURCE, 'connector.class': 'com.example.NoSuchConnector', name: 'v' },
  },
  { id: 'loggers', method: 'GET', path: '/admin/loggers', mapAt: ['$'] },
  { id: 'set logger level', method: 'PUT', path: '/admin/loggers/org.example.contract', body: { level: 'DEBUG' } },
  { id: 'set logger level: bad level', method: 'PUT', path: '/admin/loggers/org.example.contract', body: { level: 'LOUD' } },
  { id: 'set logger level: no body', method: 'PUT', path: '/admin/loggers/org.example.contract', contentType: 'json' },
  { id: 'loggers after set', method: 'GET', path: '/admin/loggers', mapAt: ['$'] },
  { id: 'logger', method: 'GET', path: '/admin/loggers/org.example.contract' },
  { id: 'unknown path', method: 'GET', path: '/no/such/path' },
  { id: 'delete (none)', method: 'DELETE', path: '/connectors/fs' },
  // Last before its delete: Kafka Connect 4.1.1 then lists a FAILED task 7 (a NullPointerException) in the status.
  { id: 'task restart: unknown task', method: 'POST', path: '/connectors/sink/tasks/7/restart' },
  { id: 'delete (json)', method: 'DELETE', path: '/connectors/sink', contentType: 'json' },
  { id: 'delete: unknown connector', method: 'DELETE', path: '/connectors/nope' },
  { id: 'list at the end', method: 'GET', path: '/connectors' },
];

/** One accepted difference: in step `step` (a prefix of its id), at JSON path `at` (or 'status'). */
interface Accepted {
  step: string;
  at: string;
  reason: string;
}
const KC_NPE_500 =
  'Kafka Connect 4.1.1 answers 500 (a NullPointerException or Jackson parse error as the message); connectd answers 400 naming what the body must be';
const FRAMEWORK_KEYS =
  "the framework's keys differ, so the set of ConfigDef types does: connectd has no exactly-once, transaction, offsets.storage.topic, " +
  '*.plugin.version, tasks.max.enforce or config.action.reload keys (features it does not have), and adds task.restart.on.failure ' +
  'and the dead letter queue keys to sources too (SHORT: its replication factor)';
const ACCEPTED: Accepted[] = [
  { step: 'create: bad JSON', at: 'status', reason: KC_NPE_500 },
  { step: 'create: no body', at: 'status', reason: KC_NPE_500 },
  { step: 'put config: bad JSON', at: 'status', reason: KC_NPE_500 },
  { step: 'alter offsets: no body', at: 'status', reason: KC_NPE_500 },
  { step: 'set logger level: no body', at: 'status', reason: KC_NPE_500 },
  {
    step: 'restart: unknown connector',
    at: 'status',
    reason: 'Kafka Connect 4.1.1 answers 500 (a NullPointerException); connectd 404, as for every other call on an unknown connector',
  },
  {
    step: 'validate: unknown plugin',
    at: 'status',
    reason: 'Kafka Connect 4.1.1 answers 500 (a BadRequestException wrapped in a 500); connectd 400, as the wrapped exception meant',
  },
  {
    step: 'topics: unknown connector',
    at: 'status',
    reason:
      'Kafka Connect answers 200 {"<c>":{"topics":[]}} for a connector that does not exist; connectd 404, as for every other call on an unknown connector',
  },
  { step: 'topics: unknown connector', at: '$', reason: 'the 404 error body instead of the empty topics (see its status)' },
  {
    step: 'set logger level: bad level',
    at: 'status',
    reason: 'Kafka Connect answers 404 ("invalid log level"); connectd 400: the logger exists, the request is what is wrong',
  },
  { step: 'plugin config', at: '$[].type', reason: FRAMEWORK_KEYS },
  { step: 'validate: valid', at: '$.configs[].definition.type', reason: FRAMEWORK_KEYS },
  { step: 'validate: invalid', at: '$.configs[].definition.type', reason: FRAMEWORK_KEYS },
];

// ---------------------------------------------------------------------------------------------
// Shapes: a JSON value as its types, keys and (for a few keys) values, merged over array elements.

const EXACT_KEYS = new Set(['state', 'type', 'error_code']);

interface Shape {
  types: Set<string>;
  keys: Map<string, Shape>;
  items?: Shape;
  values: Set<string>;
}
const emptyShape = (): Shape => ({ types: new Set(), keys: new Map(), values: new Set() });

function addToShape(shape: Shape, value: unknown, jsonPath: string, exact: boolean, mapAt: readonly string[]): void {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  shape.types.add(type);
  if (exact && type !== 'object' && type !== 'array') shape.values.add(JSON.stringify(value));
  if (Array.isArray(value)) {
    shape.items ??= emptyShape();
    for (const item of value) addToShape(shape.items, item, `${jsonPath}[]`, false, mapAt);
  } else if (type === 'object') {
    const asMap = mapAt.includes(jsonPath);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const key = asMap ? '*' : k;
      if (!shape.keys.has(key)) shape.keys.set(key, emptyShape());
      addToShape(shape.keys.get(key)!, v, `${jsonPath}.${key}`, EXACT_KEYS.has(key), mapAt);
    }
  }
}

function shapeOf(value: unknown, mapAt: readonly string[] = []): Shape {
  const shape = emptyShape();
  addToShape(shape, value, '$', false, mapAt);
  return shape;
}

interface Difference {
  at: string;
  detail: string;
}
const sorted = (s: Iterable<string>): string => [...s].sort().join('|');

/** The differences between Kafka Connect's shape and connectd's. */
function compareShapes(kc: Shape, cd: Shape, at = '$', out: Difference[] = []): Difference[] {
  if (sorted(kc.types) !== sorted(cd.types))
    out.push({ at, detail: `types: Kafka Connect ${sorted(kc.types)}, connectd ${sorted(cd.types)}` });
  if (sorted(kc.values) !== sorted(cd.values))
    out.push({ at, detail: `values: Kafka Connect ${sorted(kc.values)}, connectd ${sorted(cd.values)}` });
  const onlyKc = [...kc.keys.keys()].filter((k) => !cd.keys.has(k));
  const onlyCd = [...cd.keys.keys()].filter((k) => !kc.keys.has(k));
  if (onlyKc.length > 0) out.push({ at, detail: `keys only Kafka Connect has: ${onlyKc.sort().join(', ')}` });
  if (onlyCd.length > 0) out.push({ at, detail: `keys only connectd has: ${onlyCd.sort().join(', ')}` });
  for (const [k, s] of kc.keys) {
    const other = cd.keys.get(k);
    if (other !== undefined) compareShapes(s, other, `${at}.${k}`, out);
  }
  if (kc.items !== undefined && cd.items !== undefined && kc.items.types.size > 0 && cd.items.types.size > 0)
    compareShapes(kc.items, cd.items, `${at}[]`, out);
  return out;
}

// ---------------------------------------------------------------------------------------------

interface Side {
  name: string;
  url: string;
  vars: Vars;
}
interface Answer {
  status: number;
  body: unknown;
}

const fill = (text: string, vars: Vars): string => text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? `{{${k}}}`);

async function send(side: Side, call: Call): Promise<Answer> {
  const body = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : fill(JSON.stringify(call.body), side.vars);
  const contentType = call.contentType ?? (body === undefined ? 'none' : 'json');
  const res = await fetch(side.url + fill(call.path, side.vars), {
    method: call.method,
    headers: contentType === 'json' ? { 'content-type': 'application/json' } : {},
    body,
    signal: AbortSignal.timeout(60000),
  });
  const text = await res.text();
  let parsed: unknown = text === '' ? undefined : text;
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    // Not JSON (Jetty's HTML error pages): compared as a string.
  }
  return { status: res.status, body: parsed };
}

async function waitStatus(side: Side, w: Wait): Promise<void> {
  let last = '';
  await waitFor(
    `${side.name}: ${w.wait}`,
    async () => {
      const res = await fetch(`${side.url}/connectors/${w.connector}/status`);
      last = await res.text();
      if (!res.ok) throw new Error(`status ${res.status}: ${last}`);
      const s = JSON.parse(last) as { connector: { state: string }; tasks: { state: string }[] };
      if (
        s.connector.state === w.state &&
        (w.tasks === undefined || (s.tasks.length === w.tasks && s.tasks.every((task) => task.state === w.state)))
      )
        return true;
      throw new Error(`last status ${last}`);
    },
    60000,
    100,
  );
}

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-contract-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

const converters = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'offset.flush.interval.ms': '1000',
};
async function sideDir(name: string): Promise<Vars> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'input.txt');
  await writeFile(file, 'one\ntwo\n');
  return { file, sinkFile: path.join(dir, 'sink.txt'), topic: `contract-${name}` };
}
const [kcVars, cdVars] = await Promise.all([sideDir('kafka-connect'), sideDir('connectd')]);
await Promise.all([cluster.createTopic(kcVars.topic!, { partitions: 1 }), cluster.createTopic(cdVars.topic!, { partitions: 1 })]);
const [kafkaConnect, connectd] = await Promise.all([
  KafkaConnectProcess.start({
    dir: path.join(root, 'kafka-connect'),
    bootstrapServers: cluster.bootstrapServers,
    worker: converters,
    connectors: [],
  }),
  ConnectdProcess.start({
    dir: path.join(root, 'connectd'),
    bootstrapServers: cluster.bootstrapServers,
    worker: { ...converters, 'allowed.paths': root },
    connectors: [],
  }),
]);
t.teardown(() => kafkaConnect.kill());
t.teardown(() => connectd.kill());

async function pluginVersion(url: string): Promise<string> {
  const plugins = (await (await fetch(`${url}/connector-plugins`)).json()) as { class: string; version: string }[];
  return plugins.find((p) => p.class.endsWith('FileStreamSourceConnector'))!.version;
}
const sides: [Side, Side] = [
  { name: 'Kafka Connect', url: kafkaConnect.url, vars: { ...kcVars, version: await pluginVersion(kafkaConnect.url) } },
  { name: 'connectd', url: connectd.url, vars: { ...cdVars, version: await pluginVersion(connectd.url) } },
];

t.test('the script answers alike on Kafka Connect and connectd', async (t) => {
  const found: (Difference & { step: string })[] = [];
  const transcript: unknown[] = [];
  t.teardown(async () => {
    if (process.env.CONTRACT_TRANSCRIPT) await writeFile(process.env.CONTRACT_TRANSCRIPT, JSON.stringify(transcript, null, 1));
  });
  for (const step of STEPS) {
    if ('wait' in step) {
      await Promise.all(sides.map((side) => waitStatus(side, step)));
      continue;
    }
    const [kc, cd] = await Promise.all(sides.map((side) => send(side, step)));
    transcript.push({ step: step.id, kc, cd });
    if (step.id === 'create') await Promise.all(sides.map((side) => appendFile(side.vars.file!, 'three\n')));
    const differences: Difference[] = [];
    if (kc!.status !== cd!.status) differences.push({ at: 'status', detail: `Kafka Connect ${kc!.status}, connectd ${cd!.status}` });
    // An error body's error_code is its status: one difference, not two.
    differences.push(
      ...compareShapes(shapeOf(kc!.body, step.mapAt), shapeOf(cd!.body, step.mapAt)).filter(
        (d) => !(d.at === '$.error_code' && kc!.status !== cd!.status),
      ),
    );
    for (const d of differences) found.push({ step: step.id, ...d });
  }
  const accepted = (d: { step: string; at: string }) => ACCEPTED.find((a) => d.step.startsWith(a.step) && d.at === a.at);
  const unexpected = found.filter((d) => accepted(d) === undefined);
  t.same(
    unexpected.map((d) => `${d.step} @ ${d.at}: ${d.detail}`),
    [],
    'no difference beyond the accepted ones',
  );
  const stale = ACCEPTED.filter((a) => !found.some((d) => d.step.startsWith(a.step) && d.at === a.at));
  t.same(stale, [], 'every accepted difference still occurs (else remove it here and in docs/rest.md)');
});
