/**
 * The dotenv format of sops 3.13.2 (`stores/dotenv/store.go`), which is not the
 * format of the `dotenv` libraries:
 * - Every non-empty line is a comment (a `#` in the first column) or
 *   `KEY=VALUE`, split at the first `=`.
 * - Nothing is trimmed, so `foo = bar` has the key `foo ` and the value ` bar`.
 * - Quotes and an `export ` prefix are part of the key or value as written.
 * - The two characters `\n` in a value are a line break. No other escape exists.
 * - Lines end at `\n` only. With CRLF line endings every value and comment
 *   keeps its `\r`, and a blank line (a lone `\r`) is invalid.
 */
import { branch, Comment, ExitCode, ParseError, type TreeBranch } from '@azkv/core';
import { METADATA_PREFIX } from '../embed.js';

/** Checks of {@link parseDotenv} beyond what sops rejects. */
export interface DotenvParseChecks {
  /** Reject keys with the `sops_` prefix, which is reserved for the metadata. */
  rejectReservedKeys: boolean;
  /**
   * Reject a value whose opening quote closes on a later line. sops would read
   * each of those lines as an entry of its own (or fail on a line without `=`).
   */
  rejectMultilineQuotes: boolean;
}

function parseError(line: number, message: string, options: { hint?: string; code?: 'ERR_RESERVED_KEY'; exitCode?: number } = {}): ParseError {
  return new ParseError(`invalid dotenv input at line ${line}: ${message}`, { line }, options);
}

/**
 * Finds, for a line whose value opens a quote that the line does not close,
 * the first later line that contains the same quote character.
 */
class QuoteLookahead {
  private readonly nextLineWith = new Map<string, Int32Array>();

  constructor(private readonly lines: readonly string[]) {}

  /** Returns the 0-based index of the first line after `index` that contains `quote`, or -1. */
  find(quote: string, index: number): number {
    let next = this.nextLineWith.get(quote);
    if (next === undefined) {
      // One backward pass keeps the check linear for files with many open quotes.
      next = new Int32Array(this.lines.length);
      let following = -1;
      for (let i = this.lines.length - 1; i >= 0; i -= 1) {
        next[i] = following;
        if (this.lines[i]!.includes(quote)) {
          following = i;
        }
      }
      this.nextLineWith.set(quote, next);
    }
    return next[index] ?? -1;
  }
}

/** Returns the quote character that opens `value` and is not closed in it, if any. */
function unclosedQuote(value: string): string | undefined {
  const start = value.search(/[^ \t]/);
  const quote = start === -1 ? '' : value.charAt(start);
  if (quote !== '"' && quote !== "'") {
    return undefined;
  }
  return value.indexOf(quote, start + 1) === -1 ? quote : undefined;
}

function missingEqualsError(line: string, lineNumber: number): ParseError {
  if (line === '\r') {
    return parseError(lineNumber, 'the line is blank but ends with a carriage return (CRLF line endings)', {
      hint: 'remove the blank lines or convert the file to LF line endings, because sops accepts CRLF files only without blank lines',
    });
  }
  if (lineNumber === 1 && line.startsWith('\ufeff#')) {
    return parseError(lineNumber, 'the comment starts with a byte order mark, so it is not read as a comment', {
      hint: 'save the file as UTF-8 without a byte order mark',
    });
  }
  return parseError(lineNumber, "expected KEY=VALUE, but the line has no '='", {
    hint: 'comments must start with # in the first column',
  });
}

/**
 * Parses dotenv text into one branch of string values and comments, as sops'
 * `LoadPlainFile` does. Empty lines are dropped.
 * Throws ParseError with the line for a line without `=` and for what `checks`
 * enables. Messages name keys but never values, which may be secrets.
 */
export function parseDotenv(text: string, checks: DotenvParseChecks): TreeBranch {
  const document = branch();
  const lines = text.split('\n');
  const lookahead = new QuoteLookahead(lines);

  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line === '') {
      return;
    }
    if (line.startsWith('#')) {
      document.items.push({ key: new Comment(line.slice(1)), value: null });
      return;
    }

    const equals = line.indexOf('=');
    if (equals === -1) {
      throw missingEqualsError(line, lineNumber);
    }
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1);

    if (checks.rejectReservedKeys && key.startsWith(METADATA_PREFIX)) {
      throw parseError(lineNumber, `the key '${key}' starts with '${METADATA_PREFIX}', which is reserved for sops metadata`, {
        code: 'ERR_RESERVED_KEY',
        exitCode: ExitCode.FileAlreadyEncrypted,
        hint: 'decrypt the file first if it is already encrypted, or rename the key',
      });
    }

    const quote = checks.rejectMultilineQuotes ? unclosedQuote(value) : undefined;
    if (quote !== undefined) {
      const closing = lookahead.find(quote, index);
      if (closing !== -1) {
        throw parseError(
          lineNumber,
          `the value of '${key}' opens a ${quote} quote that closes at line ${closing + 1}, but sops reads one KEY=VALUE entry per line`,
          { hint: 'write the line breaks inside the value as \\n and keep the value on one line' },
        );
      }
    }

    document.items.push({ key, value: value.replaceAll('\\n', '\n') });
  });
  return document;
}
