/**
 * Every worker key with its default and meaning, from the schema: `connectd --help-config` prints
 * the text form, and the README's key table is the markdown form (a test keeps them equal).
 */
import { WORKER_CONFIG_KEYS, envVarFor, workerKeyDefinition } from './worker-config-schema.js';
import type { WorkerKeyDefinition } from './worker-config-schema.js';
import { isSecretKey } from './secrets.js';

function defaultText(def: WorkerKeyDefinition): string {
  if (def.defaultText !== undefined) return def.defaultText;
  if (def.required === true) return '(required)';
  if (def.required === 'standalone') return '(required in standalone mode)';
  return def.default === '' ? '(empty)' : String(def.default);
}

function allowedValues(def: WorkerKeyDefinition): string {
  return Array.isArray(def.format) ? ` One of: ${(def.format as string[]).join(', ')}.` : '';
}

function byGroup(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const key of WORKER_CONFIG_KEYS) {
    const group = workerKeyDefinition(key)!.group;
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  return groups;
}

export function configHelpMarkdown(): string {
  const lines = ['| Key | Default | Meaning |', '|---|---|---|'];
  for (const [group, keys] of byGroup()) {
    lines.push(`| **${group}** | | |`);
    for (const key of keys) {
      const def = workerKeyDefinition(key)!;
      lines.push(`| \`${key}\` | ${defaultText(def).replaceAll('|', '\\|')} | ${(def.doc + allowedValues(def)).replaceAll('|', '\\|')} |`);
    }
  }
  return lines.join('\n') + '\n';
}

export function configHelpText(width = 100): string {
  const out: string[] = [
    'Worker configuration keys. Sources, each overriding the one before: the worker config file,',
    'CONNECTD_<KEY> environment variables, --override key=value on the command line.',
    '',
  ];
  for (const [group, keys] of byGroup()) {
    out.push(`${group}:`);
    for (const key of keys) {
      const def = workerKeyDefinition(key)!;
      out.push(`  ${key}  [default: ${defaultText(def)}]  ${envVarFor(key)}${isSecretKey(key) ? '  [secret]' : ''}`);
      out.push(...wrap(def.doc + allowedValues(def), width - 6).map((l) => `      ${l}`));
    }
    out.push('');
  }
  out.push(
    "Passed through: producer.* and consumer.* (librdkafka settings of the producers and of sink tasks'",
    'consumers; consumer.max.poll.records is applied by connectd), key.converter.* and value.converter.*',
    '(converter settings). Kafka security settings (security.protocol, sasl.*, ssl.*) go unprefixed,',
    'in Java or librdkafka spelling; Java-only forms are translated (sasl.jaas.config, JKS-free',
    'ssl.truststore.*/ssl.keystore.*) or refused with what to do instead.',
    '',
    'Secrets: [secret] keys, every key whose name says it holds one (…password…, …passphrase…,',
    '…secret…, …credentials…, sasl.jaas.config, …user.info, ….token, ….key) and the passwords in URLs',
    'show as [hidden] in log lines, REST answers and `connectd validate`, and their values are',
    'redacted from any message that quotes them (docs/rest.md, "Beyond Kafka Connect: secrets").',
  );
  return out.join('\n') + '\n';
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
