/** The S3 source connector's configuration: its ConfigDef, and the settings parsed from it. */
import { ConfigDef, ConfigException, Validators } from '../../sdk/index.js';
import type { ConfigProblem, ParsedValue } from '../../sdk/index.js';
import type { Compression } from './object-reader.js';
import { LocalObjectStore } from './local-object-store.js';
import type { ObjectStore } from './object-store.js';
import type { ChangedPolicy, ObjectFormat } from './partition-reader.js';
import { S3ObjectStore } from './s3-object-store.js';

export type KeyMode = 'none' | 'object-key' | 'object-key-line';

const SOURCE = 'Source';
const FORMAT = 'Format';
const CONNECTION = 'S3 connection';

/** The prefixes that overlap (one is a prefix of another): each object must belong to one partition. */
export function overlappingPrefixes(prefixes: readonly string[]): [string, string] | null {
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = 0; j < prefixes.length; j++) {
      if (i !== j && prefixes[j]!.startsWith(prefixes[i]!)) return [prefixes[i]!, prefixes[j]!];
    }
  }
  return null;
}

const bucketValidator = Validators.lambda(
  (_name, value) => {
    const text = String(value ?? '');
    if (text === '') return 'must name a bucket, or a directory as file:///path';
    if (text.startsWith('file:')) {
      if (!text.startsWith('file:///')) return 'a local directory is given as an absolute file: URL, file:///path/to/dir';
      return undefined;
    }
    // S3's rules for bucket names (the legacy ones that some S3-compatible servers still allow are a superset).
    if (!/^[a-z0-9][a-z0-9.\-_]{1,254}$/i.test(text))
      return 'is not a bucket name (3 to 255 letters, digits, dots, hyphens and underscores) nor a file:/// URL';
    return undefined;
  },
  () => 'a bucket name, or file:///path for a local directory',
);

const prefixesValidator = Validators.lambda(
  (_name, value) => {
    const prefixes = value as string[];
    if (new Set(prefixes).size !== prefixes.length) return 'lists a prefix twice';
    const overlap = overlappingPrefixes(prefixes);
    if (overlap !== null)
      return `prefixes must not overlap, but "${overlap[1]}" starts with "${overlap[0]}": its objects would be read twice`;
    return undefined;
  },
  () => 'prefixes none of which starts with another',
);

const endpointValidator = Validators.lambda(
  (_name, value) => {
    const text = String(value ?? '');
    if (text === '') return undefined;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return 'is not a URL (http://host:port or https://host)';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http or https URL, not ${url.protocol}`;
    return undefined;
  },
  () => 'empty, or an http(s) URL',
);

export const S3_SOURCE_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'bucket',
    type: 'STRING',
    importance: 'HIGH',
    group: SOURCE,
    orderInGroup: 1,
    validator: bucketValidator,
    documentation:
      'The bucket to read. A local directory instead, for trying the connector out or for people without S3: `file:///absolute/path` (keys are the paths below it, with `/`).',
  })
  .define({
    name: 'prefix.whitelist',
    type: 'LIST',
    default: '',
    importance: 'HIGH',
    group: SOURCE,
    orderInGroup: 2,
    validator: prefixesValidator,
    documentation:
      'Key prefixes to read, each a source partition (objects in key order, resumed from its own offset). Empty: the whole bucket. No prefix may start with another.',
  })
  .define({
    name: 'prefix.discovery.delimiter',
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: SOURCE,
    orderInGroup: 3,
    documentation:
      'With a delimiter (usually `/`), each sub-prefix found under a whitelisted prefix (`logs/` → `logs/web/`, `logs/db/`) is a source partition of its own, spread over the tasks, and new ones are found while running (the connector lists the bucket every `poll.interval.ms` and reconfigures its tasks). Objects directly under a whitelisted prefix form one more partition. Empty: no discovery, one partition per whitelisted prefix.',
  })
  .define({
    name: 'topic',
    type: 'STRING',
    importance: 'HIGH',
    group: SOURCE,
    orderInGroup: 4,
    validator: Validators.nonEmptyString(),
    documentation: 'The topic to write the records to.',
  })
  .define({
    name: 'poll.interval.ms',
    type: 'INT',
    default: '5000',
    importance: 'MEDIUM',
    group: SOURCE,
    orderInGroup: 5,
    validator: Validators.atLeast(10),
    documentation:
      'How long a task waits before listing a prefix again when it found nothing new there, and how often the connector looks for new prefixes.',
  })
  .define({
    name: 'batch.size',
    type: 'INT',
    default: '1000',
    importance: 'LOW',
    group: SOURCE,
    orderInGroup: 6,
    validator: Validators.between(1, 100_000),
    documentation: 'Most records one poll of a task returns.',
  })
  .define({
    name: 'object.format',
    type: 'STRING',
    default: 'lines',
    importance: 'HIGH',
    group: FORMAT,
    orderInGroup: 1,
    validator: Validators.validString('lines', 'jsonl', 'bytes'),
    documentation:
      '`lines`: a record per line, the value a string (UTF-8; a `\\r` before the `\\n` is dropped; empty lines are records too). `jsonl`: a record per line, the value the line parsed as JSON, schemaless (blank lines are skipped; a line that is not JSON fails the task, naming the object and line). `bytes`: a record per object, the value its bytes (the object is held in memory whole).',
  })
  .define({
    name: 'object.compression',
    type: 'STRING',
    default: 'auto',
    importance: 'MEDIUM',
    group: FORMAT,
    orderInGroup: 2,
    validator: Validators.validString('auto', 'gzip', 'none'),
    documentation:
      "`auto`: objects that start with gzip's magic bytes are decompressed, others read as they are. `gzip`: every object is gzip. `none`: never decompress (`bytes` then gives gzip objects as stored).",
  })
  .define({
    name: 'key.mode',
    type: 'STRING',
    default: 'object-key',
    importance: 'MEDIUM',
    group: FORMAT,
    orderInGroup: 3,
    validator: Validators.validString('none', 'object-key', 'object-key-line'),
    documentation:
      "The record key. `none`: null (the producer spreads the records over the partitions). `object-key`: the object's key, so the lines of an object stay in order in one partition. `object-key-line`: `<object key>:<line>` (for `bytes`, the object key).",
  })
  .define({
    name: 'object.changed.policy',
    type: 'STRING',
    default: 'reread',
    importance: 'LOW',
    group: FORMAT,
    orderInGroup: 4,
    validator: Validators.validString('reread', 'skip'),
    documentation:
      'When a task resumes inside an object that was overwritten since (its entity tag changed): `reread` reads the new version from its first line; `skip` goes on with the next object. Objects already read to their end are never read again either way.',
  })
  .define({
    name: 's3.endpoint',
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: CONNECTION,
    orderInGroup: 1,
    validator: endpointValidator,
    documentation: 'The endpoint of an S3-compatible server (`http://127.0.0.1:9000`). Empty: AWS, for `s3.region`.',
  })
  .define({
    name: 's3.region',
    type: 'STRING',
    default: 'us-east-1',
    importance: 'MEDIUM',
    group: CONNECTION,
    orderInGroup: 2,
    validator: Validators.nonEmptyString(),
    documentation: 'The region requests are signed for.',
  })
  .define({
    name: 's3.path.style.access.enabled',
    type: 'BOOLEAN',
    default: 'false',
    importance: 'MEDIUM',
    group: CONNECTION,
    orderInGroup: 3,
    documentation:
      'Address the bucket in the path (`http://host/bucket/key`) rather than in the host name (`http://bucket.host/key`). Most S3-compatible servers need `true`.',
  })
  .define({
    name: 'aws.access.key.id',
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: CONNECTION,
    orderInGroup: 4,
    documentation:
      "Access key. Empty: the AWS SDK's default credential chain (AWS_ACCESS_KEY_ID, shared credentials files, the instance or task role).",
  })
  .define({
    name: 'aws.secret.access.key',
    type: 'PASSWORD',
    default: '',
    importance: 'MEDIUM',
    group: CONNECTION,
    orderInGroup: 5,
    documentation: 'Secret key of `aws.access.key.id` (required with it).',
  })
  .define({
    name: 'aws.session.token',
    type: 'PASSWORD',
    default: '',
    importance: 'LOW',
    group: CONNECTION,
    orderInGroup: 6,
    documentation: 'Session token, for temporary credentials.',
  });

export interface S3SourceSettings {
  readonly bucket: string;
  readonly prefixes: readonly string[];
  readonly discoveryDelimiter: string;
  readonly topic: string;
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  readonly format: ObjectFormat;
  readonly compression: Compression;
  readonly keyMode: KeyMode;
  readonly changedPolicy: ChangedPolicy;
  readonly endpoint: string;
  readonly region: string;
  readonly pathStyle: boolean;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** Problems no single key's validator can see. */
export function crossKeyProblems(values: Readonly<Record<string, ParsedValue>>): ConfigProblem[] {
  const secret = values['aws.secret.access.key'];
  const hasSecret = secret !== null && secret !== undefined && String((secret as { value?: () => string }).value?.() ?? '') !== '';
  const problems: ConfigProblem[] = [];
  if (values['aws.access.key.id'] !== '' && !hasSecret) {
    problems.push({ name: 'aws.secret.access.key', value: null, message: 'is required with aws.access.key.id' });
  }
  if (values['aws.access.key.id'] === '' && hasSecret) {
    problems.push({ name: 'aws.access.key.id', value: null, message: 'is required with aws.secret.access.key' });
  }
  return problems;
}

/** Parses and checks `props`; throws ConfigException naming each bad key and why. */
export function parseSettings(props: Readonly<Record<string, string>>, context?: string): S3SourceSettings {
  const config = S3_SOURCE_CONFIG_DEF.parse(props, context);
  const problems = crossKeyProblems(config.values());
  if (problems.length > 0) throw new ConfigException(problems, context);
  const prefixes = config.getList('prefix.whitelist');
  return {
    bucket: config.getString('bucket'),
    prefixes: prefixes.length === 0 ? [''] : prefixes,
    discoveryDelimiter: config.getString('prefix.discovery.delimiter'),
    topic: config.getString('topic'),
    pollIntervalMs: config.getInt('poll.interval.ms'),
    batchSize: config.getInt('batch.size'),
    format: config.getString('object.format') as ObjectFormat,
    compression: config.getString('object.compression') as Compression,
    keyMode: config.getString('key.mode') as KeyMode,
    changedPolicy: config.getString('object.changed.policy') as ChangedPolicy,
    endpoint: config.getString('s3.endpoint'),
    region: config.getString('s3.region'),
    pathStyle: config.getBoolean('s3.path.style.access.enabled'),
    accessKeyId: config.getString('aws.access.key.id'),
    secretAccessKey: config.getPassword('aws.secret.access.key')?.value() ?? '',
    sessionToken: config.getPassword('aws.session.token')?.value() ?? '',
  };
}

/** The store the settings name: a local directory for file: URLs, else S3. */
export async function openStore(settings: S3SourceSettings): Promise<ObjectStore> {
  if (settings.bucket.startsWith('file:')) return new LocalObjectStore(settings.bucket);
  return S3ObjectStore.create(settings);
}
