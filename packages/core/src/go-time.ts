/**
 * RFC 3339 timestamps as Go's `time` package reads and writes them (Go 1.26,
 * the toolchain that builds sops 3.13.2). sops uses them twice: `time` leaves
 * are encrypted as `Time.MarshalText` output, and the MAC is encrypted with
 * `lastmodified` in the `time.RFC3339` layout as additional data.
 */

/** A parsed timestamp: the wall clock as written and its UTC offset. */
export interface GoTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  /** Offset east of UTC in seconds; 0 is written as `Z`. */
  offsetSeconds: number;
}

// Layout "2006-01-02T15:04:05Z07:00". Go's general parser reads the hour with
// one or two digits, and accepts a fraction after the seconds with `.` or `,`
// even though the layout has none.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses `text` like Go's `time.Parse(time.RFC3339, text)`, which is also what
 * `Time.UnmarshalText` accepts. Returns `undefined` where Go returns an error.
 * Fraction digits past the ninth are dropped, as Go does, and Go's offset range
 * check is as loose as Go's (offset hours up to 24 and minutes up to 60).
 */
export function parseGoTime(text: string): GoTime | undefined {
  const match = RFC3339.exec(text);
  if (match === null) {
    return undefined;
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }

  const fraction = match[7] ?? '';
  const nanosecond = fraction === '' ? 0 : Number(fraction.slice(0, 9).padEnd(9, '0'));

  let offsetSeconds = 0;
  if (match[8] === undefined) {
    const offsetHours = Number(match[10]);
    const offsetMinutes = Number(match[11]);
    if (offsetHours > 24 || offsetMinutes > 60) {
      return undefined;
    }
    offsetSeconds = (offsetHours * 60 + offsetMinutes) * 60 * (match[9] === '-' ? -1 : 1);
  }
  return { year, month, day, hour, minute, second, nanosecond, offsetSeconds };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function formatOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) {
    return 'Z';
  }
  const sign = offsetSeconds < 0 ? '-' : '+';
  const minutes = Math.trunc(Math.abs(offsetSeconds) / 60);
  return `${sign}${pad(Math.trunc(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;
}

function formatWallClock(time: GoTime): string {
  return (
    `${pad(time.year, 4)}-${pad(time.month, 2)}-${pad(time.day, 2)}` +
    `T${pad(time.hour, 2)}:${pad(time.minute, 2)}:${pad(time.second, 2)}`
  );
}

/**
 * Formats like Go's `Time.Format(time.RFC3339)`: whole seconds (any fraction
 * is dropped, not rounded) and `Z` for a zero offset.
 */
export function formatGoTimeRfc3339(time: GoTime): string {
  return formatWallClock(time) + formatOffset(time.offsetSeconds);
}

/**
 * Formats like Go's `Time.MarshalText`: RFC 3339 with the fraction of a second
 * and its trailing zeros removed. Returns `undefined` where Go fails, which is
 * for an offset of 24 hours or more.
 */
export function marshalGoTime(time: GoTime): string | undefined {
  if (Math.abs(time.offsetSeconds) >= 24 * 3600) {
    return undefined;
  }
  const fraction = time.nanosecond === 0 ? '' : `.${pad(time.nanosecond, 9).replace(/0+$/, '')}`;
  return formatWallClock(time) + fraction + formatOffset(time.offsetSeconds);
}

/** Converts a JavaScript `Date` into a UTC {@link GoTime}, keeping its milliseconds. */
export function goTimeFromDate(date: Date): GoTime {
  if (Number.isNaN(date.getTime())) {
    throw new RangeError('Invalid Date');
  }
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    nanosecond: date.getUTCMilliseconds() * 1_000_000,
    offsetSeconds: 0,
  };
}
