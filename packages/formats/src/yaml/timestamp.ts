/**
 * A timestamp as go-yaml v3 reads it into a Go `time.Time`. `text` is what
 * sops encrypts and writes back: Go's RFC 3339 form with nanoseconds
 * (`Time.MarshalText`, or `Time.Format(time.RFC3339Nano)` on output).
 */
export interface YamlTimestamp {
  text: string;
}

// go-yaml tries these Go layouts in order (resolve.go):
//   2006-1-2T15:4:5.999999999Z07:00, the same with a lower-case t,
//   2006-1-2 15:4:5.999999999 (no zone) and 2006-1-2.
// Go's time.Parse reads each one- or two-digit field, accepts `.` or `,`
// before the fraction, and lets one layout space match several spaces.
const DATE = String.raw`(\d{4})-(\d{1,2})-(\d{1,2})`;
const CLOCK = String.raw`(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?`;
const WITH_ZONE = new RegExp(String.raw`^${DATE}[Tt]${CLOCK}(?:(Z)|([+-])(\d{2}):(\d{2}))$`);
const WITHOUT_ZONE = new RegExp(String.raw`^${DATE} +${CLOCK}$`);
const DATE_ONLY = new RegExp(String.raw`^${DATE}$`);

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * Parses `text` as go-yaml does for an untagged or `!!timestamp` scalar.
 * Returns undefined when it is not a timestamp, so that it stays a string
 * or resolves to a number.
 */
export function parseYamlTimestamp(text: string): YamlTimestamp | undefined {
  if (!/^\d{4}-/.test(text)) {
    return undefined;
  }
  let fields: Array<string | undefined>;
  let zone: { sign: string; hours: number; minutes: number } | undefined;
  const withZone = WITH_ZONE.exec(text);
  const withoutZone = withZone === null ? WITHOUT_ZONE.exec(text) : null;
  const dateOnly = withZone === null && withoutZone === null ? DATE_ONLY.exec(text) : null;
  if (withZone !== null) {
    fields = withZone.slice(1, 8);
    if (withZone[8] === undefined) {
      zone = { sign: withZone[9] ?? '+', hours: Number(withZone[10]), minutes: Number(withZone[11]) };
    }
  } else if (withoutZone !== null) {
    fields = withoutZone.slice(1, 8);
  } else if (dateOnly !== null) {
    fields = dateOnly.slice(1, 4);
  } else {
    return undefined;
  }

  const [year, month, day, hour, minute, second] = [0, 1, 2, 3, 4, 5].map((i) => Number(fields[i] ?? '0')) as [
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
  // Go keeps nine fraction digits and drops the rest.
  const fraction = (fields[6] ?? '').slice(0, 9).padEnd(9, '0').replace(/0+$/, '');

  let offset = 'Z';
  if (zone !== undefined) {
    if (zone.hours > 24 || zone.minutes > 60) {
      return undefined;
    }
    const minutes = zone.hours * 60 + zone.minutes;
    if (minutes !== 0) {
      offset = `${zone.sign}${pad(Math.trunc(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;
    }
  }
  const clock = `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction === '' ? '' : `.${fraction}`}`;
  return { text: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${clock}${offset}` };
}
