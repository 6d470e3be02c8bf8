import { AzkvError, ExitCode, FloatValue, Timestamp, type Scalar } from '@azkv/core';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

// TOML 1.0.0 float syntax, used to decide whether a FloatValue's source text
// can be written as it is. Other sources (a JSON number such as `1`) are
// formatted from the value.
const TOML_FLOAT =
  /^[+-]?(?:inf|nan|(?:0|[1-9](?:_?\d)*)(?:\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|[eE][+-]?\d(?:_?\d)*))$/;

// The four TOML 1.0.0 date and time forms. The parser checks the ranges of
// the fields when the file is read again.
const DATE = String.raw`\d{4}-\d{2}-\d{2}`;
const TIME = String.raw`\d{2}:\d{2}:\d{2}(?:\.\d+)?`;
const TOML_DATETIME = new RegExp(String.raw`^(?:${DATE}(?:[Tt ]${TIME}(?:[Zz]|[+-]\d{2}:\d{2})?)?|${TIME})$`);

// TOML 1.0.0 does not allow U+0000..U+001F (except tab) or U+007F unescaped
// in basic strings, and this writer escapes tab too.
const ESCAPED_IN_STRING = /["\\\u0000-\u001F\u007F]/g;
const ESCAPED_IN_MULTILINE_STRING = /[\\\u0000-\u0009\u000B-\u001F\u007F]/g;
// A quote needs an escape in a multi-line string only where it would start
// `"""` or run into the closing delimiter.
const QUOTE_IN_MULTILINE_STRING = /"(?=""|"?$)/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A position in the tree for error messages: keys and list indexes. */
export type TreePath = ReadonlyArray<string | number>;

/** Formats a tree path as a TOML key, with `[index]` for list elements. */
export function describePath(path: TreePath): string {
  if (path.length === 0) {
    return 'the top level';
  }
  let text = '';
  for (const part of path) {
    text += typeof part === 'number' ? `[${part}]` : `${text === '' ? '' : '.'}${formatKey(part)}`;
  }
  return `'${text}'`;
}

/** Creates the error for a tree value that TOML cannot hold. */
export function unsupportedValue(path: TreePath, reason: string, hint?: string): AzkvError {
  return new AzkvError('ERR_UNSUPPORTED_VALUE', `cannot write the value at ${describePath(path)} as TOML: ${reason}`, {
    exitCode: ExitCode.ErrorDumpingTree,
    ...(hint === undefined ? {} : { hint }),
  });
}

function escapeCharacter(character: string): string {
  return SHORT_ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function checkText(text: string, path: TreePath): void {
  if (LONE_SURROGATE.test(text)) {
    throw unsupportedValue(path, 'the text contains an unpaired UTF-16 surrogate, which has no UTF-8 form');
  }
}

/** Writes a key bare when TOML allows it, otherwise as a basic string. */
export function formatKey(key: string): string {
  return BARE_KEY.test(key) ? key : `"${key.replace(ESCAPED_IN_STRING, escapeCharacter)}"`;
}

/** Writes a key path such as `a."b c".d`. */
export function formatKeyPath(keys: readonly string[], path: TreePath): string {
  for (const key of keys) {
    checkText(key, path);
  }
  return keys.map(formatKey).join('.');
}

/** Writes a one-line basic string. */
export function formatString(text: string, path: TreePath): string {
  checkText(text, path);
  return `"${text.replace(ESCAPED_IN_STRING, escapeCharacter)}"`;
}

/**
 * Writes a multi-line basic string for text with line breaks. The newline
 * after the opening quotes is not part of the value (TOML 1.0.0). Carriage
 * returns are escaped, because parsers may turn a literal CRLF into LF.
 */
export function formatMultilineString(text: string, path: TreePath): string {
  checkText(text, path);
  const escaped = text.replace(ESCAPED_IN_MULTILINE_STRING, escapeCharacter).replace(QUOTE_IN_MULTILINE_STRING, '\\"');
  return `"""\n${escaped}"""`;
}

/** Writes a float in TOML syntax: `1.0` for an integral value, `inf`, `-inf`, `nan`. */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) {
    return 'nan';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? 'inf' : '-inf';
  }
  if (Object.is(value, -0)) {
    return '-0.0';
  }
  // JavaScript writes exponents as `1e+21`, which TOML accepts.
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * Writes a leaf as a TOML value. Throws AzkvError ERR_UNSUPPORTED_VALUE for
 * `null` (TOML has no null), integers outside 64 bits, timestamps that are
 * not TOML date-times, bytes that are not UTF-8 and text with unpaired
 * surrogates.
 */
export function formatScalar(value: Scalar, path: TreePath): string {
  if (typeof value === 'string') {
    return formatString(value, path);
  }
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) {
      throw unsupportedValue(path, `the integer ${value} is outside the 64-bit range of TOML`, 'store it as a string');
    }
    return value.toString();
  }
  if (typeof value === 'number') {
    return formatFloat(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (value instanceof FloatValue) {
    return value.source !== undefined && TOML_FLOAT.test(value.source) ? value.source : formatFloat(value.value);
  }
  if (value instanceof Timestamp) {
    if (!TOML_DATETIME.test(value.text)) {
      throw unsupportedValue(path, `the timestamp ${JSON.stringify(value.text)} is not a TOML date or time`);
    }
    return value.text;
  }
  if (value instanceof Uint8Array) {
    return formatString(decodeBytes(value, path), path);
  }
  if (value === null) {
    throw unsupportedValue(path, 'TOML has no null value', 'remove the key, or set it to a string, number or boolean');
  }
  throw unsupportedValue(path, `values of type ${(value as object).constructor?.name ?? typeof value} are not supported`);
}

/** Returns the text of a byte leaf, which TOML requires to be valid UTF-8. */
export function decodeBytes(bytes: Uint8Array, path: TreePath): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw unsupportedValue(path, 'the bytes are not valid UTF-8, and TOML strings must be');
  }
}
