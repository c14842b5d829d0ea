/**
 * The date and time texts of Kafka Connect's `Values` (which SimpleHeaderConverter uses): ISO 8601
 * dates `yyyy-MM-dd`, times `HH:mm:ss.SSS'Z'` and timestamps `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`, parsed
 * and formatted as Java's SimpleDateFormat does in UTC.
 *
 * Kafka uses the JVM's default time zone, with a literal 'Z' that is not a zone: a worker on a
 * non-UTC JVM reads and writes other instants. connectd always uses UTC, which is what the 'Z'
 * promises and what Kafka's tests assume. Like SimpleDateFormat, parsing is lenient: fields roll over
 * (2024-13-45 is 2025-02-14), spaces before a number are skipped, a sign is allowed, and text after a
 * complete match is ignored. Unlike it, dates before the Gregorian reform (1582-10-15) are proleptic
 * Gregorian, not Julian.
 */

export const MILLIS_PER_DAY = 86_400_000;

type Element = { readonly field: 'y' | 'M' | 'd' | 'H' | 'm' | 's' | 'S' } | { readonly literal: string };

const f = (field: 'y' | 'M' | 'd' | 'H' | 'm' | 's' | 'S'): Element => ({ field });
const l = (literal: string): Element => ({ literal });

const DATE: readonly Element[] = [f('y'), l('-'), f('M'), l('-'), f('d')];
const TIME: readonly Element[] = [f('H'), l(':'), f('m'), l(':'), f('s'), l('.'), f('S'), l('Z')];
const TIMESTAMP: readonly Element[] = [...DATE, l('T'), ...TIME];

export type TemporalKind = 'date' | 'time' | 'timestamp';

/** The lengths Values.parseAsTemporal dispatches on (the patterns' lengths without their quotes). */
export function temporalKindOfLength(length: number): TemporalKind | undefined {
  return length === 13 ? 'time' : length === 24 ? 'timestamp' : length === 10 ? 'date' : undefined;
}

/** SimpleDateFormat(pattern).parse(text, pos) in UTC: the instant, or undefined when it does not match. */
export function parseTemporal(text: string, kind: TemporalKind): Date | undefined {
  const pattern = kind === 'date' ? DATE : kind === 'time' ? TIME : TIMESTAMP;
  const values = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
  let pos = 0;
  for (const element of pattern) {
    if ('literal' in element) {
      if (text[pos] !== element.literal) return undefined;
      pos++;
      continue;
    }
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
    const match = /^-?\d+/.exec(text.slice(pos));
    if (match === null) return undefined;
    values[element.field] = Number(match[0]);
    pos += match[0].length;
  }
  const date = new Date(0);
  date.setUTCFullYear(values.y, values.M - 1, values.d);
  date.setUTCHours(values.H, values.m, values.s, values.S);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Values.dateFormatFor(value).format(value): a time when the instant is before 1970-01-02, a date
 * when it is a UTC midnight, a timestamp otherwise.
 */
export function formatTemporal(value: Date): string {
  const t = value.getTime();
  const time = `${pad(value.getUTCHours(), 2)}:${pad(value.getUTCMinutes(), 2)}:${pad(value.getUTCSeconds(), 2)}.${pad(value.getUTCMilliseconds(), 3)}Z`;
  if (t < MILLIS_PER_DAY) return time;
  const year = value.getUTCFullYear();
  // yyyy is the year of the era: year 0 is 1 BC.
  const date = `${pad(year > 0 ? year : 1 - year, 4)}-${pad(value.getUTCMonth() + 1, 2)}-${pad(value.getUTCDate(), 2)}`;
  return t % MILLIS_PER_DAY === 0 ? date : `${date}T${time}`;
}

/** Java's String.trim(): strips characters up to U+0020 from both ends (not Unicode spaces, as JavaScript's trim does). */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Kafka's Utils.isBlank. */
export function isBlank(s: string | null): boolean {
  return s === null || javaTrim(s) === '';
}
