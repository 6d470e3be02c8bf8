/**
 * Text forms of numbers and booleans exactly as Go's `strconv` package writes
 * and reads them. sops encrypts and hashes these texts, so any difference
 * would change ciphertexts and MACs.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Formats a float like Go's `strconv.FormatFloat(value, 'f', -1, 64)`: the
 * shortest digits that read back to the same float, never with an exponent.
 * Special values are `NaN`, `+Inf` and `-Inf`, and negative zero is `-0`.
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (value === Infinity) {
    return '+Inf';
  }
  if (value === -Infinity) {
    return '-Inf';
  }
  if (value === 0) {
    return Object.is(value, -0) ? '-0' : '0';
  }

  // JavaScript's Number-to-String conversion also yields the shortest
  // round-trip digits (ECMA-262 Number::toString), so only the exponent
  // notation needs rewriting into plain positional form.
  const text = Math.abs(value).toString();
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
  if (match === null) {
    throw new Error(`Unexpected number text "${text}"`);
  }
  const integerPart = match[1] ?? '';
  const fractionPart = match[2] ?? '';
  const exponent = Number(match[3] ?? '0');

  const allDigits = integerPart + fractionPart;
  const significant = allDigits.replace(/^0+/, '');
  const leadingZeros = allDigits.length - significant.length;
  const digits = significant.replace(/0+$/, '');
  // Position of the decimal point, counted from the first significant digit.
  const point = integerPart.length + exponent - leadingZeros;

  let plain: string;
  if (point <= 0) {
    plain = `0.${'0'.repeat(-point)}${digits}`;
  } else if (point >= digits.length) {
    plain = digits + '0'.repeat(point - digits.length);
  } else {
    plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  return value < 0 ? `-${plain}` : plain;
}

const DECIMAL_DIGITS = String.raw`\d(?:_?\d)*`;
const HEX_DIGITS = String.raw`[0-9a-fA-F](?:_?[0-9a-fA-F])*`;
// Go allows `_` only between digits (or right after a `0x` prefix) and needs
// a `p` exponent in every hexadecimal float.
const DECIMAL_FLOAT = new RegExp(
  String.raw`^([+-]?)((?:${DECIMAL_DIGITS}(?:\.(?:${DECIMAL_DIGITS})?)?|\.${DECIMAL_DIGITS})(?:[eE][+-]?${DECIMAL_DIGITS})?)$`,
);
const HEX_FLOAT = new RegExp(
  String.raw`^([+-]?)0[xX]_?(?:(${HEX_DIGITS})(?:\.(${HEX_DIGITS})?)?|\.(${HEX_DIGITS}))[pP]([+-]?${DECIMAL_DIGITS})$`,
);

/**
 * Parses a float like Go's `strconv.ParseFloat(text, 64)`. Returns `undefined`
 * where Go returns an error: bad syntax, or a finite number too large for a
 * float64 (Go's range error). Accepts decimal and hexadecimal (`0x1p-2`) forms,
 * `_` between digits, and case-insensitive `inf`, `infinity` (optionally signed)
 * and `nan`. Values too small for a float64 round to zero without an error, as in Go.
 */
export function parseGoFloat(text: string): number | undefined {
  const special = /^([+-]?)(inf|infinity)$/i.exec(text);
  if (special !== null) {
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (/^nan$/i.test(text)) {
    return NaN;
  }

  const decimal = DECIMAL_FLOAT.exec(text);
  if (decimal !== null) {
    // Number() rounds decimal text correctly to the nearest float64.
    const magnitude = Number((decimal[2] ?? '').replaceAll('_', ''));
    if (!Number.isFinite(magnitude)) {
      return undefined;
    }
    return decimal[1] === '-' ? -magnitude : magnitude;
  }

  const hex = HEX_FLOAT.exec(text);
  if (hex !== null) {
    const integerDigits = (hex[2] ?? '').replaceAll('_', '');
    const fractionDigits = (hex[3] ?? hex[4] ?? '').replaceAll('_', '');
    const mantissa = BigInt(`0x${integerDigits}${fractionDigits}`);
    const exponent = Number((hex[5] ?? '0').replaceAll('_', '')) - 4 * fractionDigits.length;
    const magnitude = scaleByPowerOfTwo(mantissa, exponent);
    if (!Number.isFinite(magnitude)) {
      return undefined;
    }
    return hex[1] === '-' ? -magnitude : magnitude;
  }
  return undefined;
}

/**
 * Computes `mantissa * 2^exponent` rounded to the nearest float64, ties to
 * even, as IEEE 754 requires. Returns Infinity on overflow.
 */
function scaleByPowerOfTwo(mantissa: bigint, exponent: number): number {
  if (mantissa === 0n) {
    return 0;
  }
  const bitLength = mantissa.toString(2).length;
  const topBitExponent = bitLength - 1 + exponent;
  if (topBitExponent > 1023) {
    return Infinity;
  }
  // Exponent of the last mantissa bit a float64 can keep: 52 bits below the
  // top bit for normal numbers, and never below 2^-1074 (subnormals).
  const lastBitExponent = Math.max(topBitExponent - 52, -1074);
  const shift = lastBitExponent - exponent;
  if (shift <= 0) {
    return Number(mantissa) * 2 ** exponent;
  }

  // Guard against exponents so small that the shift exceeds the mantissa,
  // where the result is below half the smallest subnormal.
  if (shift > bitLength + 1) {
    return 0;
  }
  const bigShift = BigInt(shift);
  let rounded = mantissa >> bigShift;
  const remainder = mantissa - (rounded << bigShift);
  const half = 1n << (bigShift - 1n);
  if (remainder > half || (remainder === half && (rounded & 1n) === 1n)) {
    rounded += 1n;
  }
  return Number(rounded) * 2 ** lastBitExponent;
}

/**
 * Parses an integer like Go's `strconv.Atoi` on a 64-bit platform: optional
 * sign, ASCII decimal digits only, within the int64 range. Returns `undefined`
 * where Go returns an error.
 */
export function parseGoInt(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) {
    return undefined;
  }
  const value = BigInt(text);
  if (value < INT64_MIN || value > INT64_MAX) {
    return undefined;
  }
  return value;
}

/** Reports whether `value` fits Go's 64-bit `int`, the integer type of sops trees. */
export function isGoInt(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * Parses a boolean like Go's `strconv.ParseBool`. Returns `undefined` for any
 * other text, as Go returns an error.
 */
export function parseGoBool(text: string): boolean | undefined {
  if (GO_TRUE.has(text)) {
    return true;
  }
  if (GO_FALSE.has(text)) {
    return false;
  }
  return undefined;
}
