/*
 * Implicit typing of scalars as go-yaml v3 does it (resolve.go): YAML 1.1
 * leftovers included, such as `0777` octals and `True`/`TRUE`, but not
 * `yes`/`no`. The results decide the sops value types, and with them the
 * ciphertexts and the MAC.
 */
import { parseYamlTimestamp, type YamlTimestamp } from './timestamp.js';

export const STR = '!!str';
export const INT = '!!int';
export const FLOAT = '!!float';
export const BOOL = '!!bool';
export const NULL = '!!null';
export const TIMESTAMP = '!!timestamp';
export const BINARY = '!!binary';
export const MERGE = '!!merge';
export const SEQ = '!!seq';
export const MAP = '!!map';

const LONG_TAG_PREFIX = 'tag:yaml.org,2002:';

/** Shortens `tag:yaml.org,2002:x` to `!!x`; other tags stay as they are. */
export function shortTag(tag: string): string {
  return tag.startsWith(LONG_TAG_PREFIX) ? `!!${tag.slice(LONG_TAG_PREFIX.length)}` : tag;
}

/**
 * A resolved scalar. Integers are `int` within the int64 range and `uint`
 * above it up to 2^64-1, as go-yaml returns `uint64` there.
 */
export type Resolved =
  | { tag: typeof STR; value: string }
  | { tag: typeof INT; value: bigint; unsigned: boolean }
  | { tag: typeof FLOAT; value: number }
  | { tag: typeof BOOL; value: boolean }
  | { tag: typeof NULL; value: null }
  | { tag: typeof TIMESTAMP; value: YamlTimestamp }
  | { tag: string; value: string };

const KNOWN_VALUES = new Map<string, Resolved>();
for (const text of ['true', 'True', 'TRUE']) KNOWN_VALUES.set(text, { tag: BOOL, value: true });
for (const text of ['false', 'False', 'FALSE']) KNOWN_VALUES.set(text, { tag: BOOL, value: false });
for (const text of ['', '~', 'null', 'Null', 'NULL']) KNOWN_VALUES.set(text, { tag: NULL, value: null });
for (const text of ['.nan', '.NaN', '.NAN']) KNOWN_VALUES.set(text, { tag: FLOAT, value: NaN });
for (const text of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) {
  KNOWN_VALUES.set(text, { tag: FLOAT, value: Infinity });
}
for (const text of ['-.inf', '-.Inf', '-.INF']) KNOWN_VALUES.set(text, { tag: FLOAT, value: -Infinity });
KNOWN_VALUES.set('<<', { tag: MERGE, value: '<<' });

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** go-yaml's test for float text, applied after removing underscores. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go float syntax for text that starts with `.`, with `_` between digits. */
const DOT_FLOAT = /^\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?$/;

/** Parses like Go's `strconv.ParseInt(text, 0, 64)` (after `_` removal); `signed` false acts as ParseUint. */
function parseGoInteger(text: string, signed: boolean): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (match === null || (!signed && match[1] !== '')) {
    return undefined;
  }
  const body = match[2] ?? '';
  let magnitude: bigint;
  if (/^0[xXbBoO]/.test(body)) {
    magnitude = BigInt(`0${body[1]?.toLowerCase() ?? ''}${body.slice(2)}`);
  } else if (body.length > 1 && body.startsWith('0')) {
    magnitude = BigInt(`0o${body.slice(1)}`);
  } else {
    magnitude = BigInt(body);
  }
  const value = match[1] === '-' ? -magnitude : magnitude;
  if (signed ? value < INT64_MIN || value > INT64_MAX : value > UINT64_MAX) {
    return undefined;
  }
  return value;
}

/** Parses a float like Go's ParseFloat; undefined when Go reports an error, overflow included. */
function parseGoFloatText(text: string): number | undefined {
  const value = Number(text.replaceAll('_', ''));
  return Number.isFinite(value) ? value : undefined;
}

function resolveImplicit(text: string, tryTimestamp: boolean): Resolved {
  const known = KNOWN_VALUES.get(text);
  if (known !== undefined) {
    return known;
  }

  const first = text[0] ?? '';
  if (first === '.') {
    const value = DOT_FLOAT.test(text) ? parseGoFloatText(text) : undefined;
    return value === undefined ? { tag: STR, value: text } : { tag: FLOAT, value };
  }
  if (!/^[-+0-9]$/.test(first)) {
    return { tag: STR, value: text };
  }
  if (tryTimestamp) {
    const timestamp = parseYamlTimestamp(text);
    if (timestamp !== undefined) {
      return { tag: TIMESTAMP, value: timestamp };
    }
  }

  const plain = text.replaceAll('_', '');
  const signed = parseGoInteger(plain, true);
  if (signed !== undefined) {
    return { tag: INT, value: signed, unsigned: false };
  }
  const unsigned = parseGoInteger(plain, false);
  if (unsigned !== undefined) {
    return { tag: INT, value: unsigned, unsigned: true };
  }
  if (YAML_FLOAT.test(plain)) {
    const value = parseGoFloatText(plain);
    if (value !== undefined) {
      return { tag: FLOAT, value };
    }
  }
  return { tag: STR, value: text };
}

export class ResolveError extends Error {}

/**
 * Resolves a scalar's text under `tag` (short form, '' when none) as
 * go-yaml's `resolve` does. Throws ResolveError where go-yaml fails, for
 * example `!!int abc`.
 */
export function resolveScalar(tag: string, text: string): Resolved {
  tag = shortTag(tag);
  if (![ '', STR, BOOL, INT, FLOAT, NULL, TIMESTAMP].includes(tag)) {
    return { tag, value: text };
  }
  if (tag === STR) {
    return { tag: STR, value: text };
  }
  const resolved = resolveImplicit(text, tag === '' || tag === TIMESTAMP);
  if (tag === '' || tag === resolved.tag) {
    return resolved;
  }
  if (tag === FLOAT && resolved.tag === INT && !(resolved as { unsigned: boolean }).unsigned) {
    return { tag: FLOAT, value: Number(resolved.value as bigint) };
  }
  throw new ResolveError(`cannot decode ${resolved.tag} \`${text}\` as a ${tag}`);
}

/** Returns the tag go-yaml gives a plain scalar written without a tag. */
export function implicitTag(text: string): string {
  return resolveImplicit(text, true).tag;
}
