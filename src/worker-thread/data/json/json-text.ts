/**
 * JSON text as Kafka Connect's JsonConverter reads and writes it, through Jackson 2.19.
 *
 * Reading keeps every number as its text, because JSON.parse would round INT64 values past 2^53 and
 * decimals past 17 digits before a schema could say what they are. It is as lenient as Kafka's
 * ObjectMapper: leading zeros are allowed (ALLOW_LEADING_ZEROS_FOR_NUMBERS), a later duplicate key
 * replaces an earlier one in place, and whatever follows the first complete value is ignored (as
 * readTree does). Nesting deeper than 1000 and numbers longer than 1000 characters are refused, as
 * Jackson's default StreamReadConstraints refuse them.
 *
 * Writing escapes strings as Jackson does: `\b \t \n \f \r` short forms, other control characters and
 * every character outside the Basic Multilingual Plane as `\uXXXX` in upper-case hex; `/`, DEL and
 * the other non-ASCII characters as they are, in UTF-8.
 */
import { DataException } from '../errors.js';

/** A JSON number, kept as written. `integral` when it has neither a fraction nor an exponent. */
export class JsonNumber {
  constructor(
    readonly text: string,
    readonly integral: boolean,
  ) {}
}

/** A JSON object; `start`/`end` locate it in the text (the converter caches schemas by their text). */
export class JsonObject extends Map<string, JsonValue> {
  start = 0;
  end = 0;
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** Jackson's JsonNodeType name of a node, for error messages that match Kafka's. */
export function nodeType(node: JsonValue | undefined): string {
  if (node === undefined) return 'MISSING';
  if (node === null) return 'NULL';
  if (typeof node === 'boolean') return 'BOOLEAN';
  if (typeof node === 'string') return 'STRING';
  if (node instanceof JsonNumber) return 'NUMBER';
  if (Array.isArray(node)) return 'ARRAY';
  return 'OBJECT';
}

const MAX_DEPTH = 1000;
const MAX_NUMBER_LENGTH = 1000;

class JsonSyntaxError extends DataException {
  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Parses the first JSON value of `text`; undefined when there is none (empty or blank input: Jackson's MissingNode). */
export function parseJson(text: string): JsonValue | undefined {
  const parser = new Parser(text);
  parser.skipWhitespace();
  if (parser.pos >= text.length) return undefined;
  return parser.value(0);
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  fail(message: string): never {
    throw new JsonSyntaxError(message, this.pos);
  }

  value(depth: number): JsonValue {
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    switch (c) {
      case 0x7b /* { */:
        return this.object(depth + 1);
      case 0x5b /* [ */:
        return this.array(depth + 1);
      case 0x22 /* " */:
        return this.string();
      case 0x74 /* t */:
        return this.literal('true', true);
      case 0x66 /* f */:
        return this.literal('false', false);
      case 0x6e /* n */:
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        if (Number.isNaN(c)) this.fail('Unexpected end of input');
        return this.fail(`Unexpected character ${JSON.stringify(t[this.pos])}`);
    }
  }

  literal<T extends boolean | null>(word: string, result: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`Unrecognized token, expected ${word}`);
    this.pos += word.length;
    this.expectTokenEnd();
    return result;
  }

  /** A literal or number must not run into letters or digits ("truex", "12a"), as Jackson says. */
  expectTokenEnd(): void {
    const c = this.text.charCodeAt(this.pos);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f) this.fail('Unrecognized token');
  }

  number(): JsonNumber {
    const t = this.text;
    const start = this.pos;
    let integral = true;
    if (t.charCodeAt(this.pos) === 0x2d) this.pos++;
    const intStart = this.pos;
    while (isDigit(t.charCodeAt(this.pos))) this.pos++;
    if (this.pos === intStart) this.fail('Expected a digit');
    if (t.charCodeAt(this.pos) === 0x2e /* . */) {
      integral = false;
      this.pos++;
      const fracStart = this.pos;
      while (isDigit(t.charCodeAt(this.pos))) this.pos++;
      if (this.pos === fracStart) this.fail('Decimal point not followed by a digit');
    }
    const e = t.charCodeAt(this.pos);
    if (e === 0x65 || e === 0x45) {
      integral = false;
      this.pos++;
      const sign = t.charCodeAt(this.pos);
      if (sign === 0x2b || sign === 0x2d) this.pos++;
      const expStart = this.pos;
      while (isDigit(t.charCodeAt(this.pos))) this.pos++;
      if (this.pos === expStart) this.fail('Exponent indicator not followed by a digit');
    }
    if (this.pos - start > MAX_NUMBER_LENGTH) this.fail(`Number value length exceeds the maximum allowed (${MAX_NUMBER_LENGTH})`);
    this.expectTokenEnd();
    return new JsonNumber(t.slice(start, this.pos), integral);
  }

  string(): string {
    const t = this.text;
    this.pos++; // opening quote
    let start = this.pos;
    let out = '';
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c === 0x5c /* \ */) {
        out += t.slice(start, this.pos);
        out += this.escape();
        start = this.pos;
        continue;
      }
      if (Number.isNaN(c)) this.fail('Unexpected end of input in a string');
      if (c < 0x20) this.fail('Illegal unquoted control character in a string');
      this.pos++;
    }
  }

  escape(): string {
    const t = this.text;
    const c = t[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = t.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\u escape');
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        return this.fail(`Unrecognized character escape ${JSON.stringify(c ?? '')}`);
    }
  }

  array(depth: number): JsonValue[] {
    if (depth > MAX_DEPTH) this.fail(`Document nesting depth exceeds the maximum allowed (${MAX_DEPTH})`);
    this.pos++;
    const items: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x5d /* ] */) {
      this.pos++;
      return items;
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.value(depth));
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) return items;
      if (c !== 0x2c) this.fail("Expected ',' or ']' in an array");
    }
  }

  object(depth: number): JsonObject {
    if (depth > MAX_DEPTH) this.fail(`Document nesting depth exceeds the maximum allowed (${MAX_DEPTH})`);
    const result = new JsonObject();
    result.start = this.pos;
    this.pos++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x7d /* } */) {
      this.pos++;
      result.end = this.pos;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('Expected a double-quoted field name');
      const key = this.string();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos++) !== 0x3a /* : */) this.fail("Expected ':' after a field name");
      this.skipWhitespace();
      result.set(key, this.value(depth));
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) {
        result.end = this.pos;
        return result;
      }
      if (c !== 0x2c) this.fail("Expected ',' or '}' in an object");
    }
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

// Characters Jackson escapes: ", \, control characters, and surrogates (it writes every character
// outside the BMP as a \uXXXX pair).
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const HEX = '0123456789ABCDEF';

/** `s` as a JSON string literal, escaped as Jackson escapes it. */
export function quoteJson(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let escaped: string | undefined;
    if (c === 0x22) escaped = '\\"';
    else if (c === 0x5c) escaped = '\\\\';
    else if (c < 0x20) {
      switch (c) {
        case 0x08:
          escaped = '\\b';
          break;
        case 0x09:
          escaped = '\\t';
          break;
        case 0x0a:
          escaped = '\\n';
          break;
        case 0x0c:
          escaped = '\\f';
          break;
        case 0x0d:
          escaped = '\\r';
          break;
        default:
          escaped = unicodeEscape(c);
      }
    } else if (c >= 0xd800 && c <= 0xdfff) escaped = unicodeEscape(c);
    if (escaped !== undefined) {
      out += s.slice(start, i) + escaped;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

function unicodeEscape(c: number): string {
  return `\\u${HEX[(c >> 12) & 15]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 with padding, as Jackson's default variant requires; anything else is refused. */
export function fromBase64(text: string): Uint8Array {
  if (!BASE64.test(text)) throw new DataException(`Invalid base64: ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`);
  return new Uint8Array(Buffer.from(text, 'base64'));
}
