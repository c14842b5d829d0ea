/**
 * Reading worker and connector config files: Java `.properties` (as Kafka Connect's), or JSON —
 * a flat object, nested objects (joined with dots), or a connector as Kafka Connect's REST API
 * takes it (`{"name": …, "config": {…}}`). Values become strings, as in a .properties file; arrays
 * become comma-separated lists.
 */
import { readFile } from 'node:fs/promises';
import { parseProperties } from './properties.js';

/** A config file that cannot be read or parsed; the message names the file. */
export class ConfigFileError extends Error {
  readonly code = 'CONNECTD_ERR_CONFIG_FILE';
  readonly file: string;
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'ConfigFileError';
    this.file = file;
  }
}

export async function readConfigFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigFileError(file, `cannot read: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  return file.endsWith('.json') ? parseJsonConfig(text, file) : parseProperties(text);
}

export function parseJsonConfig(text: string, file = 'JSON config'): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(file, `not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) throw new ConfigFileError(file, 'expected a JSON object of configuration keys');
  // Kafka Connect's REST shape for a connector: {"name": "...", "config": {...}}.
  const keys = Object.keys(parsed);
  if (isObject(parsed.config) && keys.every((k) => k === 'name' || k === 'config' || k === 'tasks' || k === 'type')) {
    const config = flatten(parsed.config, '', file);
    if (typeof parsed.name === 'string') config.name ??= parsed.name;
    return config;
  }
  return flatten(parsed, '', file);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function flatten(obj: Record<string, unknown>, prefix: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix + k;
    if (isObject(v)) Object.assign(out, flatten(v, `${key}.`, file));
    else if (Array.isArray(v)) {
      if (!v.every((item) => ['string', 'number', 'boolean'].includes(typeof item)))
        throw new ConfigFileError(file, `${key}: a list may hold only strings, numbers and booleans`);
      out[key] = v.map(String).join(',');
    } else if (v === null) throw new ConfigFileError(file, `${key}: null is not a value (leave the key out for its default)`);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else throw new ConfigFileError(file, `${key}: not a configuration value`);
  }
  return out;
}
