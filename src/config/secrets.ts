/**
 * Which configuration keys hold secrets, so that no log line, problem report or `connectd validate`
 * output ever shows their values. By name, because worker and Kafka client keys have no declared
 * types: `sasl.jaas.config` (holds a password), `*.password`, `*.secret`, PEM private keys.
 */

const SECRET_KEY = /password|passphrase|secret|jaas|credentials|(^|\.)key\.pem$|keystore\.key$|(^|\.)api\.?key$/i;

export const HIDDEN = '[hidden]';

/** Keys that name where something is (a file holding credentials, say), not the secret itself. */
const LOCATION_KEY = /\.(file|location|path|dir|url)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !LOCATION_KEY.test(key);
}

/** The value as it may be shown: `[hidden]` for a secret key; null stays null (a missing key). */
export function displayValue(key: string, value: string | null): string | null {
  return value !== null && isSecretKey(key) ? HIDDEN : value;
}

/**
 * A copy of `value` with secret keys' values replaced, down to `depth` levels of plain objects.
 * Arrays, Errors and class instances are left as they are (pino serializes errors itself).
 */
export function maskSecrets(value: unknown, depth = 3): unknown {
  if (depth < 0 || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  let masked: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const replacement = isSecretKey(k) && v !== null && v !== undefined ? HIDDEN : maskSecrets(v, depth - 1);
    if (replacement !== v) {
      masked ??= { ...(value as Record<string, unknown>) };
      masked[k] = replacement;
    }
  }
  return masked ?? value;
}
