import { describe, expect, it } from 'vitest';

import { formatGoTimeRfc3339, goTimeFromDate, marshalGoTime, parseGoTime } from '../src/go-time.js';

describe('parseGoTime', () => {
  // Results of Go 1.26 for each input: [input, Time.MarshalText after
  // Time.UnmarshalText (null on error), Time.Format(time.RFC3339) after
  // time.Parse(time.RFC3339) (null on error)].
  const table: Array<[string, string | null, string | null]> = [
    ["2020-01-02T03:04:05Z", "2020-01-02T03:04:05Z", "2020-01-02T03:04:05Z"],
    ["2020-01-02T03:04:05+00:00", "2020-01-02T03:04:05Z", "2020-01-02T03:04:05Z"],
    ["2020-01-02T03:04:05-00:00", "2020-01-02T03:04:05Z", "2020-01-02T03:04:05Z"],
    ["2020-01-02T03:04:05.120000000Z", "2020-01-02T03:04:05.12Z", "2020-01-02T03:04:05Z"],
    ["2020-01-02T03:04:05.000Z", "2020-01-02T03:04:05Z", "2020-01-02T03:04:05Z"],
    ["2020-01-02T03:04:05.1234567891234Z", "2020-01-02T03:04:05.123456789Z", "2020-01-02T03:04:05Z"],
    ["2020-01-02T03:04:05+05:30", "2020-01-02T03:04:05+05:30", "2020-01-02T03:04:05+05:30"],
    ["2020-01-02T03:04:05.5-07:00", "2020-01-02T03:04:05.5-07:00", "2020-01-02T03:04:05-07:00"],
    ["2020-02-30T03:04:05Z", null, null],
    ["2020-02-29T03:04:05Z", "2020-02-29T03:04:05Z", "2020-02-29T03:04:05Z"],
    ["2019-02-29T03:04:05Z", null, null],
    ["2020-01-02t03:04:05Z", null, null],
    ["2020-01-02T03:04:05z", null, null],
    ["2020-01-02T3:04:05Z", "2020-01-02T03:04:05Z", "2020-01-02T03:04:05Z"],
    ["2020-01-02T03:04:05,5Z", "2020-01-02T03:04:05.5Z", "2020-01-02T03:04:05Z"],
    ["2020-01-02T24:00:00Z", null, null],
    ["2020-01-02T03:04:60Z", null, null],
    ["2020-01-02T03:04:05+24:00", null, "2020-01-02T03:04:05+24:00"],
    ["2020-01-02T03:04:05+23:59", "2020-01-02T03:04:05+23:59", "2020-01-02T03:04:05+23:59"],
    ["0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"],
    ["9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"],
    ["2020-01-02 03:04:05Z", null, null],
    ["2020-01-02T03:04:05", null, null],
    ["2020-01-02T03:04:05.Z", null, null],
    ["2020-1-02T03:04:05Z", null, null],
    ["2020-01-02T03:04:05+0100", null, null],
    ["2020-01-02T03:04:05+01:00:00", null, null],
    ["12020-01-02T03:04:05Z", null, null],
    ["2020-01-02T03:04:05+01:60", "2020-01-02T03:04:05+02:00", "2020-01-02T03:04:05+02:00"],
  ];

  for (const [input, marshalled, formatted] of table) {
    it(`reads ${input}`, () => {
      const time = parseGoTime(input);
      expect(time === undefined ? null : formatGoTimeRfc3339(time)).toBe(formatted);
      expect(time === undefined ? null : (marshalGoTime(time) ?? null)).toBe(marshalled);
    });
  }
});

describe('goTimeFromDate', () => {
  it('keeps milliseconds for MarshalText', () => {
    const time = goTimeFromDate(new Date(Date.UTC(2026, 4, 22, 20, 16, 23, 450)));
    expect(marshalGoTime(time)).toBe('2026-05-22T20:16:23.45Z');
    expect(formatGoTimeRfc3339(time)).toBe('2026-05-22T20:16:23Z');
  });

  it('rejects an invalid date', () => {
    expect(() => goTimeFromDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});
