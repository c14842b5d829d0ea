/**
 * A client of Confluent Schema Registry's REST API (v1), the four calls a converter needs:
 *
 * | call                                   | request                                   | answer                 |
 * |----------------------------------------|-------------------------------------------|------------------------|
 * | register                               | POST /subjects/{subject}/versions {"schema","schemaType"} | {"id"} |
 * | lookUp (auto.register.schemas=false)   | POST /subjects/{subject} {"schema","schemaType"} | {"subject","id","version","schema"} |
 * | schemaById (reading)                   | GET /schemas/ids/{id}                      | {"schema"} (+"schemaType" when not AVRO) |
 * | latestVersion (use.latest.version)     | GET /subjects/{subject}/versions/latest    | {"subject","id","version","schema"} |
 *
 * `schemaType` is AVRO (the default, which Confluent's registry also assumes when it is absent),
 * PROTOBUF or JSON.
 *
 * Requests and answers are `application/vnd.schemaregistry.v1+json`. An error answer
 * (`{"error_code":40401,"message":"Subject 'x' not found."}`) becomes a SchemaRegistryException with
 * the HTTP status, the registry's error code and message; a registry that cannot be reached becomes
 * one naming every URL tried. With several URLs, a request goes to the next one when a URL cannot be
 * reached (not when it answers with an error), as Confluent's RestService does.
 *
 * Credentials (basic auth, from the URL's user info or `basic.auth.user.info`) travel only in the
 * Authorization header: URLs in messages never show them.
 *
 * The client caches nothing: the converter keeps its own bounded caches and calls this on a miss.
 */
import { DataException } from '../errors.js';

export const SCHEMA_REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5';

const AUTH_HINT =
  ' (the registry refused the credentials: check basic.auth.credentials.source and basic.auth.user.info, or the user info in schema.registry.url)';

/** Registry error codes the converter tells apart. */
export const RegistryErrorCode = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  INCOMPATIBLE_SCHEMA: 409,
  INVALID_SCHEMA: 42201,
} as const;

/**
 * A failed registry call. `status` is the HTTP status (0 when no registry answered), `errorCode` the
 * registry's `error_code` (or the status when the body had none).
 */
export class SchemaRegistryException extends DataException {
  override readonly code: string = 'CONNECTD_ERR_SCHEMA_REGISTRY';
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SchemaRegistryException';
  }
}

/** The registry's schema types: AVRO is what a request without `schemaType` means. */
export type RegistrySchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

const TYPE_NAMES: Record<RegistrySchemaType, string> = { AVRO: 'Avro', PROTOBUF: 'Protobuf', JSON: 'JSON Schema' };

export interface SchemaRegistryClientOptions {
  /** Base URLs, e.g. `http://localhost:8081`; user info in them is used for basic auth when `userInfo` is null. */
  readonly urls: readonly string[];
  /** `user:password` for basic auth, or null. Never logged, never in a message. */
  readonly userInfo: string | null;
  /** Per request, connect and answer included. */
  readonly requestTimeoutMs: number;
}

export interface SubjectVersion {
  readonly subject: string;
  readonly id: number;
  readonly version: number;
  readonly schema: string;
}

interface Endpoint {
  readonly base: string;
  /** The URL as it may be shown: without user info. */
  readonly shown: string;
  readonly authorization: string | null;
}

export class SchemaRegistryClient {
  readonly #endpoints: Endpoint[];
  readonly #timeoutMs: number;
  /** The endpoint that answered last: requests start there. */
  #current = 0;

  constructor(options: SchemaRegistryClientOptions) {
    if (options.urls.length === 0) throw new Error('SchemaRegistryClient: no URL');
    this.#endpoints = options.urls.map((url) => endpoint(url, options.userInfo));
    this.#timeoutMs = options.requestTimeoutMs;
  }

  /** The registry URLs, without credentials, for messages. */
  get urls(): string[] {
    return this.#endpoints.map((e) => e.shown);
  }

  /** Registers `schema` under `subject` (or finds it already there); its global id. */
  async register(subject: string, schema: string, schemaType: RegistrySchemaType = 'AVRO'): Promise<number> {
    const body = await this.#request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema, schemaType });
    return requireId(body, this.urls);
  }

  /** The id and version of `schema` under `subject`; a 40401/40403 SchemaRegistryException when it is not there. */
  async lookUp(subject: string, schema: string, schemaType: RegistrySchemaType = 'AVRO'): Promise<SubjectVersion> {
    const body = await this.#request('POST', `/subjects/${encodeURIComponent(subject)}`, { schema, schemaType });
    return subjectVersion(body, subject, this.urls);
  }

  /** The schema text of a global id; refuses a schema of another type than `expected`. */
  async schemaById(id: number, expected: RegistrySchemaType = 'AVRO'): Promise<string> {
    const body = await this.#request('GET', `/schemas/ids/${id}`, undefined);
    const given = (body as { schemaType?: unknown }).schemaType;
    const schemaType = given === undefined ? 'AVRO' : given;
    if (schemaType !== expected) {
      throw new SchemaRegistryException(`Schema ${id} is a ${JSON.stringify(schemaType)} schema, not ${TYPE_NAMES[expected]}`, 200, 0);
    }
    const schema = (body as { schema?: unknown }).schema;
    if (typeof schema !== 'string') throw malformed(body, this.urls);
    return schema;
  }

  async latestVersion(subject: string): Promise<SubjectVersion> {
    const body = await this.#request('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`, undefined);
    return subjectVersion(body, subject, this.urls);
  }

  async #request(method: 'GET' | 'POST', path: string, body: unknown): Promise<unknown> {
    const failures: string[] = [];
    for (let attempt = 0; attempt < this.#endpoints.length; attempt++) {
      const index = (this.#current + attempt) % this.#endpoints.length;
      const target = this.#endpoints[index]!;
      const headers: Record<string, string> = { Accept: ACCEPT };
      if (body !== undefined) headers['Content-Type'] = SCHEMA_REGISTRY_CONTENT_TYPE;
      if (target.authorization !== null) headers.Authorization = target.authorization;
      let response: Response;
      let text: string;
      try {
        response = await fetch(target.base + path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        text = await response.text();
      } catch (err) {
        failures.push(`${target.shown} (${describeNetworkError(err)})`);
        continue;
      }
      this.#current = index;
      let parsed: unknown;
      try {
        parsed = text === '' ? {} : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (response.ok) {
        if (parsed === undefined || typeof parsed !== 'object' || parsed === null) throw malformed(text, [target.shown]);
        return parsed;
      }
      const errorCode =
        typeof (parsed as { error_code?: unknown } | undefined)?.error_code === 'number'
          ? (parsed as { error_code: number }).error_code
          : response.status;
      const given =
        typeof (parsed as { message?: unknown } | undefined)?.message === 'string'
          ? (parsed as { message: string }).message
          : text.slice(0, 200);
      // A registry behind an HTTP server's own authentication (Apicurio on Quarkus, a proxy)
      // answers 401/403 with an empty body: the status line's reason is all there is.
      const message = given.trim() === '' ? response.statusText || 'no message' : given;
      const hint = response.status === 401 || response.status === 403 ? AUTH_HINT : '';
      throw new SchemaRegistryException(
        `${method} ${target.shown}${path} answered ${response.status}: ${message}; error code: ${errorCode}${hint}`,
        response.status,
        errorCode,
      );
    }
    throw new SchemaRegistryException(`Schema Registry unreachable: ${method} ${path} failed at ${failures.join(', ')}`, 0, 0);
  }
}

function endpoint(url: string, userInfo: string | null): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Invalid schema registry URL: ${JSON.stringify(url.replace(/\/\/[^/@]*@/, '//'))}`);
  }
  let credentials = userInfo;
  if (credentials === null && (parsed.username !== '' || parsed.password !== '')) {
    credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  }
  parsed.username = '';
  parsed.password = '';
  const base = parsed.toString().replace(/\/+$/, '');
  return {
    base,
    shown: base,
    authorization: credentials === null ? null : `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`,
  };
}

function describeNetworkError(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'timed out';
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

function malformed(body: unknown, urls: readonly string[]): SchemaRegistryException {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new SchemaRegistryException(
    `Schema Registry at ${urls.join(',')} answered with an unexpected body: ${text.slice(0, 200)}`,
    200,
    0,
  );
}

function requireId(body: unknown, urls: readonly string[]): number {
  const id = (body as { id?: unknown }).id;
  if (typeof id !== 'number' || !Number.isInteger(id)) throw malformed(body, urls);
  return id;
}

function subjectVersion(body: unknown, subject: string, urls: readonly string[]): SubjectVersion {
  const b = body as { subject?: unknown; id?: unknown; version?: unknown; schema?: unknown };
  if (typeof b.schema !== 'string' || typeof b.version !== 'number') throw malformed(body, urls);
  return { subject: typeof b.subject === 'string' ? b.subject : subject, id: requireId(body, urls), version: b.version, schema: b.schema };
}
