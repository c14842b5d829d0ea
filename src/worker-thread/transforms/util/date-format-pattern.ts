/**
 * SimpleDateFormat patterns: the tokens of a pattern (Java's compile step) and the English names
 * both formatting and parsing use.
 */

export class IllegalPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalPatternError';
  }
}

export class DateParseError extends Error {
  readonly errorOffset: number;
  constructor(message: string, errorOffset: number) {
    super(message);
    this.name = 'DateParseError';
    this.errorOffset = errorOffset;
  }
}

const PATTERN_LETTERS = 'GyMdkHmsSEDFwWahKzZYuXL';
export const NUMERIC = new Set('yYdkHmsSDFwWhKu'.split(''));
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const SHORT_MONTHS = MONTHS.map((m) => m.slice(0, 3));
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const SHORT_DAYS = DAYS.map((d) => d.slice(0, 3));
export const ERAS = ['BC', 'AD'];
export const AM_PM = ['AM', 'PM'];

export type Token = { readonly literal: string } | { readonly letter: string; readonly count: number };

const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

/** The pattern's tokens; throws an IllegalPatternError as Java's constructor throws IllegalArgumentException. */
export function compile(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        tokens.push({ literal: "'" });
        i += 2;
        continue;
      }
      let text = '';
      i++;
      for (;;) {
        if (i >= pattern.length) throw new IllegalPatternError('Unterminated quote');
        if (pattern[i] === "'") {
          if (pattern[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += pattern[i];
        i++;
      }
      if (text !== '') tokens.push({ literal: text });
      continue;
    }
    if (isLetter(c)) {
      if (!PATTERN_LETTERS.includes(c)) throw new IllegalPatternError(`Illegal pattern character '${c}'`);
      let count = 1;
      while (pattern[i + count] === c) count++;
      if (c === 'X' && count > 3) throw new IllegalPatternError(`invalid ISO 8601 format: length=${count}`);
      tokens.push({ letter: c, count });
      i += count;
      continue;
    }
    tokens.push({ literal: c });
    i++;
  }
  return tokens;
}
