/**
 * The REST server's checks that run before any route: HTTP basic auth (Kafka Connect's
 * BasicAuthSecurityRestExtension with a PropertyFileLoginModule file) and the refusal of cross-site
 * state changes. Guarantees:
 * - an unknown user and a wrong password cost the same work (one SHA-256 of what the client sent,
 *   one constant-time comparison of two 32-byte digests), so timing tells neither which users
 *   exist nor how long their passwords are;
 * - a browser on another site cannot change anything (a form or `fetch(…, {mode: 'no-cors'})`
 *   to `…/restart` with the user's cached credentials), while every non-browser client Kafka
 *   Connect serves — no Origin header, no content type or `application/json` — works as before.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const sha256 = (text: string | Buffer): Buffer => createHash('sha256').update(text).digest();

/** `Authorization: Basic <token68>`: the scheme in any case, one or more spaces before the token (RFC 7235, RFC 7617). */
const BASIC = /^basic +([A-Za-z0-9\-._~+/]+=*)$/i;

export class BasicAuthenticator {
  /** SHA-256 of each user's password: comparing digests costs the same whatever the lengths. */
  readonly #digests: ReadonlyMap<string, Buffer>;
  /** What an unknown user's password is compared with, so that it costs what a known user's does. */
  readonly #unknownUser = sha256(randomBytes(32));
  readonly #compare: (given: Buffer, expected: Buffer) => boolean;

  /** `compare` is for tests, to see that every attempt makes the one comparison. */
  constructor(users: ReadonlyMap<string, string>, compare: (given: Buffer, expected: Buffer) => boolean = timingSafeEqual) {
    this.#digests = new Map([...users].map(([user, password]) => [user, sha256(password)]));
    this.#compare = compare;
  }

  /** Whether an `Authorization` header value names a user with the right password. */
  authenticate(header: string | undefined): boolean {
    const match = BASIC.exec((header ?? '').trim());
    if (match === null) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const expected = this.#digests.get(user);
    // The comparison runs for a missing colon and an unknown user too: no early return.
    const same = this.#compare(sha256(colon < 0 ? '' : decoded.slice(colon + 1)), expected ?? this.#unknownUser);
    return same && colon >= 0 && expected !== undefined;
  }
}

/** Content types a browser sends cross-site without asking first (the CORS-safelisted ones). */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Refusal {
  readonly status: 403 | 415;
  readonly message: string;
}

/**
 * Why a request must not change anything, or undefined. Only a browser sends `Origin` and
 * `Sec-Fetch-Site` headers or a form content type on a request it makes for another site's page;
 * the origin is compared with the `Host` the request was sent to, the address the client used.
 */
export function crossSiteRefusal(method: string, headers: IncomingHttpHeaders): Refusal | undefined {
  if (!STATE_CHANGING.has(method.toUpperCase())) return undefined;
  const contentType = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (SIMPLE_CONTENT_TYPES.has(contentType)) {
    return {
      status: 415,
      message: `Content-Type ${contentType} is not accepted: send application/json, or no content type for a request without a body`,
    };
  }
  if (headers['sec-fetch-site'] === 'cross-site')
    return { status: 403, message: 'cross-site requests may not change anything (Sec-Fetch-Site: cross-site)' };
  const origin = headers.origin;
  if (origin !== undefined && !sameOrigin(origin, headers.host)) {
    return {
      status: 403,
      message: `requests from another origin may not change anything (Origin ${origin} is not this server, ${headers.host ?? 'no Host header'})`,
    };
  }
  return undefined;
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const from = new URL(origin);
    if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
    // The URL parser drops a scheme's default port and lower-cases the name in both, so the two compare.
    return from.host === new URL(`${from.protocol}//${host}`).host;
  } catch {
    return false; // `Origin: null` (sandboxed frames, file: pages) and anything unparsable
  }
}
