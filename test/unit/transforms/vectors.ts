/** Reading test/unit/transforms/vectors/transforms.json (written by TransformVectors.java from Kafka 4.1.1). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorDescription, SchemaDescription, TaggedValue } from '../data/vectors.js';

export interface RecordDescription {
  kind: 'source' | 'sink';
  topic: string;
  partition: number | null;
  timestamp: number | null;
  offset?: number;
  keySchema: SchemaDescription | null;
  key: TaggedValue;
  valueSchema: SchemaDescription | null;
  value: TaggedValue;
  headers: { key: string; text: string | null }[];
}

export interface Vector {
  name: string;
  class: string;
  config: Record<string, string>;
  record: RecordDescription;
  result?: RecordDescription | null;
  test?: boolean;
  error?: ErrorDescription;
}

export interface KafkaConfigKey {
  name: string;
  type: string;
  required: boolean;
  default?: string | null;
  importance: string;
  documentation: string;
  validator: string;
}

export interface DateFormatVectors {
  format: { pattern: string; millis: number; text: string }[];
  parse: { pattern: string; text: string; millis: number | null }[];
  illegal: { pattern: string; error: string | null }[];
}

export interface TransformVectorFile {
  transforms: Vector[];
  simpleDateFormat: DateFormatVectors;
  configDefs: Record<string, KafkaConfigKey[]>;
}

let cached: TransformVectorFile | undefined;

export function transformVectors(): TransformVectorFile {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'test', 'unit', 'transforms', 'vectors', 'transforms.json');
    if (existsSync(file)) return (cached ??= JSON.parse(readFileSync(file, 'utf8')) as TransformVectorFile);
  }
  throw new Error('test/unit/transforms/vectors/transforms.json not found above this test');
}
