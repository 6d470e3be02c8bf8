/*
 * Scalar scanning with go-yaml v3's rules (YAML 1.1 line breaks, line
 * folding, escapes), including where the scanner stops after a scalar:
 * a plain scalar consumes the blank lines after it and a block scalar
 * consumes its trailing empty lines, which later decides comment placement.
 */
import { isBlank, isBlankOrEnd, isBreak, isBreakOrEnd, END, type Mark } from './reader.js';
import { scanLineComment } from './scan-comments.js';
import type { Scanner } from './scanner.js';
import type { Token } from './tokens.js';

function atDocumentIndicator(scanner: Scanner): boolean {
  const r = scanner.reader;
  const three = r.peek() + r.peek(1) + r.peek(2);
  return r.column === 0 && (three === '---' || three === '...') && isBlankOrEnd(r.peek(3));
}

/** Joins a line break inside a flow or plain scalar: one break folds to a space. */
function foldBreaks(leadingBreak: string, trailingBreaks: string): string {
  if (leadingBreak.startsWith('\n')) {
    return trailingBreaks === '' ? ' ' : trailingBreaks;
  }
  return leadingBreak + trailingBreaks;
}

export function scanPlainScalar(scanner: Scanner): { token: Token; endedOnNewLine: boolean } {
  const r = scanner.reader;
  const indent = scanner.indent + 1;
  const start = r.mark();
  let end = r.mark();
  let value = '';
  let leadingBreak = '';
  let trailingBreaks = '';
  let whitespaces = '';
  let leadingBlanks = false;

  for (;;) {
    if (atDocumentIndicator(scanner) || r.peek() === '#') {
      break;
    }
    while (!isBlankOrEnd(r.peek())) {
      const c = r.peek();
      if ((c === ':' && isBlankOrEnd(r.peek(1))) || (scanner.flowLevel > 0 && ',?[]{}'.includes(c))) {
        break;
      }
      if (leadingBlanks) {
        value += foldBreaks(leadingBreak, trailingBreaks);
        leadingBreak = '';
        trailingBreaks = '';
        leadingBlanks = false;
      } else if (whitespaces !== '') {
        value += whitespaces;
        whitespaces = '';
      }
      value += r.read();
      end = r.mark();
    }
    if (!isBlank(r.peek()) && !isBreak(r.peek())) {
      break;
    }
    while (isBlank(r.peek()) || isBreak(r.peek())) {
      if (isBlank(r.peek())) {
        if (leadingBlanks && r.column < indent && r.peek() === '\t') {
          throw scanner.error(r.mark(), 'found a tab character that violates indentation', 'while scanning a plain scalar');
        }
        if (leadingBlanks) {
          r.skip();
        } else {
          whitespaces += r.read();
        }
      } else if (leadingBlanks) {
        trailingBreaks += r.readLine();
      } else {
        whitespaces = '';
        leadingBreak = r.readLine();
        leadingBlanks = true;
      }
    }
    if (scanner.flowLevel === 0 && r.column < indent) {
      break;
    }
  }
  return { token: { kind: 'scalar', start, end, value, style: 'plain' }, endedOnNewLine: leadingBlanks };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  "'": "'",
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPE_LENGTHS: Record<string, number> = { x: 2, u: 4, U: 8 };

function readEscape(scanner: Scanner, start: Mark): string {
  const r = scanner.reader;
  const code = r.peek(1);
  const simple = SIMPLE_ESCAPES[code];
  const length = HEX_ESCAPE_LENGTHS[code];
  if (simple === undefined && length === undefined) {
    throw scanner.error(r.mark(), 'found unknown escape character', 'while parsing a quoted scalar');
  }
  r.skip();
  r.skip();
  if (simple !== undefined) {
    return simple;
  }
  let digits = '';
  for (let i = 0; i < (length ?? 0); i++) {
    digits += r.peek(i);
  }
  if (!/^[0-9A-Fa-f]+$/.test(digits) || digits.length !== length) {
    throw scanner.error(r.mark(), 'did not find expected hexdecimal number', 'while parsing a quoted scalar');
  }
  const point = Number.parseInt(digits, 16);
  if ((point >= 0xd800 && point <= 0xdfff) || point > 0x10ffff) {
    throw scanner.error(start, 'found invalid Unicode character escape code', 'while parsing a quoted scalar');
  }
  for (let i = 0; i < digits.length; i++) {
    r.skip();
  }
  return String.fromCodePoint(point);
}

export function scanQuotedScalar(scanner: Scanner, single: boolean): Token {
  const r = scanner.reader;
  const quote = single ? "'" : '"';
  const start = r.mark();
  r.skip();
  let value = '';
  let leadingBreak = '';
  let trailingBreaks = '';
  let whitespaces = '';

  for (;;) {
    if (atDocumentIndicator(scanner)) {
      throw scanner.error(r.mark(), 'found unexpected document indicator', 'while scanning a quoted scalar');
    }
    if (r.peek() === END) {
      throw scanner.error(start, 'found unexpected end of stream', 'while scanning a quoted scalar');
    }
    let leadingBlanks = false;
    while (!isBlankOrEnd(r.peek())) {
      const c = r.peek();
      if (single && c === "'" && r.peek(1) === "'") {
        value += "'";
        r.skip();
        r.skip();
      } else if (c === quote) {
        break;
      } else if (!single && c === '\\' && isBreak(r.peek(1))) {
        // An escaped line break joins the lines without a space.
        r.skip();
        r.skipLine();
        leadingBlanks = true;
        break;
      } else if (!single && c === '\\') {
        value += readEscape(scanner, start);
      } else {
        value += r.read();
      }
    }
    if (r.peek() === quote) {
      break;
    }
    while (isBlank(r.peek()) || isBreak(r.peek())) {
      if (isBlank(r.peek())) {
        if (leadingBlanks) {
          r.skip();
        } else {
          whitespaces += r.read();
        }
      } else if (leadingBlanks) {
        trailingBreaks += r.readLine();
      } else {
        whitespaces = '';
        leadingBreak = r.readLine();
        leadingBlanks = true;
      }
    }
    if (leadingBlanks) {
      value += foldBreaks(leadingBreak, trailingBreaks);
      leadingBreak = '';
      trailingBreaks = '';
    } else {
      value += whitespaces;
      whitespaces = '';
    }
  }
  r.skip();
  return { kind: 'scalar', start, end: r.mark(), value, style: single ? 'single-quoted' : 'double-quoted' };
}

interface BlockBreaks {
  indent: number;
  breaks: string;
  end: Mark;
}

/** Skips indentation and empty lines; picks the indentation when it is still unknown. */
function scanBlockBreaks(scanner: Scanner, indent: number): BlockBreaks {
  const r = scanner.reader;
  let end = r.mark();
  let breaks = '';
  let maxIndent = 0;
  for (;;) {
    while ((indent === 0 || r.column < indent) && r.peek() === ' ') {
      r.skip();
    }
    maxIndent = Math.max(maxIndent, r.column);
    if ((indent === 0 || r.column < indent) && r.peek() === '\t') {
      throw scanner.error(
        r.mark(),
        'found a tab character where an indentation space is expected',
        'while scanning a block scalar',
      );
    }
    if (!isBreak(r.peek())) {
      break;
    }
    breaks += r.readLine();
    end = r.mark();
  }
  if (indent === 0) {
    indent = Math.max(maxIndent, scanner.indent + 1, 1);
  }
  return { indent, breaks, end };
}

export function scanBlockScalar(scanner: Scanner, literal: boolean): Token {
  const r = scanner.reader;
  const start = r.mark();
  r.skip();

  let chomping = 0;
  let increment = 0;
  const readIncrement = (): void => {
    if (r.peek() === '0') {
      throw scanner.error(r.mark(), 'found an indentation indicator equal to 0', 'while scanning a block scalar');
    }
    increment = Number(r.read());
  };
  if (r.peek() === '+' || r.peek() === '-') {
    chomping = r.read() === '+' ? 1 : -1;
    if (/^[0-9]$/.test(r.peek())) {
      readIncrement();
    }
  } else if (/^[0-9]$/.test(r.peek())) {
    readIncrement();
    if (r.peek() === '+' || r.peek() === '-') {
      chomping = r.read() === '+' ? 1 : -1;
    }
  }

  while (isBlank(r.peek())) {
    r.skip();
  }
  if (r.peek() === '#') {
    scanLineComment(scanner, start);
    while (!isBreakOrEnd(r.peek())) {
      r.skip();
    }
  }
  if (!isBreakOrEnd(r.peek())) {
    throw scanner.error(r.mark(), 'did not find expected comment or line break', 'while scanning a block scalar');
  }
  r.skipLine();

  let indent = 0;
  if (increment > 0) {
    indent = scanner.indent >= 0 ? scanner.indent + increment : increment;
  }
  let scanned = scanBlockBreaks(scanner, indent);
  indent = scanned.indent;
  let end = scanned.end;
  let trailingBreaks = scanned.breaks;
  let value = '';
  let leadingBreak = '';
  let leadingBlank = false;

  while (r.column === indent && r.peek() !== END) {
    const trailingBlank = isBlank(r.peek());
    if (!literal && !leadingBlank && !trailingBlank && leadingBreak.startsWith('\n')) {
      // Folded style joins adjacent lines with a space.
      if (trailingBreaks === '') {
        value += ' ';
      }
    } else {
      value += leadingBreak;
    }

    value += trailingBreaks;
    leadingBlank = isBlank(r.peek());
    while (!isBreakOrEnd(r.peek())) {
      value += r.read();
    }
    leadingBreak = r.readLine();
    scanned = scanBlockBreaks(scanner, indent);
    end = scanned.end;
    trailingBreaks = scanned.breaks;
  }

  if (chomping !== -1) {
    value += leadingBreak;
  }
  if (chomping === 1) {
    value += trailingBreaks;
  }
  return { kind: 'scalar', start, end, value, style: literal ? 'literal' : 'folded' };
}
