/**
 * java.text.SimpleDateFormat as TimestampRouter and TimestampConverter use it: English (US) names,
 * the UTC time zone, lenient parsing (`2024-13-01` is January 2025), Julian dates before 1582-10-15.
 *
 * Formatting covers every pattern letter of Java 17 (`GyYMLwWDdFEuaHkKhmsSzZX`). Parsing covers
 * them too, with Calendar's field resolution simplified to three cases: a day of the year (D), a
 * week of the year (w, with E or u), or else year, month and day of month; W and F are read but
 * not used to place the date. As in Java, parsing stops at the end of the pattern (trailing text
 * is ignored), a numeric field followed directly by another takes exactly its width of digits,
 * a two-digit year (`yy`) lands within 80 years before and 20 after the moment of construction,
 * and a time zone in the text (`Z`, `X`, `z`: +hhmm, +hh:mm, Z, GMT, UTC, GMT+hh:mm) shifts the
 * result. Time zone names other than GMT and UTC are not recognised.
 */
import { calendarFields, epochDay, MILLIS_PER_DAY } from './calendar.js';
import { Parser } from './date-format-parser.js';
import { AM_PM, compile, DateParseError, DAYS, ERAS, MONTHS, SHORT_DAYS, SHORT_MONTHS } from './date-format-pattern.js';
import type { Token } from './date-format-pattern.js';

export { DateParseError, IllegalPatternError } from './date-format-pattern.js';

const pad = (value: number, width: number): string => {
  const digits = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${digits}` : digits;
};

/** A SimpleDateFormat in UTC. Construction throws an IllegalPatternError as Java's constructor throws IllegalArgumentException. */
export class SimpleDateFormat {
  readonly #pattern: string;
  readonly #tokens: readonly Token[];
  /** Java's defaultCenturyStart: 80 years before construction. */
  readonly #centuryStart: number;
  readonly #centuryStartYear: number;

  constructor(pattern: string, now: number = Date.now()) {
    this.#pattern = pattern;
    this.#tokens = compile(pattern);
    const fields = calendarFields(now);
    this.#centuryStartYear = fields.year - 80;
    const timeOfDay = now - Math.floor(now / MILLIS_PER_DAY) * MILLIS_PER_DAY;
    this.#centuryStart = epochDay(fields.year - 80, fields.month, fields.dayOfMonth) * MILLIS_PER_DAY + timeOfDay;
  }

  toPattern(): string {
    return this.#pattern;
  }

  format(date: Date): string {
    const f = calendarFields(date.getTime());
    let out = '';
    for (const token of this.#tokens) {
      if ('literal' in token) {
        out += token.literal;
        continue;
      }
      const { letter, count } = token;
      const yearOfEra = (year: number): number => (year > 0 ? year : 1 - year);
      switch (letter) {
        case 'G':
          out += ERAS[f.year > 0 ? 1 : 0];
          break;
        case 'y':
        case 'Y': {
          // Java's week year of a BC date is astronomical (1 BC is 0, printed as such).
          const year = letter === 'y' ? yearOfEra(f.year) : f.weekYear;
          out += count === 2 ? pad(year % 100, 2) : pad(year, count);
          break;
        }
        case 'M':
        case 'L':
          out += count >= 4 ? MONTHS[f.month - 1] : count === 3 ? SHORT_MONTHS[f.month - 1] : pad(f.month, count);
          break;
        case 'd':
          out += pad(f.dayOfMonth, count);
          break;
        case 'k':
          out += pad(f.hourOfDay === 0 ? 24 : f.hourOfDay, count);
          break;
        case 'H':
          out += pad(f.hourOfDay, count);
          break;
        case 'm':
          out += pad(f.minute, count);
          break;
        case 's':
          out += pad(f.second, count);
          break;
        case 'S':
          out += pad(f.millisecond, count);
          break;
        case 'E':
          out += (count >= 4 ? DAYS : SHORT_DAYS)[f.dayOfWeek - 1];
          break;
        case 'D':
          out += pad(f.dayOfYear, count);
          break;
        case 'F':
          out += pad(Math.floor((f.dayInMonth - 1) / 7) + 1, count);
          break;
        case 'w':
          out += pad(f.weekOfYear, count);
          break;
        case 'W':
          out += pad(f.weekOfMonth, count);
          break;
        case 'a':
          out += AM_PM[f.hourOfDay < 12 ? 0 : 1];
          break;
        case 'h':
          out += pad(f.hourOfDay % 12 === 0 ? 12 : f.hourOfDay % 12, count);
          break;
        case 'K':
          out += pad(f.hourOfDay % 12, count);
          break;
        case 'u':
          out += pad(f.dayOfWeek === 1 ? 7 : f.dayOfWeek - 1, count);
          break;
        case 'z':
          out += count >= 4 ? 'Coordinated Universal Time' : 'UTC';
          break;
        case 'Z':
          out += '+0000';
          break;
        case 'X':
          out += 'Z';
          break;
      }
    }
    return out;
  }

  /** DateFormat.parse(String): throws a DateParseError (`Unparseable date: "…"`) where Java throws ParseException. */
  parse(text: string): Date {
    const parsed = new Parser(text, this.#tokens, this.#centuryStartYear).run();
    if (parsed === undefined) throw new DateParseError(`Unparseable date: "${text}"`, 0);
    let millis = parsed.millis;
    if (parsed.ambiguousYear && millis < this.#centuryStart) {
      millis = new Parser(text, this.#tokens, this.#centuryStartYear, 100).run()?.millis ?? millis;
    }
    return new Date(millis);
  }
}
