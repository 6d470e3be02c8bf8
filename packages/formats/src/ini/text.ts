/**
 * Text helpers shared by the INI and dotenv stores. Both stores reproduce Go
 * code that works on UTF-8 bytes, so these helpers give JavaScript strings the
 * Go semantics that the output depends on: Unicode white space as Go's
 * `unicode.IsSpace` defines it and lengths in UTF-8 bytes.
 */
import { ParseError } from '@azkv/core';

/**
 * Reports whether `char` (one UTF-16 code unit) is white space for Go's
 * `unicode.IsSpace`. Unlike JavaScript's `trim`, Go counts U+0085 and does
 * not count the byte order mark U+FEFF.
 */
export function isGoSpace(char: string): boolean {
  switch (char) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case '\u0085':
    case '\u00a0':
    case '\u1680':
    case '\u2028':
    case '\u2029':
    case '\u202f':
    case '\u205f':
    case '\u3000':
      return true;
    default:
      return char >= '\u2000' && char <= '\u200a';
  }
}

/** Removes leading white space, as Go's `strings.TrimLeftFunc(s, unicode.IsSpace)`. */
export function goTrimLeft(text: string): string {
  let start = 0;
  while (start < text.length && isGoSpace(text.charAt(start))) {
    start += 1;
  }
  return text.slice(start);
}

/** Removes trailing white space, as Go's `strings.TrimRightFunc(s, unicode.IsSpace)`. */
export function goTrimRight(text: string): string {
  let end = text.length;
  while (end > 0 && isGoSpace(text.charAt(end - 1))) {
    end -= 1;
  }
  return text.slice(0, end);
}

/** Removes leading and trailing white space, as Go's `strings.TrimSpace`. */
export function goTrimSpace(text: string): string {
  return goTrimLeft(goTrimRight(text));
}

/** Returns the length of `text` in UTF-8 bytes, which is what Go's `len` counts. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a whole file as UTF-8 and keeps a leading byte order mark, so that
 * each store decides what the mark means.
 *
 * Go strings may contain any bytes, so sops passes invalid UTF-8 through. A
 * JavaScript string cannot, so this function throws a ParseError naming the
 * line and byte instead of replacing the bytes.
 */
export function decodeUtf8(input: Uint8Array, format: string): string {
  try {
    return utf8.decode(input);
  } catch {
    const offset = firstInvalidUtf8Offset(input);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i += 1) {
      if (input[i] === 0x0a) {
        line += 1;
        lineStart = i + 1;
      }
    }
    throw new ParseError(
      `invalid ${format} input at line ${line}: byte ${offset - lineStart + 1} of the line is not valid UTF-8`,
      { line, column: offset - lineStart + 1 },
      { hint: 'save the file as UTF-8' },
    );
  }
}

/** Returns the offset of the first byte that is not part of a valid UTF-8 sequence. */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    let length: number;
    let min: number;
    if (lead < 0x80) {
      i += 1;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      min = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + length > bytes.length) {
      return i;
    }
    let codePoint = lead & (0xff >> (length + 1));
    for (let k = 1; k < length; k += 1) {
      const next = bytes[i + k]!;
      if ((next & 0xc0) !== 0x80) {
        return i;
      }
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      return i;
    }
    i += length;
  }
  return bytes.length;
}
