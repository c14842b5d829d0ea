/**
 * Validation of what a request sends — path parameters, query strings and bodies — by JSON schemas
 * on the routes (routes/*.ts), and the one place its 400 answers are worded. Every failure is
 * answered in Kafka Connect's error body, `{"error_code": 400, "message": …}` (server.ts), with
 * the message the schema node that failed carries in `errorMessage`, so that a client reads which
 * field is wrong and why, as before the schemas.
 *
 * Validation does not change what it validates: no type coercion, no defaults, no removal of
 * properties (fastify's defaults do all three). A forwarded request (forward.ts) sends the body as
 * the client sent it, and the routes turn numbers and booleans in a config into their text, as
 * Kafka Connect's JSON reader does for a `Map<String, String>`.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaValidationError, FastifyServerOptions } from 'fastify';

type SchemaErrorDataVar = Parameters<NonNullable<FastifyServerOptions['schemaErrorFormatter']>>[1];

/**
 * The options of fastify's validator (its own Ajv 8 instance): validation only, no rewriting;
 * `verbose` puts the failing node and the value in each error, for schemaErrorFormatter.
 */
export const VALIDATOR_OPTIONS: NonNullable<FastifyServerOptions['ajv']> = {
  customOptions: {
    allowUnionTypes: true,
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    allErrors: false,
    verbose: true,
  },
  // `errorMessage`: an annotation only, read by schemaErrorFormatter.
  plugins: [(ajv) => ajv.addKeyword('errorMessage')],
};

type ValidatorBuilder = ReturnType<typeof AjvCompiler>;
type RouteCompiler = ReturnType<ValidatorBuilder>;
type ValidateFunction = ReturnType<RouteCompiler>;

/**
 * fastify's own validator builder (@fastify/ajv-compiler, the one it uses by default, with the same
 * options), made lazy: a route's schemas are compiled by the first request that needs them rather
 * than when the server starts. Compiling the ~40 route schemas costs the supervisor about 250 ms of
 * CPU at every start (Ajv's code generation), which a daemon started and stopped in a test or by a
 * unit restart pays whole, while a route's first request pays a few milliseconds. The schemas are
 * static, and test/rest/rest-schemas.test.ts compiles every one of them, so a schema error cannot
 * wait for production. A builder of our own makes fastify treat the validator as custom, which only
 * changes header schemas (not lower-cased then); no route has one, and that test checks it.
 */
export function lazyValidatorBuilder(): ValidatorBuilder {
  const build = AjvCompiler();
  return (externalSchemas, options) => {
    let compile: RouteCompiler | undefined;
    return (route) => {
      let validate: ValidateFunction | undefined;
      // fastify reads a failed validation's errors from the function it was given, and passes
      // Ajv's data context (schemaEnv set) so that a validator may rewrite the top-level value.
      const lazy = (data: unknown, context?: unknown): unknown => {
        compile ??= build(externalSchemas, options);
        validate ??= compile(route);
        const result = (validate as (data: unknown, context?: unknown) => unknown)(data, context);
        lazy.errors = validate.errors;
        return result;
      };
      lazy.errors = null as ValidateFunction['errors'];
      lazy.schemaEnv = true;
      return lazy as unknown as ValidateFunction;
    };
  };
}

/**
 * The 400's message for the first error Ajv found (it stops at the first: allErrors false, so that
 * a deep or wide body costs no more than its first fault). The failing node's `errorMessage` with
 * `{key}` (the JSON-quoted name of the property at fault) and `{value}` (the value sent, as JSON);
 * a node without one is named by its path.
 */
export function schemaErrorFormatter(errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error {
  const error = errors[0] as FastifySchemaValidationError & { parentSchema?: { errorMessage?: unknown }; data?: unknown };
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  const template = error.parentSchema?.errorMessage;
  if (typeof template === 'string') {
    return new Error(
      template
        .replaceAll('{key}', JSON.stringify(segments.at(-1) ?? ''))
        .replaceAll('{value}', () => JSON.stringify(error.data) ?? 'nothing'),
    );
  }
  const where = [dataVar === 'querystring' ? 'query' : dataVar, ...segments].join('.');
  return new Error(`${where} ${error.message ?? 'is not valid'}`);
}

/** The types a config value may have in a request; numbers and booleans stand for their text. */
const CONFIG_VALUE_TYPES = ['string', 'number', 'boolean'];

/** A connector config: a JSON object of strings (`what` names it in the messages). */
export function configSchema(what: string, opts: { nullValues?: boolean; nullable?: boolean } = {}) {
  return {
    type: opts.nullable === true ? ['object', 'null'] : 'object',
    errorMessage: `${what} must be a JSON object of string values`,
    additionalProperties: {
      type: opts.nullValues === true ? [...CONFIG_VALUE_TYPES, 'null'] : CONFIG_VALUE_TYPES,
      errorMessage: `${what}: the value of {key} must be a string${opts.nullValues === true ? ' or null' : ''}`,
    },
  } as const;
}

/** A config as the herder takes it: numbers and booleans as their text, null kept only where allowed. */
export function configValues<V extends string | number | boolean | null>(config: Record<string, V> | null | undefined) {
  return Object.fromEntries(Object.entries(config ?? {}).map(([k, v]) => [k, v === null ? null : String(v)])) as Record<
    string,
    V extends null ? string | null : string
  >;
}

/** A query parameter that is `true` or `false` (empty: false, as before). */
export const booleanQuery = (name: string) =>
  ({ type: 'string', enum: ['', 'true', 'false'], errorMessage: `query parameter ${name} must be true or false, got {value}` }) as const;

/** Whether a boolean query parameter (booleanQuery) is set; `absent` when it is not given. */
export const isTrue = (value: string | undefined, absent = false): boolean => (value === undefined ? absent : value === 'true');

/** A pattern that matches any of `words` in any case (JSON Schema's patterns have no `i` flag). */
export const anyCase = (words: readonly string[]): string =>
  `^(?:${words.map((w) => [...w].map((c) => (c.toLowerCase() === c.toUpperCase() ? c : `[${c.toUpperCase()}${c.toLowerCase()}]`)).join('')).join('|')})$`;

export const connectorParams = {
  type: 'object',
  properties: { name: { type: 'string' } },
} as const;

export const taskParams = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    task: { type: 'string', pattern: '^[0-9]+$', errorMessage: 'task id must be a non-negative integer, got {value}' },
  },
} as const;
