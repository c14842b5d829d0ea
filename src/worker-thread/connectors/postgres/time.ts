/**
 * PostgreSQL's date and time text (DateStyle ISO, which every connection sets) to and from instants.
 * Instants are microseconds since the epoch as bigints: PostgreSQL keeps microseconds, a JavaScript
 * Date only milliseconds, and a source offset that dropped them would read a row twice or, in
 * timestamp+incrementing mode, compare against the wrong instant.
 *
 * `timestamp` (without time zone) values are wall-clock readings; `db.timezone` says where, as in
 * Confluent's JDBC connector. UTC, the default, needs no conversion.
 */
import { DataException } from '../../sdk/index.js';

const MICROS_PER_SECOND = 1_000_000n;
const MICROS_PER_MILLI = 1000n;
const MILLIS_PER_DAY = 86_400_000;

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const floorMod = (a: bigint, b: bigint): bigint => a - floorDiv(a, b) * b;

/** Milliseconds since the epoch of a proleptic Gregorian date (astronomical year: 1 BC is 0). */
function civilMillis(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

const TIMESTAMP_TEXT = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?( BC)?$/;

/** A fraction of a second as written ("5" is 500000 µs). */
const fractionMicros = (text: string | undefined): bigint => BigInt((text ?? '').padEnd(6, '0') || '0');

/**
 * The instant of a `timestamp` or `timestamptz` text. A text without an offset is wall-clock time
 * in `zone`. `infinity` and `-infinity` have no instant: a DataException naming `column`.
 */
export function parseTimestamp(text: string, zone: string, column: string): bigint {
  const m = TIMESTAMP_TEXT.exec(text);
  if (m === null)
    throw new DataException(
      `Column "${column}": cannot read ${JSON.stringify(text)} as a timestamp (infinite timestamps have no Connect value)`,
    );
  const [, y, mo, d, h, mi, s, fraction, sign, oh, om, os, bc] = m;
  const year = bc === undefined ? Number(y) : 1 - Number(y);
  const wallMillis = civilMillis(year, Number(mo), Number(d)) + ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1000;
  const wallMicros = BigInt(wallMillis) * MICROS_PER_MILLI + fractionMicros(fraction);
  if (sign === undefined) return wallToInstant(wallMicros, zone);
  const offsetSeconds = (Number(oh) * 60 + Number(om ?? 0)) * 60 + Number(os ?? 0);
  return wallMicros - BigInt(sign === '-' ? -offsetSeconds : offsetSeconds) * MICROS_PER_SECOND;
}

/** Milliseconds of an instant, rounded down (as java.sql.Timestamp.getTime()). */
export const instantMillis = (micros: bigint): number => Number(floorDiv(micros, MICROS_PER_MILLI));

/**
 * Confluent's offset fields for an instant: `timestamp` (milliseconds) and `timestamp_nanos` (the
 * nanoseconds within the second, java.sql.Timestamp.getNanos()).
 */
export function toOffsetFields(micros: bigint): { timestamp: number; timestamp_nanos: number } {
  return { timestamp: instantMillis(micros), timestamp_nanos: Number(floorMod(micros, MICROS_PER_SECOND) * 1000n) };
}

/** The instant of Confluent's offset fields; nanoseconds below the microsecond are dropped. */
export function fromOffsetFields(millis: number, nanos: number | undefined): bigint {
  const seconds = floorDiv(BigInt(Math.trunc(millis)), 1000n);
  const subSecond = nanos === undefined ? floorMod(BigInt(Math.trunc(millis)), 1000n) * 1000n : BigInt(Math.trunc(nanos / 1000));
  return seconds * MICROS_PER_SECOND + subSecond;
}

const pad = (n: number | bigint, width: number): string => String(n).padStart(width, '0');

/** Y-M-D h:m:s of a millisecond count read as UTC, with PostgreSQL's BC suffix for years before 1. */
function civilParts(millis: number): { date: string; time: string; bc: boolean } {
  const d = new Date(millis);
  const year = d.getUTCFullYear();
  const bc = year <= 0;
  return {
    date: `${pad(bc ? 1 - year : year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`,
    time: `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`,
    bc,
  };
}

/** A `timestamptz` literal of an instant, to the microsecond: `2024-05-01 12:00:00.123456+00`. */
export function formatInstant(micros: bigint): string {
  return formatWall(micros, '+00');
}

function formatWall(micros: bigint, suffix: string): string {
  const seconds = floorDiv(micros, MICROS_PER_SECOND);
  const { date, time, bc } = civilParts(Number(seconds) * 1000);
  return `${date} ${time}.${pad(floorMod(micros, MICROS_PER_SECOND), 6)}${suffix}${bc ? ' BC' : ''}`;
}

/** A `timestamp` (without time zone) literal: the wall-clock reading of an instant in `zone`. */
export function formatWallTimestamp(micros: bigint, zone: string): string {
  return formatWall(instantToWall(micros, zone), '');
}

/** A `date` literal of a Connect Date (a UTC midnight). */
export function formatDate(date: Date): string {
  const { date: text, bc } = civilParts(date.getTime());
  return bc ? `${text} BC` : text;
}

/** A `time` literal of a Connect Time (milliseconds since midnight, as a Date on 1970-01-01 UTC). */
export function formatTime(time: Date): string {
  const millis = time.getTime();
  if (millis === MILLIS_PER_DAY) return '24:00:00';
  const { time: text } = civilParts(millis);
  return `${text}.${pad(millis % 1000, 3)}`;
}

const DATE_TEXT = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/;

/** A `date` text as a Connect Date value: the Date of its UTC midnight. */
export function parseDate(text: string, column: string): Date {
  const m = DATE_TEXT.exec(text);
  if (m === null)
    throw new DataException(`Column "${column}": cannot read ${JSON.stringify(text)} as a date (infinite dates have no Connect value)`);
  const [, y, mo, d, bc] = m;
  return new Date(civilMillis(bc === undefined ? Number(y) : 1 - Number(y), Number(mo), Number(d)));
}

const TIME_TEXT = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?$/;

/**
 * A `time` or `timetz` text as a Connect Time value (milliseconds since midnight, sub-millisecond
 * digits dropped). A `timetz` is moved to UTC, wrapping around midnight.
 */
export function parseTime(text: string, column: string): Date {
  const m = TIME_TEXT.exec(text);
  if (m === null) throw new DataException(`Column "${column}": cannot read ${JSON.stringify(text)} as a time`);
  const [, h, mi, s, fraction, sign, oh, om, os] = m;
  let millis = ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1000 + Math.floor(Number(fractionMicros(fraction)) / 1000);
  if (sign !== undefined) {
    const offset = ((Number(oh) * 60 + Number(om ?? 0)) * 60 + Number(os ?? 0)) * 1000;
    millis = (((millis - (sign === '-' ? -offset : offset)) % MILLIS_PER_DAY) + MILLIS_PER_DAY) % MILLIS_PER_DAY;
  }
  return new Date(millis);
}

// ---- time zones -------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The offset of `zone` from UTC at an instant, in milliseconds (east positive). */
function zoneOffsetMillis(zone: string, millis: number): number {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const p of formatter.formatToParts(new Date(millis))) parts[p.type] = p.value;
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year);
  const wall =
    civilMillis(year, Number(parts.month), Number(parts.day)) +
    ((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000;
  return wall - (millis - (((millis % 1000) + 1000) % 1000));
}

const isUtc = (zone: string): boolean => zone === 'UTC' || zone === 'Etc/UTC' || zone === 'GMT' || zone === 'Z';

function instantToWall(micros: bigint, zone: string): bigint {
  if (isUtc(zone)) return micros;
  return micros + BigInt(zoneOffsetMillis(zone, instantMillis(micros))) * MICROS_PER_MILLI;
}

/** The instant a wall-clock reading in `zone` names (in a DST overlap, the earlier one). */
function wallToInstant(wallMicros: bigint, zone: string): bigint {
  if (isUtc(zone)) return wallMicros;
  const wallMillis = instantMillis(wallMicros);
  // The offset at the wall time read as UTC is off by at most one transition; a second look fixes it.
  let offset = zoneOffsetMillis(zone, wallMillis);
  offset = zoneOffsetMillis(zone, wallMillis - offset);
  return wallMicros - BigInt(offset) * MICROS_PER_MILLI;
}
