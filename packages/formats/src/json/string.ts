import type { ParseError } from '@azkv/core';

/** Creates the error for a problem at a UTF-16 offset of the parsed text. */
export type SyntaxErrorFactory = (description: string, offset: number) => ParseError;

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Reads the JSON string whose opening quote is at `start` and returns its
 * value and the offset after the closing quote.
 *
 * Raw control characters are rejected as JSON requires. Surrogates must come
 * as a `\u` escape of a high surrogate followed by one of a low surrogate.
 * An unpaired surrogate is rejected, where Go's decoder would replace it with
 * U+FFFD.
 */
export function readJsonString(text: string, start: number, fail: SyntaxErrorFactory): { value: string; end: number } {
  let value = '';
  let runStart = start + 1;
  let index = runStart;
  for (;;) {
    const code = text.charCodeAt(index);
    if (Number.isNaN(code)) {
      throw fail('the string is missing its closing quote', start);
    }
    if (code === 0x22) {
      return { value: value + text.slice(runStart, index), end: index + 1 };
    }
    if (code < 0x20) {
      throw fail(`control character U+${hex4(code)} in a string; write it as an escape such as \\n or \\u00XX`, index);
    }
    if (code !== 0x5c) {
      index += 1;
      continue;
    }
    value += text.slice(runStart, index);
    const escaped = readEscape(text, index, fail);
    value += escaped.value;
    index = escaped.end;
    runStart = index;
  }
}

/** Decodes the escape sequence that starts with the backslash at `start`. */
function readEscape(text: string, start: number, fail: SyntaxErrorFactory): { value: string; end: number } {
  const letter = text[start + 1];
  const simple = letter === undefined ? undefined : SIMPLE_ESCAPES.get(letter);
  if (simple !== undefined) {
    return { value: simple, end: start + 2 };
  }
  if (letter !== 'u') {
    throw fail('invalid escape sequence in a string', start);
  }

  const unit = readHex4(text, start, fail);
  if (unit >= 0xdc00 && unit <= 0xdfff) {
    throw fail(`the escape \\u${hex4(unit)} is a lone low surrogate, which is not a character`, start);
  }
  if (unit < 0xd800 || unit > 0xdbff) {
    return { value: String.fromCharCode(unit), end: start + 6 };
  }
  const low = text.startsWith('\\u', start + 6) ? readHex4(text, start + 6, fail) : -1;
  if (low < 0xdc00 || low > 0xdfff) {
    throw fail(
      `the escape \\u${hex4(unit)} is a high surrogate without a following \\uDC00-\\uDFFF escape, which is not a character`,
      start,
    );
  }
  return { value: String.fromCharCode(unit, low), end: start + 12 };
}

/** Reads the four hex digits of the `\uXXXX` escape that starts at `start`. */
function readHex4(text: string, start: number, fail: SyntaxErrorFactory): number {
  const digits = text.slice(start + 2, start + 6);
  if (!/^[0-9a-fA-F]{4}$/.test(digits)) {
    throw fail('invalid \\u escape: expected four hexadecimal digits', start);
  }
  return Number.parseInt(digits, 16);
}
