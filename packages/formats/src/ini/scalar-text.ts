import { FloatValue, Timestamp, type Scalar } from '@azkv/core';

/**
 * Formats a leaf the way sops' `stores.ValToString` (v3.13.2) does when a flat
 * store (INI, dotenv) writes a value that is not a string:
 * - Floats use Go's `%G` shortest form, with `.0` added when the result would
 *   read as an integer (`3.0`, `1E+21`, `0.0001`).
 * - Ints are written in decimal, and bools as `true` or `false`.
 * - Timestamps are written as RFC 3339 without fractional seconds (Go's
 *   `time.RFC3339`).
 * - Bytes become Go's `%v` of a byte slice (`[104 105]`) and null becomes
 *   `<nil>`, which is what sops writes for them.
 */
export function formatScalar(value: Scalar): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (typeof value === 'number') {
    return formatGoFloat(value);
  }
  if (value instanceof FloatValue) {
    return formatGoFloat(value.value);
  }
  if (value instanceof Timestamp) {
    return formatRfc3339Seconds(value.text);
  }
  if (value instanceof Uint8Array) {
    return `[${Array.from(value).join(' ')}]`;
  }
  return '<nil>';
}

/**
 * Formats a float as Go's `strconv.FormatFloat(v, 'G', -1, 64)` followed by
 * sops' rule that a result without `.` or `E` is rewritten with one decimal.
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (value === Number.POSITIVE_INFINITY) {
    return '+Inf';
  }
  if (value === Number.NEGATIVE_INFINITY) {
    return '-Inf';
  }

  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  // toExponential() without an argument gives the shortest digits that read
  // back as the same double, the same digits as Go's shortest formatting.
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);

  // %G switches to exponent form below 1e-4 and from 1e6 on (precision 6 in
  // the shortest mode), with at least two exponent digits.
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exponentDigits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits.charAt(0)}${fraction}E${exponent < 0 ? '-' : '+'}${exponentDigits}`;
  }

  let plain: string;
  if (exponent >= 0) {
    const integer = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = digits.slice(exponent + 1);
    plain = fraction === '' ? integer : `${integer}.${fraction}`;
  } else {
    plain = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return plain.includes('.') ? `${sign}${plain}` : `${sign}${plain}.0`;
}

const RFC3339_WITH_FRACTION = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.\d+(Z|[+-]\d{2}:\d{2})$/;

/**
 * Drops the fractional seconds of an RFC 3339 timestamp, which turns Go's
 * `MarshalText` output into its `Format(time.RFC3339)` output. Text in any
 * other layout is returned unchanged.
 */
function formatRfc3339Seconds(text: string): string {
  const match = RFC3339_WITH_FRACTION.exec(text);
  return match === null ? text : `${match[1]}${match[2]}`;
}
