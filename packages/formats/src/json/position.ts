import { ParseError } from '@azkv/core';
import { lenientDecoder } from './utf8.js';

/** Lines longer than this (in UTF-16 code units) are cut around the error column. */
const MAX_EXCERPT_LENGTH = 120;
const EXCERPT_CONTEXT = 60;

/** A 1-based line and column; the column counts Unicode code points. */
export interface TextPosition {
  line: number;
  column: number;
}

/** Returns the position of a UTF-16 offset in `text`. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: countCodePoints(text.slice(lineStart, offset)) + 1 };
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) {
    count += 1;
  }
  return count;
}

/**
 * Renders the line that contains `offset` with a caret under the offending
 * character. The caret line copies tabs from the source line so that it stays
 * aligned in a terminal. Long lines (minified JSON) are cut around the error.
 */
function renderExcerpt(text: string, offset: number): string {
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
  const padding = line.slice(0, caretIndex).replace(/[^\t]/gu, ' ');
  return `${line}\n${padding}^`;
}

/**
 * Creates the ParseError for invalid JSON at a UTF-16 offset of the decoded
 * input. The message names the position and shows the offending line.
 */
export function jsonSyntaxError(text: string, offset: number, description: string): ParseError {
  const position = positionAt(text, offset);
  return new ParseError(
    `invalid JSON: ${description} at line ${position.line}, column ${position.column}\n${renderExcerpt(text, offset)}`,
    position,
  );
}

/**
 * Creates the ParseError for a byte that is not valid UTF-8. The bytes before
 * it are valid, so its position can be computed on the decoded prefix.
 */
export function invalidUtf8Error(bytes: Uint8Array, byteOffset: number): ParseError {
  const prefix = lenientDecoder.decode(bytes.subarray(0, byteOffset));
  const position = positionAt(prefix, prefix.length);
  let lineEnd = bytes.indexOf(0x0a, byteOffset);
  if (lineEnd === -1) {
    lineEnd = bytes.length;
  }
  // The rest of the line is decoded leniently, so the excerpt shows U+FFFD for invalid bytes.
  const text = prefix + lenientDecoder.decode(bytes.subarray(byteOffset, lineEnd));
  const hex = bytes[byteOffset]!.toString(16).toUpperCase().padStart(2, '0');
  return new ParseError(
    `invalid JSON: byte 0x${hex} at line ${position.line}, column ${position.column} is not valid UTF-8; ` +
      `save the file as UTF-8\n${renderExcerpt(text, prefix.length)}`,
    position,
  );
}
