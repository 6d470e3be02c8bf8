import { Scalar } from 'yaml';
import type { GoValue } from './types.js';

/**
 * A scalar resolved the way go-yaml v3 (the YAML library of sops 3.13.2)
 * resolves it. sops decodes `.sops.yaml` into typed Go fields, and whether a
 * value fits a field depends on this resolution, not on the YAML 1.2 core
 * schema: `0777` is an octal integer, `1_000` is 1000, and a quoted `"yes"`
 * fills a boolean field.
 */
export type ResolvedScalar =
  | { tag: 'null' }
  | { tag: 'bool'; value: boolean }
  | { tag: 'int'; value: bigint }
  | { tag: 'float'; value: number }
  | { tag: 'timestamp' }
  | { tag: 'str'; value: string };

const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';

const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUE_WORDS = new Set(['true', 'True', 'TRUE']);
const FALSE_WORDS = new Set(['false', 'False', 'FALSE']);
const SPECIAL_FLOATS = new Map<string, number>([
  ['.nan', Number.NaN],
  ['.NaN', Number.NaN],
  ['.NAN', Number.NaN],
  ['.inf', Number.POSITIVE_INFINITY],
  ['.Inf', Number.POSITIVE_INFINITY],
  ['.INF', Number.POSITIVE_INFINITY],
  ['+.inf', Number.POSITIVE_INFINITY],
  ['+.Inf', Number.POSITIVE_INFINITY],
  ['+.INF', Number.POSITIVE_INFINITY],
  ['-.inf', Number.NEGATIVE_INFINITY],
  ['-.Inf', Number.NEGATIVE_INFINITY],
  ['-.INF', Number.NEGATIVE_INFINITY],
]);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** go-yaml's pattern for decimal floats, applied after underscores are removed. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Go's `strconv.ParseFloat` on text that starts with a dot. */
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

/**
 * The timestamp layouts go-yaml tries: RFC 3339 with `T` or `t` and 1- or
 * 2-digit date and time fields, a space-separated form without zone, and a
 * bare date.
 */
const TIMESTAMP_FORMS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
];

function isTimestamp(text: string): boolean {
  for (const form of TIMESTAMP_FORMS) {
    const match = form.exec(text);
    if (match === null) {
      continue;
    }
    const [year, month, day, hour = 0, minute = 0, second = 0, zoneHours = 0, zoneMinutes = 0] = match
      .slice(1)
      .map((part) => (part === undefined ? undefined : Number(part)));
    const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
    return (
      month! >= 1 &&
      month! <= 12 &&
      day! >= 1 &&
      day! <= daysInMonth &&
      hour < 24 &&
      minute < 60 &&
      second < 60 &&
      zoneHours < 24 &&
      zoneMinutes < 60
    );
  }
  return false;
}

/** Go's `strconv.ParseInt(text, 0, 64)` and `ParseUint`: sign, then a 0x, 0o, 0b or legacy 0 octal prefix. */
function parseGoInteger(text: string): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (match === null) {
    return undefined;
  }
  const [, sign, digits] = match as unknown as [string, string, string];
  let magnitude: bigint;
  if (/^0[oO]/.test(digits)) {
    magnitude = BigInt(`0o${digits.slice(2)}`);
  } else if (/^0[0-7]+$/.test(digits)) {
    magnitude = BigInt(`0o${digits.slice(1)}`);
  } else {
    // BigInt accepts 0x and 0b prefixes and decimal digits as they are.
    magnitude = BigInt(digits);
  }
  const value = sign === '-' ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) {
    return value;
  }
  // Go falls back to ParseUint, which takes no sign.
  return sign === '' && value <= UINT64_MAX ? value : undefined;
}

/** Resolves an untagged plain scalar, following go-yaml v3's `resolve`. */
export function resolvePlainScalar(text: string): ResolvedScalar {
  if (NULL_WORDS.has(text)) {
    return { tag: 'null' };
  }
  const first = text[0]!;
  if (TRUE_WORDS.has(text) || FALSE_WORDS.has(text)) {
    return { tag: 'bool', value: TRUE_WORDS.has(text) };
  }
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) {
    return { tag: 'float', value: special };
  }

  if (first === '.') {
    return DOT_FLOAT.test(text) ? { tag: 'float', value: Number(text) } : { tag: 'str', value: text };
  }
  if (!/[-+0-9]/.test(first)) {
    return { tag: 'str', value: text };
  }

  if (isTimestamp(text)) {
    return { tag: 'timestamp' };
  }
  const plain = text.replaceAll('_', '');
  const integer = parseGoInteger(plain);
  if (integer !== undefined) {
    return { tag: 'int', value: integer };
  }
  if (YAML_FLOAT.test(plain)) {
    const float = Number(plain);
    // Go's ParseFloat fails on overflow, and the text then stays a string.
    if (Number.isFinite(float)) {
      return { tag: 'float', value: float };
    }
  }
  return { tag: 'str', value: text };
}

/**
 * Returns a scalar's text after unquoting, which go-yaml keeps as the node
 * value. The failsafe schema leaves values as strings, except that a
 * `!!merge` tag turns the value into a symbol; the source text is used then.
 */
export function scalarText(scalar: Scalar): string {
  if (typeof scalar.value === 'string') {
    return scalar.value;
  }
  return scalar.source ?? String(scalar.value ?? '');
}

/** Raised for scalars that go-yaml rejects outright; the decoder turns it into a config error. */
export class ScalarTagError extends Error {}

/**
 * Resolves a parsed scalar. Quoted and block scalars are strings, and so are
 * values tagged `!!str`. The tags `!!null`, `!!bool`, `!!int`, `!!float` and
 * `!!timestamp` must match the text, though an integer text fits `!!float`.
 * Other tags keep the text as a string.
 *
 * @throws ScalarTagError when an explicit tag does not match the text, or for `!!binary`.
 */
export function resolveScalar(scalar: Scalar): ResolvedScalar {
  const text = scalarText(scalar);
  const tag = scalar.tag === undefined || scalar.tag === '!' ? undefined : scalar.tag;

  if (tag === undefined) {
    return scalar.type === Scalar.PLAIN || scalar.type === undefined ? resolvePlainScalar(text) : { tag: 'str', value: text };
  }
  if (!tag.startsWith(YAML_TAG_PREFIX)) {
    return { tag: 'str', value: text };
  }

  const shortTag = tag.slice(YAML_TAG_PREFIX.length);
  if (shortTag === 'binary') {
    // NOTE: go-yaml decodes !!binary as base64. No sops setting needs it, so azkv rejects it.
    throw new ScalarTagError(`the !!binary tag is not supported in a config file`);
  }
  if (!['null', 'bool', 'int', 'float', 'timestamp'].includes(shortTag)) {
    return { tag: 'str', value: text };
  }
  const resolved = resolvePlainScalar(text);
  if (resolved.tag === shortTag) {
    return resolved;
  }
  if (shortTag === 'float' && resolved.tag === 'int') {
    return { tag: 'float', value: Number(resolved.value) };
  }
  throw new ScalarTagError(`the value ${JSON.stringify(text)} is not a valid !!${shortTag}`);
}

/**
 * Converts a scalar for a Go `int` field. Floats are truncated toward zero,
 * as go-yaml converts them. Returns undefined when the value does not fit,
 * which includes integers outside JavaScript's safe range that Go would
 * take up to 2^63-1.
 */
export function goInt(resolved: ResolvedScalar): number | undefined {
  let value: number | undefined;
  if (resolved.tag === 'int') {
    value = Number(resolved.value);
  } else if (resolved.tag === 'float' && Number.isFinite(resolved.value)) {
    value = Math.trunc(resolved.value);
  }
  return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Converts a scalar for a Go `bool` field. go-yaml also takes the YAML 1.1
 * words `y`, `yes`, `on` and `n`, `no`, `off` (in three spellings each), even
 * when quoted, but not a quoted `"true"`.
 */
export function goBool(resolved: ResolvedScalar): boolean | undefined {
  if (resolved.tag === 'bool') {
    return resolved.value;
  }
  if (resolved.tag !== 'str') {
    return undefined;
  }
  if (['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].includes(resolved.value)) {
    return true;
  }
  if (['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].includes(resolved.value)) {
    return false;
  }
  return undefined;
}

/** Converts a scalar for a Go `interface{}` field, keeping strings and naming the Go type of anything else. */
export function goInterfaceValue(resolved: ResolvedScalar): GoValue {
  switch (resolved.tag) {
    case 'null':
      return { kind: 'nil' };
    case 'str':
      return { kind: 'string', value: resolved.value };
    case 'bool':
      return { kind: 'other', goType: 'bool' };
    case 'int':
      return { kind: 'other', goType: resolved.value > INT64_MAX ? 'uint64' : 'int' };
    case 'float':
      return { kind: 'other', goType: 'float64' };
    case 'timestamp':
      return { kind: 'other', goType: 'time.Time' };
  }
}
