/**
 * The one rule for secrets, used by every surface that shows configuration or text derived from it:
 * REST answers, status traces, error messages, log lines, `connectd validate`. Kafka Connect masks
 * only PASSWORD-type values, and only in some answers (AbstractHerder.convertConfigValue); connectd
 * promises that a secret never leaves the process (docs/rest.md "Beyond Kafka Connect: secrets").
 *
 * By key (what a config shows):
 * - a key the connector (or a converter) declares PASSWORD, or a key that is a secret by name
 *   ({@link isSecretKey}: `…password…`, `…secret…`, `sasl.jaas.config`, `…user.info`, `….key`…),
 *   shows `[hidden]`;
 * - any other value shows with the secret parts of URLs and connection strings masked:
 *   `postgres://user:[hidden]@host/db`, `…?user=u&password=[hidden]` ({@link maskUrlSecrets}).
 * A value sent back exactly as it was shown keeps the stored value ({@link unmaskConfig}), so a
 * read-modify-write round trip neither leaks nor loses a secret.
 *
 * By value (what text shows — traces, messages, log lines): the secret values of every config the
 * process knows (the ones above, the passwords inside URLs and JAAS configs, and every value a
 * config provider resolved) are remembered ({@link knownSecrets}) and replaced by `[hidden]`
 * wherever they appear, also URL-encoded, base64-encoded and JSON-escaped. Values shorter than
 * {@link MIN_REDACTED_LENGTH} characters are masked by key only: replacing every `1` or `abc` in
 * every message would make the output unreadable, and a secret that short is no secret.
 */

import { Password } from '../../worker-thread/sdk/config-def.js';

/** The mask, the same a connector's PASSWORD value prints as. */
export const HIDDEN = Password.HIDDEN;

/**
 * Below this length a secret value is not searched for in free text. It is still masked wherever
 * it is shown as a config value.
 */
export const MIN_REDACTED_LENGTH = 4;

const SECRET_KEY = /password|passphrase|secret|jaas|credentials|user\.info$|(^|\.)token$|\.key$|(^|\.)key\.pem$|(^|\.)api\.?key$/i;

/** Keys that name where or how a secret is found (a file holding it, say), not the secret itself. */
const NOT_SECRET_KEY = /\.(file|location|path|dir|url|source|type)$/i;

const NO_KEYS: ReadonlySet<string> = new Set();

/** Whether a key holds a secret by its name alone (worker, Kafka client and converter keys have no declared types). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key);
}

/** Whether a key holds a secret: declared PASSWORD (`passwordKeys`) or a secret by name. */
export function isSecret(passwordKeys: ReadonlySet<string>, key: string): boolean {
  return passwordKeys.has(key) || isSecretKey(key);
}

/** `scheme://user:PASSWORD@host…` (also `jdbc:postgresql://…`): the password, up to the last `@` of the authority. */
const URL_PASSWORD = /(\/\/[^/?#@\s:]*:)([^/?#\s]*)@/g;
/** `…?password=x&…`, `;password=x` (JDBC), `password=x` (libpq keyword form): a parameter whose name is a secret. */
const SECRET_PARAM = /(^|[?&;\s])([\w.-]+)=("[^"]*"|[^&;#\s]*)/g;

/**
 * The value with the secret parts of URLs and connection strings replaced by `[hidden]`; calls
 * `found` with each secret replaced.
 */
export function maskUrlSecrets(value: string, found?: (secret: string) => void): string {
  if (!value.includes('=') && !value.includes('@')) return value;
  return value
    .replace(URL_PASSWORD, (whole, before: string, password: string) => {
      if (password === '' || password === HIDDEN) return whole;
      found?.(password);
      return `${before}${HIDDEN}@`;
    })
    .replace(SECRET_PARAM, (whole, sep: string, name: string, param: string) => {
      if (!isSecretKey(name) || param === '' || param === HIDDEN || param === `"${HIDDEN}"`) return whole;
      found?.(param.startsWith('"') ? param.slice(1, -1) : param);
      return `${sep}${name}=${HIDDEN}`;
    });
}

/** A value as it may be shown: `[hidden]` for a secret key, else with URL secrets masked. */
export function maskValue(key: string, value: string, passwordKeys: ReadonlySet<string> = NO_KEYS): string {
  return isSecret(passwordKeys, key) ? HIDDEN : maskUrlSecrets(value);
}

/** As {@link maskValue}; null stays null (a missing key). */
export function displayValue(key: string, value: string | null, passwordKeys: ReadonlySet<string> = NO_KEYS): string | null {
  return value === null ? null : maskValue(key, value, passwordKeys);
}

/** The config as it may be shown: every value through {@link maskValue}. */
export function maskConfig(passwordKeys: ReadonlySet<string>, config: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k] = maskValue(k, v, passwordKeys);
  return out;
}

/**
 * A value sent back exactly as it was shown (masked) keeps the stored value: `[hidden]` for a
 * secret key, `postgres://u:[hidden]@h/db` for a URL. A value changed anywhere else is taken as
 * given, so a URL whose host changes needs its password again.
 */
export function unmaskConfig(
  passwordKeys: ReadonlySet<string>,
  stored: Readonly<Record<string, string>>,
  config: Record<string, string>,
): Record<string, string> {
  const out = { ...config };
  for (const [k, v] of Object.entries(out)) {
    const before = stored[k];
    if (before !== undefined && v !== before && v.includes(HIDDEN) && maskValue(k, before, passwordKeys) === v) out[k] = before;
  }
  return out;
}

/** `password="…"` (or `'…'`) inside a JAAS config. */
const JAAS_PASSWORD = /password\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;

/**
 * The secret values of a config, for redaction by value: secret keys' values (and the password
 * inside a JAAS config or after the `:` of a `user:password`), URL secrets in any value.
 * Placeholders (`${provider:…}`) are not secrets; the values they resolve to are (see
 * resolveConfig's `secrets`).
 */
export function secretValues(config: Readonly<Record<string, string>>, passwordKeys: ReadonlySet<string> = NO_KEYS): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    if (isSecret(passwordKeys, k)) {
      out.push(v);
      for (const m of v.matchAll(JAAS_PASSWORD)) out.push(m[1] ?? m[2] ?? '');
      if (/user\.info$/i.test(k) && v.includes(':')) out.push(v.slice(v.indexOf(':') + 1));
    }
    maskUrlSecrets(v, (secret) => {
      out.push(secret);
      // A percent-encoded URL password is used decoded.
      try {
        out.push(decodeURIComponent(secret));
      } catch {
        // Not valid percent-encoding: used as written.
      }
    });
  }
  return out.filter(isRedactable);
}

const PLACEHOLDER_ONLY = /^\$\{[^}]*\}$/;

function isRedactable(value: string): boolean {
  return value.length >= MIN_REDACTED_LENGTH && value !== HIDDEN && !PLACEHOLDER_ONLY.test(value);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces known secret values in text. Secrets are remembered per owner (a connector's name, or
 * `worker`) and never forgotten while the process runs: a connector's old password may still sit
 * in a task's error or a log line after its config changed.
 */
export class SecretValues {
  readonly #byOwner = new Map<string, Set<string>>();
  #pattern: RegExp | null = null;
  #dirty = false;

  /** Remembers `values` (those too short are ignored: see MIN_REDACTED_LENGTH). */
  remember(owner: string, values: Iterable<string>): void {
    let set = this.#byOwner.get(owner);
    for (const value of values) {
      if (!isRedactable(value)) continue;
      if (set === undefined) this.#byOwner.set(owner, (set = new Set()));
      if (set.has(value)) continue;
      set.add(value);
      this.#dirty = true;
    }
  }

  /** The text with every known secret (and its URL-encoded, base64 and JSON-escaped forms) replaced by `[hidden]`. */
  redact(text: string): string {
    const pattern = this.#compiled();
    if (pattern === null || text.length < MIN_REDACTED_LENGTH) return text;
    pattern.lastIndex = 0;
    return text.replace(pattern, HIDDEN);
  }

  /** Whether the text holds a known secret in any of its forms. */
  leaks(text: string): boolean {
    const pattern = this.#compiled();
    if (pattern === null) return false;
    pattern.lastIndex = 0;
    return pattern.test(text);
  }

  /** A copy of a JSON-like value with every string redacted (keys and structure kept). */
  redactDeep<T>(value: T, depth = 8): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (depth < 0 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v: unknown) => this.redactDeep(v, depth - 1)) as T;
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.redactDeep(v, depth - 1);
    return out as T;
  }

  /**
   * A JSON text (a log line) with its strings redacted, still valid JSON: replacing inside the
   * text as a whole could turn `"offset":1234` into invalid JSON when a secret is `1234`.
   */
  redactJsonLine(line: string): string {
    if (!this.leaks(line)) return line;
    try {
      const newline = line.endsWith('\n') ? '\n' : '';
      return JSON.stringify(this.redactDeep(JSON.parse(line) as unknown, 64)) + newline;
    } catch {
      return this.redact(line);
    }
  }

  #compiled(): RegExp | null {
    if (!this.#dirty) return this.#pattern;
    const forms = new Set<string>();
    for (const set of this.#byOwner.values()) {
      for (const value of set) {
        forms.add(value);
        forms.add(encodeURIComponent(value));
        forms.add(Buffer.from(value, 'utf8').toString('base64'));
        forms.add(Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, ''));
        forms.add(JSON.stringify(value).slice(1, -1));
      }
    }
    // Longest first, so that a secret containing another is replaced whole.
    const alternatives = [...forms]
      .filter((f) => f.length >= MIN_REDACTED_LENGTH)
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp);
    this.#pattern = alternatives.length === 0 ? null : new RegExp(alternatives.join('|'), 'g');
    this.#dirty = false;
    return this.#pattern;
  }
}

/** The process's known secrets: connectors' (remembered when validated and started) and the worker's (at start). */
export const knownSecrets = new SecretValues();

/**
 * A copy of `value` with secret keys' values masked, down to `depth` levels of plain objects (the
 * fields of a log record). Arrays, Errors and class instances are left as they are; their text is
 * redacted by value when the line is written.
 */
export function maskSecrets(value: unknown, depth = 3): unknown {
  if (depth < 0 || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  let masked: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const replacement =
      isSecretKey(k) && v !== null && v !== undefined ? HIDDEN : typeof v === 'string' ? maskUrlSecrets(v) : maskSecrets(v, depth - 1);
    if (replacement !== v) {
      masked ??= { ...(value as Record<string, unknown>) };
      masked[k] = replacement;
    }
  }
  return masked ?? value;
}
