/**
 * Java regular expressions (java.util.regex.Pattern) as JavaScript RegExps, for the configs Kafka
 * documents as "a Java regular expression" (RegexRouter's `regex`, TopicNameMatches' `pattern`).
 * Matcher.replaceFirst is in java-replacement.ts.
 *
 * The translation is one pass over the pattern; JavaScript's `u` mode gives Java's code-point
 * semantics and validates the result. What differs is rewritten:
 * - `\Q…\E` quoting; `\A`, `\z`, `\Z`; `\h`, `\R`, Java's `\v` (vertical whitespace); `\e`, `\a`,
 *   octal `\0nnn`, `\x{h…h}`; `\s`/`\S` are ASCII whitespace as in Java; escaped punctuation that `u`
 *   mode would refuse (`\-`, `\#`) becomes the character itself;
 * - POSIX classes (`\p{Alpha}`, `\p{Punct}`…), `\p{IsLatin}`/`\p{IsAlphabetic}`, `\p{InBasicLatin}`
 *   is refused (JavaScript has no Unicode blocks);
 * - leading inline flags `(?i)`, `(?s)`, `(?m)`, `(?u)` (and combinations) become RegExp flags;
 * - a `]` right after `[` or `[^` is a literal, as in Java.
 * Refused with a message (Java accepts them, JavaScript cannot express them here): possessive
 * quantifiers, atomic groups, inline flags after the start, comments mode, class unions and
 * intersections (`[a-z&&[^e]]`), `\G`, `\X`, `\N{…}`, `\p{java…}`.
 */

export class JavaRegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JavaRegexError';
  }
}

export interface JavaPattern {
  /** The pattern as written. */
  readonly source: string;
  /** Unanchored, for Matcher.find/replaceFirst. */
  readonly regex: RegExp;
  /** Anchored at both ends, for Matcher.matches. */
  readonly whole: RegExp;
  readonly groupCount: number;
  readonly groupNames: ReadonlySet<string>;
}

const POSIX: Readonly<Record<string, string>> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));
const SPACE = ' \\t\\n\\x0B\\f\\r';
const HORIZONTAL = ' \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';
const VERTICAL = '\\n\\x0B\\f\\r\\x85\\u2028\\u2029';

const hex = (codePoint: number): string => `\\u{${codePoint.toString(16)}}`;

/** Compiles a Java pattern; throws a JavaRegexError saying why it cannot. */
export function compileJavaRegex(source: string): JavaPattern {
  const translated = new Translator(source).translate();
  try {
    return {
      source,
      regex: new RegExp(translated.body, translated.flags),
      whole: new RegExp(`^(?:${translated.body})$`, translated.flags),
      groupCount: translated.groupCount,
      groupNames: translated.groupNames,
    };
  } catch (err) {
    throw new JavaRegexError((err as Error).message);
  }
}

class Translator {
  readonly #src: string;
  #i = 0;
  #out = '';
  #flags = new Set<string>(['u']);
  #groupCount = 0;
  readonly #groupNames = new Set<string>();

  constructor(source: string) {
    this.#src = source;
  }

  translate(): { body: string; flags: string; groupCount: number; groupNames: Set<string> } {
    this.#leadingFlags();
    while (this.#i < this.#src.length) this.#atom();
    return { body: this.#out, flags: [...this.#flags].join(''), groupCount: this.#groupCount, groupNames: this.#groupNames };
  }

  #fail(reason: string): never {
    throw new JavaRegexError(`${reason} near index ${this.#i}: ${this.#src}`);
  }

  #leadingFlags(): void {
    for (;;) {
      const m = /^\(\?([a-zA-Z]+)\)/.exec(this.#src.slice(this.#i));
      if (m === null) return;
      for (const flag of m[1]!) {
        if (flag === 'i' || flag === 's' || flag === 'm') this.#flags.add(flag);
        else if (flag === 'u' || flag === 'U') continue;
        else this.#fail(`Inline flag '${flag}' is not supported`);
      }
      this.#i += m[0].length;
    }
  }

  #atom(): void {
    const c = this.#src[this.#i]!;
    switch (c) {
      case '\\':
        this.#out += this.#escape(false);
        return;
      case '[':
        this.#class();
        return;
      case '(':
        this.#group();
        return;
      case '*':
      case '+':
      case '?':
        this.#out += c;
        this.#i++;
        this.#quantifierSuffix();
        return;
      case '{': {
        const m = /^\{\d+(?:,\d*)?\}/.exec(this.#src.slice(this.#i));
        if (m === null) this.#fail('Illegal repetition');
        this.#out += m[0];
        this.#i += m[0].length;
        this.#quantifierSuffix();
        return;
      }
      default:
        // Java reads a lone `]` or `}` as itself; `u` mode wants them escaped.
        this.#out += c === '/' || c === ']' || c === '}' ? `\\${c}` : c;
        this.#i++;
    }
  }

  /** After a quantifier: `?` (reluctant) is JavaScript's too; `+` (possessive) is not. */
  #quantifierSuffix(): void {
    const next = this.#src[this.#i];
    if (next === '?') {
      this.#out += '?';
      this.#i++;
    } else if (next === '+') {
      this.#fail('Possessive quantifiers are not supported');
    }
  }

  #group(): void {
    const rest = this.#src.slice(this.#i);
    if (rest.startsWith('(?<') && !rest.startsWith('(?<=') && !rest.startsWith('(?<!')) {
      const m = /^\(\?<([a-zA-Z][a-zA-Z0-9]*)>/.exec(rest);
      if (m === null) this.#fail("named capturing group is missing trailing '>'");
      this.#groupCount++;
      this.#groupNames.add(m[1]!);
      this.#out += m[0];
      this.#i += m[0].length;
      return;
    }
    if (rest.startsWith('(?:') || rest.startsWith('(?=') || rest.startsWith('(?!') || rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
      const length = rest.startsWith('(?<') ? 4 : 3;
      this.#out += rest.slice(0, length);
      this.#i += length;
      return;
    }
    if (rest.startsWith('(?>')) this.#fail('Atomic groups are not supported');
    if (rest.startsWith('(?')) this.#fail('Inline flags are supported only at the start of the pattern');
    this.#groupCount++;
    this.#out += '(';
    this.#i++;
  }

  #class(): void {
    this.#out += '[';
    this.#i++;
    if (this.#src[this.#i] === '^') {
      this.#out += '^';
      this.#i++;
    }
    if (this.#src[this.#i] === ']') {
      this.#out += '\\]';
      this.#i++;
    }
    for (;;) {
      if (this.#i >= this.#src.length) this.#fail('Unclosed character class');
      const c = this.#src[this.#i]!;
      if (c === ']') {
        this.#out += ']';
        this.#i++;
        return;
      }
      if (c === '[') this.#fail('Character class unions are not supported');
      if (c === '&' && this.#src[this.#i + 1] === '&') this.#fail('Character class intersections are not supported');
      if (c === '\\') {
        this.#out += this.#escape(true);
        continue;
      }
      this.#out += c === '/' ? '\\/' : c;
      this.#i++;
    }
  }

  /** One escape starting at the backslash; returns its JavaScript text. */
  #escape(inClass: boolean): string {
    const src = this.#src;
    const c = src[this.#i + 1];
    if (c === undefined) this.#fail('Unexpected internal error');
    this.#i += 2;
    switch (c) {
      case 'Q': {
        const end = src.indexOf('\\E', this.#i);
        const literal = end < 0 ? src.slice(this.#i) : src.slice(this.#i, end);
        this.#i = end < 0 ? src.length : end + 2;
        return [...literal].map((ch) => hex(ch.codePointAt(0)!)).join('');
      }
      case 'E':
        return '';
      case 'A':
        return inClass ? this.#fail('Illegal escape in a character class') : '(?<![\\s\\S])';
      case 'z':
        return inClass ? this.#fail('Illegal escape in a character class') : '(?![\\s\\S])';
      case 'Z':
        return inClass ? this.#fail('Illegal escape in a character class') : `(?=(?:\\r\\n|[${VERTICAL}])?(?![\\s\\S]))`;
      case 'G':
      case 'X':
      case 'N':
        return this.#fail(`\\${c} is not supported`);
      case 's':
        return inClass ? SPACE : `[${SPACE}]`;
      case 'S':
        return inClass ? '\\S' : `[^${SPACE}]`;
      case 'h':
        return inClass ? HORIZONTAL : `[${HORIZONTAL}]`;
      case 'H':
        return inClass ? this.#fail('\\H in a character class is not supported') : `[^${HORIZONTAL}]`;
      case 'v':
        return inClass ? VERTICAL : `[${VERTICAL}]`;
      case 'V':
        return inClass ? this.#fail('\\V in a character class is not supported') : `[^${VERTICAL}]`;
      case 'R':
        return inClass ? this.#fail('Illegal escape in a character class') : `(?:\\r\\n|[${VERTICAL}])`;
      case 'e':
        return '\\x1B';
      case 'a':
        return '\\x07';
      case '0': {
        const m = /^[0-3]?[0-7]{1,2}/.exec(src.slice(this.#i));
        if (m === null) this.#fail('Illegal octal escape sequence');
        this.#i += m[0].length;
        return hex(parseInt(m[0], 8));
      }
      case 'x': {
        if (src[this.#i] === '{') {
          const end = src.indexOf('}', this.#i);
          if (end < 0) this.#fail('Unclosed hexadecimal escape sequence');
          const digits = src.slice(this.#i + 1, end);
          this.#i = end + 1;
          return `\\u{${digits}}`;
        }
        return '\\x';
      }
      case 'p':
      case 'P':
        return this.#property(c, inClass);
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 'b':
      case 'B':
      case 't':
      case 'n':
      case 'r':
      case 'f':
      case 'c':
      case 'u':
      case 'k':
        return `\\${c}`;
      default:
        break;
    }
    if (/[1-9]/.test(c)) return `\\${c}`;
    if (/[a-zA-Z]/.test(c)) return this.#fail(`Illegal/unsupported escape sequence \\${c}`);
    // Escaped punctuation is the character itself; `u` mode accepts the escape for syntax characters only.
    const codePoint = src.codePointAt(this.#i - 1)!;
    if (codePoint > 0xffff) this.#i++;
    return SYNTAX.has(c) || (inClass && c === '-') ? `\\${c}` : hex(codePoint);
  }

  #property(kind: 'p' | 'P', inClass: boolean): string {
    const src = this.#src;
    let name: string;
    if (src[this.#i] === '{') {
      const end = src.indexOf('}', this.#i);
      if (end < 0) this.#fail('Unclosed character family');
      name = src.slice(this.#i + 1, end);
      this.#i = end + 1;
    } else {
      name = src[this.#i] ?? '';
      this.#i++;
    }
    const posix = POSIX[name];
    if (posix !== undefined) {
      if (inClass && kind === 'P') this.#fail(`\\P{${name}} in a character class is not supported`);
      return inClass ? posix : `[${kind === 'P' ? '^' : ''}${posix}]`;
    }
    if (name.startsWith('java')) this.#fail(`\\p{${name}} is not supported`);
    if (name.startsWith('In')) this.#fail(`Unicode blocks (\\p{${name}}) are not supported`);
    if (name.startsWith('Is')) {
      const bare = name.slice(2);
      // \p{IsLatin} is a script, \p{IsAlphabetic} a binary property, \p{IsLu} a category.
      for (const candidate of [`Script=${bare}`, bare, `General_Category=${bare}`]) {
        if (isValidProperty(candidate)) return `\\${kind}{${candidate}}`;
      }
      this.#fail(`Unknown character property name {${name}}`);
    }
    if (name.startsWith('script=') || name.startsWith('sc=')) return `\\${kind}{Script=${name.slice(name.indexOf('=') + 1)}}`;
    if (name.startsWith('general_category=') || name.startsWith('gc='))
      return `\\${kind}{General_Category=${name.slice(name.indexOf('=') + 1)}}`;
    return `\\${kind}{${name}}`;
  }
}

function isValidProperty(name: string): boolean {
  try {
    new RegExp(`\\p{${name}}`, 'u');
    return true;
  } catch {
    return false;
  }
}
