/**
 * An INI parser that reads files the way go-ini v1.67.3 does with the options
 * sops 3.13.2 passes (`LoadSources` with only `AllowNonUniqueSections` set):
 * - Keys before the first section header belong to the section `DEFAULT`.
 * - A header may repeat, and each occurrence stays a separate section.
 * - Both `=` and `:` end a key name. Names and plain values are trimmed.
 * - A `#` or `;` starts a comment, also in the middle of a plain value.
 * - Values in `"""` or backquotes are taken as written. They may span lines
 *   and contain `#` and `;`.
 * - One pair of `"` or `'` around a plain value is removed.
 * - A plain value ending in `\` continues on the next line.
 * - Comment lines belong to the key or section header that follows them.
 *
 * In strict mode the parser throws where go-ini would silently change the
 * data: for a key defined twice in a section (go-ini keeps the last value, at
 * the first key's position) and for the key `-` (go-ini numbers it `#1`, `#2`,
 * ... per section, and sops writes such a key back as a comment line).
 */
import { ParseError } from '@azkv/core';
import { goTrimLeft, goTrimRight, goTrimSpace } from './text.js';

/** A key of an INI section and the comment lines before it. */
export interface IniKey {
  name: string;
  value: string;
  /** The raw comment text with its comment characters, lines joined by `\n`. */
  comment: string;
  /** 1-based line of the key. */
  line: number;
}

/** One occurrence of a section. */
export interface IniSection {
  name: string;
  /** The raw comment before and after the header, comment characters included. */
  comment: string;
  keys: IniKey[];
  /** 1-based line of the header, or 0 for the implicit `DEFAULT` section. */
  line: number;
}

/** The name go-ini gives to the keys before the first section header. */
export const DEFAULT_SECTION = 'DEFAULT';

function parseError(line: number, message: string, hint?: string): ParseError {
  return new ParseError(`invalid INI input at line ${line}: ${message}`, { line }, hint === undefined ? {} : { hint });
}

/** Reads the text line by line as Go's `bufio.Reader.ReadBytes('\n')` does. */
class LineReader {
  private readonly lines: string[];
  private index = 0;
  /** True once the last line, the one without a `\n`, has been read. */
  eof = false;

  constructor(text: string) {
    this.lines = text.split('\n');
  }

  /** The 1-based number of the line that the last `read` returned. */
  get lineNumber(): number {
    return this.index;
  }

  /** Returns the next line with its `\n`, or the last line without one. */
  read(): string {
    const last = this.lines.length - 1;
    const line = this.lines[this.index] ?? '';
    this.index += 1;
    if (this.index > last) {
      this.eof = true;
      return line;
    }
    return `${line}\n`;
  }
}

/** Finds the first `#` or `;` in `text` and returns the text from there, or undefined. */
function commentFrom(text: string): string | undefined {
  const index = text.search(/[#;]/);
  return index === -1 ? undefined : text.slice(index);
}

/** Reports whether `text` is one quote pair with no other `quote` inside, as go-ini's `hasSurroundedQuote`. */
function hasSurroundingQuotes(text: string, quote: string): boolean {
  return text.length >= 2 && text.startsWith(quote) && text.endsWith(quote) && text.indexOf(quote, 1) === text.length - 1;
}

class IniParser {
  private readonly reader: LineReader;
  private comment = '';

  constructor(
    text: string,
    private readonly strict: boolean,
  ) {
    this.reader = new LineReader(text);
  }

  parse(): IniSection[] {
    let section: IniSection = { name: DEFAULT_SECTION, comment: '', keys: [], line: 0 };
    const sections = [section];
    let keysByName = new Map<string, IniKey>();
    let autoIncrement = 1;

    while (!this.reader.eof) {
      const line = goTrimLeft(this.reader.read());
      const lineNumber = this.reader.lineNumber;
      if (line === '') {
        continue;
      }

      if (line.startsWith('#') || line.startsWith(';')) {
        // The line break stays, so that consecutive comment lines stay separate lines.
        this.comment += line;
        continue;
      }

      if (line.startsWith('[')) {
        section = this.readSectionHeader(line, lineNumber);
        sections.push(section);
        keysByName = new Map();
        autoIncrement = 1;
        continue;
      }

      const keyName = readKeyName(line, lineNumber);
      let name = keyName.name;
      if (name === '-') {
        if (this.strict) {
          throw parseError(
            lineNumber,
            "the key '-' is not supported: go-ini, which sops uses, renames it to '#1', and sops then writes it back as a comment",
            'give the key a name',
          );
        }
        name = `#${autoIncrement}`;
        autoIncrement += 1;
      }
      const value = this.readValue(line.slice(keyName.valueStart), lineNumber);
      const comment = goTrimSpace(this.comment);
      this.comment = '';

      const previous = keysByName.get(name);
      if (previous === undefined) {
        const key = { name, value, comment, line: lineNumber };
        section.keys.push(key);
        keysByName.set(name, key);
      } else if (this.strict) {
        throw new ParseError(
          `invalid INI input at line ${lineNumber}: duplicate key '${name}' in section [${section.name}], first defined at line ${previous.line}`,
          { line: lineNumber },
          { code: 'ERR_DUPLICATE_KEY', hint: 'remove or rename one of them: go-ini, which sops uses, would keep only the last value' },
        );
      } else {
        previous.value = value;
        previous.comment = comment;
      }
    }
    return sections;
  }

  private readSectionHeader(line: string, lineNumber: number): IniSection {
    // go-ini takes the name up to the last `]` of the line and does not trim it.
    const close = line.lastIndexOf(']');
    if (close === -1) {
      throw parseError(lineNumber, "the section header has no closing ']'");
    }
    const name = line.slice(1, close);
    if (name === '') {
      throw parseError(lineNumber, 'the section name is empty');
    }
    this.comment += commentFrom(line.slice(close + 1)) ?? '';
    const section = { name, comment: goTrimSpace(this.comment), keys: [], line: lineNumber };
    this.comment = '';
    return section;
  }

  /** Reads a value from the text after the delimiter, as go-ini's `readValue` does. */
  private readValue(rest: string, lineNumber: number): string {
    let line = goTrimLeft(rest);
    if (line === '') {
      return '';
    }

    let quote = '';
    if (line.length > 3 && line.startsWith('"""')) {
      quote = '"""';
    } else if (line.startsWith('`')) {
      quote = '`';
    }
    if (quote !== '') {
      const close = line.lastIndexOf(quote);
      if (close < quote.length) {
        return this.readMultilineValue(line.slice(quote.length), quote, lineNumber);
      }
      // Anything after the closing quote, a comment included, is dropped.
      return line.slice(quote.length, close);
    }

    line = goTrimSpace(line);
    if (line.endsWith('\\')) {
      return this.readContinuationLines(line.slice(0, -1));
    }

    const comment = commentFrom(line);
    if (comment !== undefined) {
      this.comment += comment;
      line = goTrimSpace(line.slice(0, line.length - comment.length));
    }
    if (hasSurroundingQuotes(line, "'") || hasSurroundingQuotes(line, '"')) {
      line = line.slice(1, -1);
    }
    return line;
  }

  /** Reads the lines of a quoted value up to the line with the closing quote. */
  private readMultilineValue(first: string, quote: string, startLine: number): string {
    let value = first;
    for (;;) {
      const next = this.reader.read();
      const close = next.lastIndexOf(quote);
      if (close !== -1) {
        const afterQuote = next.slice(close + quote.length).replace(/[\r\n]+$/, '');
        if (goTrimSpace(afterQuote).endsWith('\\')) {
          // go-ini treats a `\` after the closing quote as a line continuation.
          value += next;
          continue;
        }
        value += next.slice(0, close);
        const comment = commentFrom(next.slice(close));
        if (comment !== undefined) {
          this.comment += goTrimSpace(comment);
        }
        return value;
      }
      value += next;
      if (this.reader.eof) {
        throw parseError(startLine, `the value that starts with ${quote} has no closing ${quote}`);
      }
    }
  }

  /** Joins the trimmed lines that follow a value ending in `\`, up to a line without one. */
  private readContinuationLines(start: string): string {
    let value = start;
    for (;;) {
      const next = goTrimSpace(this.reader.read());
      if (next === '') {
        return value;
      }
      value += next;
      if (!value.endsWith('\\')) {
        return value;
      }
      value = value.slice(0, -1);
    }
  }
}

/**
 * Reads the key name of a `key = value` line, as go-ini's `readKeyName` does,
 * and returns where the value starts. A name may be quoted with `"`, `"""` or
 * backquotes so that it can contain the delimiters.
 */
function readKeyName(line: string, lineNumber: number): { name: string; valueStart: number } {
  let quote = '';
  if (line.startsWith('"')) {
    quote = line.length > 6 && line.startsWith('"""') ? '"""' : '"';
  } else if (line.startsWith('`')) {
    quote = '`';
  }

  if (quote !== '') {
    const close = line.indexOf(quote, quote.length);
    if (close === -1) {
      throw parseError(lineNumber, `the quoted key name has no closing ${quote}`);
    }
    const delimiter = line.slice(close + quote.length).search(/[=:]/);
    if (delimiter === -1) {
      throw parseError(lineNumber, "the line has no '=' or ':' after the quoted key name");
    }
    const name = goTrimSpace(line.slice(quote.length, close));
    if (name === '') {
      throw parseError(lineNumber, 'the key name is empty');
    }
    return { name, valueStart: close + quote.length + delimiter + 1 };
  }

  const delimiter = line.search(/[=:]/);
  if (delimiter === -1) {
    throw parseError(
      lineNumber,
      "expected 'key = value' or 'key: value', but the line has no '=' or ':'",
      'start comment lines with ; or #, and section headers with [',
    );
  }
  const name = goTrimRight(line.slice(0, delimiter));
  if (name === '') {
    throw parseError(lineNumber, 'the key name is empty');
  }
  return { name, valueStart: delimiter + 1 };
}

/**
 * Parses INI text into its sections. The first section is always the implicit
 * `DEFAULT`, as in go-ini, even when it is empty.
 * Throws ParseError with the line for input that go-ini rejects and, when
 * `strict` is true, for input that go-ini would silently change (see the
 * module comment). With `strict` false the result is go-ini's.
 */
export function parseIni(text: string, options: { strict: boolean }): IniSection[] {
  return new IniParser(text, options.strict).parse();
}
