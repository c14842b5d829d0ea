/**
 * SimpleDateFormat parsing (DateFormat.parse(String)): lenient, in UTC, with Calendar's field
 * resolution simplified as simple-date-format.ts describes.
 */
import { epochDay, firstDayOfWeekYear, MILLIS_PER_DAY } from './calendar.js';
import { AM_PM, DAYS, ERAS, MONTHS, NUMERIC, SHORT_DAYS, SHORT_MONTHS } from './date-format-pattern.js';
import type { Token } from './date-format-pattern.js';

interface Fields {
  era?: number;
  year?: number;
  weekYear?: number;
  month?: number;
  dayOfMonth?: number;
  dayOfYear?: number;
  weekOfYear?: number;
  dayOfWeek?: number;
  hourOfDay?: number;
  hour?: number;
  amPm?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
  offsetMinutes?: number;
  /** Which of the date field groups was set last (Calendar resolves by the most recent). */
  dateGroup?: 'monthDay' | 'dayOfYear' | 'week';
  hourGroup?: 'hourOfDay' | 'hour';
}

export class Parser {
  readonly #text: string;
  readonly #tokens: readonly Token[];
  readonly #centuryStartYear: number;
  readonly #extraYears: number;
  #pos = 0;
  #ambiguousYear = false;

  constructor(text: string, tokens: readonly Token[], centuryStartYear: number, extraYears = 0) {
    this.#text = text;
    this.#tokens = tokens;
    this.#centuryStartYear = centuryStartYear;
    this.#extraYears = extraYears;
  }

  run(): { millis: number; ambiguousYear: boolean } | undefined {
    const fields: Fields = {};
    for (let t = 0; t < this.#tokens.length; t++) {
      const token = this.#tokens[t]!;
      if ('literal' in token) {
        if (!this.#text.startsWith(token.literal, this.#pos)) return undefined;
        this.#pos += token.literal.length;
        continue;
      }
      const next = this.#tokens[t + 1];
      const abutting = next !== undefined && 'letter' in next && isNumericField(next);
      if (!this.#field(token, abutting && isNumericField(token), fields)) return undefined;
    }
    return { millis: resolve(fields), ambiguousYear: this.#ambiguousYear };
  }

  #skipSpaces(): void {
    while (this.#text[this.#pos] === ' ' || this.#text[this.#pos] === '\t') this.#pos++;
  }

  #number(maxWidth: number | undefined): number | undefined {
    const limit = maxWidth === undefined ? this.#text.length : Math.min(this.#text.length, this.#pos + maxWidth);
    let i = this.#pos;
    const negative = this.#text[i] === '-';
    if (negative) i++;
    const start = i;
    while (i < limit && this.#text.charCodeAt(i) >= 48 && this.#text.charCodeAt(i) <= 57) i++;
    if (i === start) return undefined;
    const value = Number(this.#text.slice(start, i));
    this.#pos = i;
    return negative ? -value : value;
  }

  #text_(names: readonly (readonly string[])[]): number | undefined {
    let best = -1;
    let bestLength = 0;
    for (const list of names) {
      list.forEach((name, index) => {
        if (name.length > bestLength && this.#text.slice(this.#pos, this.#pos + name.length).toLowerCase() === name.toLowerCase()) {
          best = index;
          bestLength = name.length;
        }
      });
    }
    if (best < 0) return undefined;
    this.#pos += bestLength;
    return best;
  }

  #field(token: { letter: string; count: number }, obeyCount: boolean, f: Fields): boolean {
    this.#skipSpaces();
    const { letter, count } = token;
    if (letter === 'G') return set(this.#text_([ERAS]), (v) => (f.era = v));
    if ((letter === 'M' || letter === 'L') && count >= 3) {
      return set(this.#text_([MONTHS, SHORT_MONTHS]), (v) => {
        f.month = v + 1;
        f.dateGroup = 'monthDay';
      });
    }
    if (letter === 'E') {
      return set(this.#text_([DAYS, SHORT_DAYS]), (v) => {
        f.dayOfWeek = v + 1;
      });
    }
    if (letter === 'a') return set(this.#text_([AM_PM]), (v) => (f.amPm = v));
    if (letter === 'z' || letter === 'Z' || letter === 'X') return set(this.#zone(), (v) => (f.offsetMinutes = v));
    const start = this.#pos;
    const value = this.#number(obeyCount ? count : undefined);
    if (value === undefined) return false;
    switch (letter) {
      case 'y':
      case 'Y': {
        let year = value;
        const digits = this.#pos - start;
        if (count <= 2 && digits === 2 && this.#text[start] !== '-') {
          const ambiguous = this.#centuryStartYear % 100;
          this.#ambiguousYear = value === ambiguous;
          year =
            value +
            Math.floor(this.#centuryStartYear / 100) * 100 +
            (value < ambiguous ? 100 : 0) +
            (this.#ambiguousYear ? this.#extraYears : 0);
        }
        if (letter === 'y') f.year = year;
        else f.weekYear = year;
        return true;
      }
      case 'M':
      case 'L':
        f.month = value;
        f.dateGroup = 'monthDay';
        return true;
      case 'd':
        f.dayOfMonth = value;
        f.dateGroup = 'monthDay';
        return true;
      case 'D':
        f.dayOfYear = value;
        f.dateGroup = 'dayOfYear';
        return true;
      case 'w':
        f.weekOfYear = value;
        f.dateGroup = 'week';
        return true;
      case 'u':
        f.dayOfWeek = value === 7 ? 1 : value + 1;
        return true;
      case 'k':
        f.hourOfDay = value === 24 ? 0 : value;
        f.hourGroup = 'hourOfDay';
        return true;
      case 'H':
        f.hourOfDay = value;
        f.hourGroup = 'hourOfDay';
        return true;
      case 'h':
        f.hour = value === 12 ? 0 : value;
        f.hourGroup = 'hour';
        return true;
      case 'K':
        f.hour = value;
        f.hourGroup = 'hour';
        return true;
      case 'm':
        f.minute = value;
        return true;
      case 's':
        f.second = value;
        return true;
      case 'S':
        f.millisecond = value;
        return true;
      default:
        // W and F: read, not used to place the date.
        return true;
    }
  }

  /** A zone offset in minutes: Z, +hh, +hhmm, +hh:mm, GMT/UTC optionally followed by an offset. */
  #zone(): number | undefined {
    const rest = this.#text.slice(this.#pos);
    const named = /^(?:GMT|UTC)/i.exec(rest);
    if (named !== null) {
      this.#pos += named[0].length;
      const offset = /^([+-])(\d{1,2})(?::?(\d{2}))?/.exec(this.#text.slice(this.#pos));
      if (offset === null) return 0;
      this.#pos += offset[0].length;
      return (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0));
    }
    if (rest[0] === 'Z') {
      this.#pos++;
      return 0;
    }
    const offset = /^([+-])(\d{2})(?::?(\d{2}))?/.exec(rest);
    if (offset === null) return undefined;
    this.#pos += offset[0].length;
    return (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0));
  }
}

function isNumericField(token: Token): boolean {
  if (!('letter' in token)) return false;
  return NUMERIC.has(token.letter) || ((token.letter === 'M' || token.letter === 'L') && token.count <= 2);
}

function set(value: number | undefined, assign: (value: number) => void): boolean {
  if (value === undefined) return false;
  assign(value);
  return true;
}

/** Calendar's lenient computation of the instant the fields name. */
function resolve(f: Fields): number {
  let year = f.year ?? 1970;
  if (f.era === 0) year = 1 - year;
  let day: number;
  if (f.dateGroup === 'dayOfYear') {
    day = epochDay(year, 1, 1) + (f.dayOfYear ?? 1) - 1;
  } else if (f.dateGroup === 'week') {
    const weekYear = f.weekYear ?? year;
    day = firstDayOfWeekYear(weekYear) + ((f.weekOfYear ?? 1) - 1) * 7 + ((f.dayOfWeek ?? 1) - 1);
  } else {
    day = epochDay(year, f.month ?? 1, 1) + (f.dayOfMonth ?? 1) - 1;
  }
  const hour = f.hourGroup === 'hour' ? (f.hour ?? 0) + (f.amPm ?? 0) * 12 : (f.hourOfDay ?? 0);
  const time = hour * 3_600_000 + (f.minute ?? 0) * 60_000 + (f.second ?? 0) * 1000 + (f.millisecond ?? 0);
  return day * MILLIS_PER_DAY + time - (f.offsetMinutes ?? 0) * 60_000;
}
