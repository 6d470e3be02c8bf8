import { ParseError, type AzkvErrorCode } from '@azkv/core';

/** Lines longer than this (in UTF-16 code units) are cut around the error column. */
const MAX_EXCERPT_LENGTH = 120;
const EXCERPT_CONTEXT = 60;

/** TOML files are UTF-8 (TOML 1.0.0, "Spec"). */
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** A 1-based line and column; the column counts Unicode code points. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Returns the position of a UTF-16 offset in `text`. */
export function positionAt(text: string, offset: number): SourcePosition {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < lineStart; index = text.indexOf('\n', index + 1)) {
    line += 1;
  }
  return { line, column: [...text.slice(lineStart, offset)].length + 1 };
}

/**
 * Renders the line that contains `offset` with a caret under the offending
 * character; long lines are cut around it.
 */
export function renderExcerpt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd === -1) {
    lineEnd = text.length;
  }
  let line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  let caretIndex = Math.min(offset - lineStart, line.length);

  if (line.length > MAX_EXCERPT_LENGTH) {
    const from = Math.max(0, caretIndex - EXCERPT_CONTEXT);
    const to = Math.min(line.length, caretIndex + EXCERPT_CONTEXT);
    const head = from > 0 ? '...' : '';
    const tail = to < line.length ? '...' : '';
    line = head + line.slice(from, to) + tail;
    caretIndex = caretIndex - from + head.length;
  }
  // Tabs are copied so that the caret stays aligned in a terminal.
  const padding = line.slice(0, caretIndex).replace(/[^\t]/gu, ' ');
  return `${line}\n${padding}^`;
}

/**
 * Creates the ParseError for invalid TOML at a UTF-16 offset of the decoded
 * text. The message names the position and shows the offending line.
 */
export function tomlSyntaxError(
  text: string,
  offset: number,
  description: string,
  options: { code?: AzkvErrorCode; hint?: string } = {},
): ParseError {
  const position = positionAt(text, offset);
  return new ParseError(
    `invalid TOML: ${description} at line ${position.line}, column ${position.column}\n${renderExcerpt(text, offset)}`,
    position,
    options,
  );
}

/** Returns the byte offset of the first invalid UTF-8 sequence (Unicode's definition). */
function findInvalidUtf8(bytes: Uint8Array): number {
  let offset = 0;
  while (offset < bytes.length) {
    const lead = bytes[offset]!;
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      // E0 would be an overlong form below A0, ED a surrogate above 9F.
      low = lead === 0xe0 ? 0xa0 : 0x80;
      high = lead === 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      // F0 would be an overlong form below 90, F4 beyond U+10FFFF above 8F.
      low = lead === 0xf0 ? 0x90 : 0x80;
      high = lead === 0xf4 ? 0x8f : 0xbf;
    } else {
      return offset;
    }
    for (let index = 1; index < length; index += 1) {
      const byte = bytes[offset + index];
      const min = index === 1 ? low : 0x80;
      const max = index === 1 ? high : 0xbf;
      if (byte === undefined || byte < min || byte > max) {
        return offset;
      }
    }
    offset += length;
  }
  return -1;
}

/**
 * Decodes a TOML file. A leading byte order mark is skipped. Throws
 * ParseError naming the line and column of the first byte that is not
 * UTF-8.
 */
export function decodeTomlSource(input: Uint8Array): string {
  let text: string;
  try {
    text = strictDecoder.decode(input);
  } catch {
    const offset = findInvalidUtf8(input);
    const prefix = lenientDecoder.decode(input.subarray(0, offset));
    let lineEnd = input.indexOf(0x0a, offset);
    if (lineEnd === -1) {
      lineEnd = input.length;
    }
    // The rest of the line is decoded leniently, so the excerpt shows U+FFFD for the invalid bytes.
    const excerptText = prefix + lenientDecoder.decode(input.subarray(offset, lineEnd));
    const hex = input[offset]!.toString(16).toUpperCase().padStart(2, '0');
    throw tomlSyntaxError(excerptText, prefix.length, `byte 0x${hex} is not valid UTF-8`, { hint: 'save the file as UTF-8' });
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
