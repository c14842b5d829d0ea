/**
 * A worked example of a connector package outside connectd's source tree: it depends on connectd
 * and imports only `connectd/sdk`, as a third party's would. After Confluent's SpoolDir connectors:
 * files of JSON lines dropped into `input.path` become records with a Struct value (schema from
 * `fields`), and a file moves to `finished.path` once every one of its records is in Kafka.
 *
 * What it shows beyond the directory-source example:
 * - the ack contract: the file is moved in `commitRecord`, which connectd calls only after Kafka
 *   acknowledged the record and its offset was persisted, so a crash before that re-reads the
 *   file from the committed line and loses nothing;
 * - Struct values with a schema built from the config (SchemaBuilder), a LIST key with its own
 *   validator, and a ConnectException naming the file and line a bad line came from.
 *
 * Files must be complete when they appear in `input.path` (write elsewhere, then rename).
 * Install: `npm install && npm run build` here, then `plugin.path=<this directory>` and
 * `connector.class=SpoolDirSource`.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigDef, ConnectException, SchemaBuilder, SourceConnector, SourceRecord, SourceTask, Struct, Validators } from 'connectd/sdk';
import type { ParsedConfig, RecordMetadata, Schema, TaskConfig } from 'connectd/sdk';

const FIELD_TYPES = ['string', 'int64', 'float64', 'boolean'] as const;
type FieldType = (typeof FIELD_TYPES)[number];

/** `name:type` pairs, e.g. `id:int64,name:string`. */
function parseFields(list: readonly string[]): { name: string; type: FieldType }[] {
  return list.map((entry) => {
    const [name = '', type = ''] = entry.split(':').map((s) => s.trim());
    if (name === '' || !(FIELD_TYPES as readonly string[]).includes(type)) {
      throw new Error(`"${entry}" is not name:type with a type among ${FIELD_TYPES.join(', ')}`);
    }
    return { name, type: type as FieldType };
  });
}

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'input.path',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Directory the files are dropped into.',
    validator: Validators.nonEmptyString(),
  })
  .define({
    name: 'finished.path',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Directory a file moves to once all its records are in Kafka.',
    validator: Validators.nonEmptyString(),
  })
  .define({
    name: 'topic',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Topic to write the records to.',
    validator: Validators.nonEmptyString(),
  })
  .define({
    name: 'fields',
    type: 'LIST',
    importance: 'HIGH',
    documentation: `The value's fields, name:type (types: ${FIELD_TYPES.join(', ')}); every field is optional.`,
    // A validator function: the problem's text, or undefined when the value is fine.
    validator: (_name, value) => {
      try {
        return parseFields(value as string[]).length === 0 ? 'at least one field is needed' : undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  })
  .define({
    name: 'key.field',
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation: 'The field whose value is the record key (empty: no key).',
  })
  .define({
    name: 'file.suffix',
    type: 'STRING',
    default: '.jsonl',
    importance: 'MEDIUM',
    documentation: 'Only files whose name ends with this are read.',
  })
  .define({
    name: 'batch.size',
    type: 'INT',
    default: '500',
    importance: 'LOW',
    documentation: 'Most records returned by one poll.',
    validator: Validators.atLeast(1),
  })
  .define({
    name: 'poll.interval.ms',
    type: 'INT',
    default: '1000',
    importance: 'LOW',
    documentation: 'How long a poll waits when no file is there.',
    validator: Validators.atLeast(10),
  });

export class SpoolDirSourceConnector extends SourceConnector {
  #props: Readonly<Record<string, string>> = {};

  version(): string {
    return '1.0.0';
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  override validate(props: Readonly<Record<string, string>>): ReturnType<SourceConnector['validate']> {
    const values = super.validate(props);
    // A cross-key check: the key field must be one of the fields.
    const keyField = props['key.field'] ?? '';
    const fields = values.get('fields');
    if (keyField !== '' && fields !== undefined && fields.errorMessages.length === 0) {
      const names = parseFields((props.fields ?? '').split(',')).map((f) => f.name);
      if (!names.includes(keyField))
        values.get('key.field')?.addErrorMessage(`key.field ${keyField} is not among the fields (${names.join(', ')})`);
    }
    return values;
  }

  start(props: Readonly<Record<string, string>>): void {
    const config = CONFIG_DEF.parse(props);
    mkdirSync(config.getString('finished.path'), { recursive: true });
    this.#props = props;
  }

  taskClass(): new () => SourceTask {
    return SpoolDirSourceTask;
  }

  /** One task: files are taken in name order, one at a time, as SpoolDir does. */
  taskConfigs(): TaskConfig[] {
    return [{ ...this.#props }];
  }

  stop(): void {}
}

interface OpenFile {
  name: string;
  /** The source partition of the file's records: one per file name. */
  partition: { file: string };
  lines: string[];
  /** Lines already turned into records (from the committed offset on). */
  next: number;
}

export class SpoolDirSourceTask extends SourceTask {
  #config!: ParsedConfig;
  #schema!: Schema;
  #fields: { name: string; type: FieldType }[] = [];
  #file: OpenFile | undefined;
  /** The last record of each file, and its file: commitRecord moves the file when it sees one. */
  readonly #lastRecords = new WeakMap<SourceRecord, string>();
  /** Files read to the end in this run (moved, or waiting for their last record's commit). */
  readonly #done = new Set<string>();
  readonly #stopping = new AbortController();

  version(): string {
    return '1.0.0';
  }

  start(props: Readonly<TaskConfig>): void {
    this.#config = CONFIG_DEF.parse(props);
    this.#fields = parseFields(this.#config.getList('fields'));
    const builder = SchemaBuilder.struct().name('spooldir.Value');
    for (const f of this.#fields) builder.field(f.name, SchemaBuilder.type(schemaType(f.type)).optional().build());
    this.#schema = builder.build();
  }

  async poll(): Promise<SourceRecord[] | null> {
    this.#file ??= await this.#openNext();
    if (this.#file === undefined) {
      await sleep(this.#config.getInt('poll.interval.ms'), undefined, { signal: this.#stopping.signal }).catch(() => undefined);
      return null;
    }
    const file = this.#file;
    const records: SourceRecord[] = [];
    const max = this.#config.getInt('batch.size');
    while (records.length < max && file.next < file.lines.length) {
      const line = file.lines[file.next]!;
      file.next++;
      records.push(this.#record(file, line, file.next));
    }
    if (file.next >= file.lines.length) {
      this.#file = undefined;
      this.#done.add(file.name);
      const last = records.at(-1);
      // Every line was committed in an earlier run: nothing left to wait for.
      if (last === undefined) this.#finish(file.name);
      else this.#lastRecords.set(last, file.name);
    }
    return records;
  }

  /** The ack: called once the record is in Kafka and its offset persisted, in poll order. */
  override commitRecord(record: SourceRecord, _metadata: RecordMetadata | null): void {
    const finished = this.#lastRecords.get(record);
    if (finished !== undefined) this.#finish(finished);
  }

  stop(): void {
    this.#stopping.abort();
  }

  async #openNext(): Promise<OpenFile | undefined> {
    const input = this.#config.getString('input.path');
    const suffix = this.#config.getString('file.suffix');
    const name = readdirSync(input)
      .filter((n) => n.endsWith(suffix) && !this.#done.has(n))
      .sort()[0];
    if (name === undefined) return undefined;
    const partition = { file: name };
    const offset = await this.context.offsetStorageReader().offset(partition);
    const text = readFileSync(path.join(input, name), 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return { name, partition, lines, next: Number(offset?.line ?? 0) };
  }

  #record(file: OpenFile, line: string, lineNumber: number): SourceRecord {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new ConnectException(`${file.name}:${lineNumber}: not a JSON line (${(err as Error).message})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new ConnectException(`${file.name}:${lineNumber}: not a JSON object`);
    const value = new Struct(this.#schema);
    for (const f of this.#fields) {
      const v = (json as Record<string, unknown>)[f.name];
      if (v === undefined || v === null) continue;
      if (typeof v !== jsType(f.type) || (f.type === 'int64' && !Number.isInteger(v))) {
        throw new ConnectException(`${file.name}:${lineNumber}: field ${f.name} is not a ${f.type}: ${JSON.stringify(v)}`);
      }
      value.put(f.name, v);
    }
    const keyField = this.#config.getString('key.field');
    const key: unknown = keyField === '' ? null : value.get(keyField);
    return new SourceRecord({
      sourcePartition: file.partition,
      // The line number: a restart resumes after the last line whose record was committed.
      sourceOffset: { line: lineNumber },
      topic: this.#config.getString('topic'),
      ...(typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean' ? { key: String(key) } : {}),
      valueSchema: this.#schema,
      value,
    });
  }

  #finish(name: string): void {
    const from = path.join(this.#config.getString('input.path'), name);
    try {
      renameSync(from, path.join(this.#config.getString('finished.path'), name));
    } catch (err) {
      // Already moved (a second run over the same committed file): nothing to do.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

function schemaType(type: FieldType): 'STRING' | 'INT64' | 'FLOAT64' | 'BOOLEAN' {
  return type === 'string' ? 'STRING' : type === 'int64' ? 'INT64' : type === 'float64' ? 'FLOAT64' : 'BOOLEAN';
}

function jsType(type: FieldType): string {
  return type === 'string' ? 'string' : type === 'boolean' ? 'boolean' : 'number';
}
