import { ParseError } from '@azkv/core';

/**
 * A position in the YAML text. `index` and `column` count Unicode code points
 * and `line` and `column` are 0-based, as in go-yaml v3 (the parser of sops
 * 3.13.2), whose comment placement compares these numbers.
 */
export interface Mark {
  index: number;
  line: number;
  column: number;
}

/** Returned past the end of the text; the decoder rejects a real U+0000. */
export const END = '\0';

export function isBlank(c: string): boolean {
  return c === ' ' || c === '\t';
}

/** Line breaks as YAML 1.1 defines them, which go-yaml v3 follows. */
export function isBreak(c: string): boolean {
  return c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
}

export function isBreakOrEnd(c: string): boolean {
  return isBreak(c) || c === END;
}

export function isBlankOrEnd(c: string): boolean {
  return isBlank(c) || isBreakOrEnd(c);
}

/** Letters, digits, `_` and `-`: the characters of anchors and tag handles. */
export function isWordChar(c: string): boolean {
  return /^[0-9A-Za-z_-]$/.test(c);
}

/**
 * The text being scanned, as an array of code points, with the read position
 * and the counters go-yaml keeps while it advances.
 */
export class YamlReader {
  readonly chars: string[];
  readonly lines: string[];
  index = 0;
  line = 0;
  column = 0;
  /** Line breaks read since the last character that is not a space, tab or break. */
  newlines = 0;

  constructor(text: string) {
    this.chars = Array.from(text);
    this.lines = text.split(/\r\n|[\r\n\u0085\u2028\u2029]/);
  }

  /** Returns the character `offset` code points ahead, or {@link END}. */
  peek(offset = 0): string {
    return this.chars[this.index + offset] ?? END;
  }

  mark(): Mark {
    return { index: this.index, line: this.line, column: this.column };
  }

  /** Advances over one character that is not a line break. */
  skip(): void {
    if (!isBlank(this.peek())) {
      this.newlines = 0;
    }
    this.index++;
    this.column++;
  }

  /** Advances over one character and returns it. */
  read(): string {
    const c = this.peek();
    this.skip();
    return c;
  }

  /** Advances over a line break (CR LF counts as one); does nothing elsewhere. */
  skipLine(): void {
    const c = this.peek();
    if (!isBreak(c)) {
      return;
    }
    this.index += c === '\r' && this.peek(1) === '\n' ? 2 : 1;
    this.column = 0;
    this.line++;
    this.newlines++;
  }

  /**
   * Advances over a line break and returns it as it reads in a value: CR, LF,
   * CR LF and NEL become LF, while LS and PS stay as they are.
   */
  readLine(): string {
    const c = this.peek();
    if (!isBreak(c)) {
      return '';
    }
    this.skipLine();
    return c === '\u2028' || c === '\u2029' ? c : '\n';
  }

  /** Builds a ParseError that names the position and shows the offending line. */
  error(mark: Mark, problem: string, context?: string): ParseError {
    const line = mark.line + 1;
    const column = mark.column + 1;
    const source = this.lines[mark.line] ?? '';
    const pointer = Array.from(source)
      .slice(0, mark.column)
      .map((c) => (c === '\t' ? '\t' : ' '))
      .join('');
    const where = context === undefined ? problem : `${problem} (${context})`;
    return new ParseError(`invalid YAML at line ${line}, column ${column}: ${where}\n  ${source}\n  ${pointer}^`, {
      line,
      column,
    });
  }
}

/**
 * Decodes the file bytes as go-yaml does: a UTF-8 BOM is dropped, UTF-16
 * with a BOM is accepted, and invalid UTF-8 or control characters other than
 * tab, LF and CR are rejected with their position.
 */
export function decodeYamlInput(input: Uint8Array): string {
  let text: string;
  if (input[0] === 0xff && input[1] === 0xfe) {
    text = new TextDecoder('utf-16le').decode(input.subarray(2));
  } else if (input[0] === 0xfe && input[1] === 0xff) {
    text = new TextDecoder('utf-16be').decode(input.subarray(2));
  } else {
    const start = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? 3 : 0;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input.subarray(start));
    } catch {
      const valid = new TextDecoder('utf-8', { ignoreBOM: true }).decode(input.subarray(start));
      const bad = valid.indexOf('\ufffd');
      throw positionError(valid, Math.max(bad, 0), 'the file is not valid UTF-8');
    }
  }

  let offset = 0;
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0;
    const allowed =
      code === 0x09 ||
      code === 0x0a ||
      code === 0x0d ||
      (code >= 0x20 && code <= 0x7e) ||
      code === 0x85 ||
      (code >= 0xa0 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      code >= 0x10000;
    if (!allowed) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      throw positionError(text, offset, `control character U+${hex} is not allowed`);
    }
    offset += c.length;
  }
  return text;
}

function positionError(text: string, offset: number, problem: string): ParseError {
  const reader = new YamlReader(text);
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|[\r\n\u0085\u2028\u2029]/);
  const line = lines.length - 1;
  const column = Array.from(lines[line] ?? '').length;
  return reader.error({ index: 0, line, column }, problem);
}
