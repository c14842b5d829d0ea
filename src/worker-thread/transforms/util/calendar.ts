/**
 * The calendar java.util.GregorianCalendar computes in UTC, for SimpleDateFormat: Gregorian from
 * 1582-10-15, Julian before (Java's default cutover), US week rules (weeks start on Sunday; week 1
 * is the week that contains January 1st).
 */

export const MILLIS_PER_DAY = 86_400_000;
/** 1582-10-15, the first Gregorian day, as days since 1970-01-01. */
export const CUTOVER_EPOCH_DAY = -141427;
const JULIAN_DAY_OF_EPOCH = 2440588;

export interface CalendarFields {
  /** Astronomical year: 0 is 1 BC. */
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  readonly dayOfMonth: number;
  /** The day's position in its month, which differs from dayOfMonth only in October 1582 (Oct 15 is the 5th day). */
  readonly dayInMonth: number;
  /** 1 (Sunday) to 7 (Saturday), as Calendar.DAY_OF_WEEK. */
  readonly dayOfWeek: number;
  readonly dayOfYear: number;
  readonly weekOfYear: number;
  readonly weekYear: number;
  readonly weekOfMonth: number;
  readonly hourOfDay: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);
const floorMod = (a: number, b: number): number => a - Math.floor(a / b) * b;

/** Days since 1970-01-01 of a Gregorian date; month and day may overflow (lenient). */
export function gregorianEpochDay(year: number, month: number, day: number): number {
  const y0 = year + floorDiv(month - 1, 12);
  const m = floorMod(month - 1, 12) + 1;
  const y = m <= 2 ? y0 - 1 : y0;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const doy = floorDiv(153 * (m + (m > 2 ? -3 : 9)) + 2, 5);
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468 + day - 1;
}

/** Days since 1970-01-01 of a Julian date; month and day may overflow. */
export function julianEpochDay(year: number, month: number, day: number): number {
  const y0 = year + floorDiv(month - 1, 12);
  const m = floorMod(month - 1, 12) + 1;
  const a = floorDiv(14 - m, 12);
  const y = y0 + 4800 - a;
  const mm = m + 12 * a - 3;
  const jdn = day + floorDiv(153 * mm + 2, 5) + 365 * y + floorDiv(y, 4) - 32083;
  return jdn - JULIAN_DAY_OF_EPOCH;
}

/** Days since the epoch of a date in the calendar Java uses for it (Julian before the cutover). */
export function epochDay(year: number, month: number, day: number): number {
  if (year > 1582) return gregorianEpochDay(year, month, day);
  const julian = julianEpochDay(year, month, day);
  if (year < 1582) return julian;
  const gregorian = gregorianEpochDay(year, month, day);
  return gregorian >= CUTOVER_EPOCH_DAY ? gregorian : julian;
}

function civil(day: number): { year: number; month: number; dayOfMonth: number } {
  if (day >= CUTOVER_EPOCH_DAY) {
    const z = day + 719468;
    const era = floorDiv(z, 146097);
    const doe = z - era * 146097;
    const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
    const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
    const mp = floorDiv(5 * doy + 2, 153);
    const dayOfMonth = doy - floorDiv(153 * mp + 2, 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, dayOfMonth };
  }
  const c = day + JULIAN_DAY_OF_EPOCH + 32082;
  const d = floorDiv(4 * c + 3, 1461);
  const e = c - floorDiv(1461 * d, 4);
  const m = floorDiv(5 * e + 2, 153);
  return { year: d - 4800 + floorDiv(m, 10), month: m + 3 - 12 * floorDiv(m, 10), dayOfMonth: e - floorDiv(153 * m + 2, 5) + 1 };
}

/** 1 (Sunday) to 7 (Saturday). */
const dayOfWeekOf = (day: number): number => floorMod(day + 4, 7) + 1;

/** The calendar fields of an instant, in UTC. */
export function calendarFields(millis: number): CalendarFields {
  const day = floorDiv(millis, MILLIS_PER_DAY);
  const timeOfDay = millis - day * MILLIS_PER_DAY;
  const { year, month, dayOfMonth } = civil(day);
  const dayOfWeek = dayOfWeekOf(day);
  const jan1 = epochDay(year, 1, 1);
  const dayOfYear = day - jan1 + 1;
  let weekYear = year;
  let weekOfYear = floorDiv(dayOfYear - 1 + dayOfWeekOf(jan1) - 1, 7) + 1;
  const nextJan1 = epochDay(year + 1, 1, 1);
  if (day >= nextJan1 - (dayOfWeekOf(nextJan1) - 1)) {
    weekYear = year + 1;
    weekOfYear = 1;
  }
  const firstOfMonth = epochDay(year, month, 1);
  const dayInMonth = day - firstOfMonth + 1;
  return {
    year,
    month,
    dayOfMonth,
    dayInMonth,
    dayOfWeek,
    dayOfYear,
    weekOfYear,
    weekYear,
    weekOfMonth: floorDiv(dayInMonth - 1 + dayOfWeekOf(firstOfMonth) - 1, 7) + 1,
    hourOfDay: floorDiv(timeOfDay, 3_600_000),
    minute: floorDiv(timeOfDay, 60_000) % 60,
    second: floorDiv(timeOfDay, 1000) % 60,
    millisecond: timeOfDay % 1000,
  };
}

/** The first day (a Sunday) of week 1 of a week year. */
export function firstDayOfWeekYear(weekYear: number): number {
  const jan1 = epochDay(weekYear, 1, 1);
  return jan1 - (dayOfWeekOf(jan1) - 1);
}
