import { ExitCode, ParseError } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { store } from './helpers.js';

function parseError(input: string | Uint8Array): ParseError {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  try {
    store.loadPlainFile(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return error as ParseError;
  }
  throw new Error('expected a ParseError');
}

describe('TOML parse errors', () => {
  it.each<[string, string, number, number, string]>([
    ['a missing value', 'a = 1\nb = = 2\n', 2, 5, 'unexpected token'],
    ['a repeated key', 'a = 1\na = 2\n', 2, 1, 'defining a key multiple times is invalid'],
    ['a repeated table', '[t]\nx = 1\n[t]\n', 3, 2, 'defining a key multiple times is invalid'],
    ['an inline table extended by a header', 'a = { x = 1 }\n[a]\ny = 2\n', 2, 2, 'defining a key multiple times'],
    ['a table over a static array', 'a = []\n[[a]]\n', 2, 3, 'defining a key multiple times'],
    ['an unterminated string', 'a = "open\n', 1, 10, 'unterminated string'],
    ['an unterminated array', 'a = [1, 2\n', 2, 1, 'unterminated array'],
    ['two pairs on a line', 'a = 1 b = 2\n', 1, 7, 'must be a newline'],
    ['an invalid date', 'd = 1979-02-30\n', 1, 14, 'invalid date'],
    ['a time without seconds (TOML 1.1 only)', 't = 07:32\n', 1, 10, 'unexpected character'],
    ['a TOML 1.1 escape', 's = "\\e"\n', 1, 7, 'invalid character in escape sequence'],
    ['a trailing comma in an inline table', 'a = { x = 1, }\n', 1, 14, 'trailing comma'],
  ])('reports %s', (_case, input, line, column, message) => {
    const error = parseError(input);

    expect(error.code).toBe('ERR_PARSE');
    expect(error.exitCode).toBe(ExitCode.CouldNotReadInputFile);
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
    expect(error.message).toMatch(/^invalid TOML: /);
    expect(error.message).toContain(message);
    expect(error.message).toContain(`at line ${line}, column ${column}\n`);
  });

  it('shows the offending line with a caret', () => {
    const error = parseError('ok = 1\n\tbad = = 2\n');

    expect(error.message).toBe('invalid TOML: unexpected token at line 2, column 8\n\tbad = = 2\n\t      ^');
  });

  it('counts columns in code points', () => {
    const error = parseError('emoji = "😀" x\n');

    expect(error.column).toBe(13);
  });

  it('rejects an integer outside 64 bits', () => {
    const error = parseError('[t]\nn = -9223372036854775809\n');

    expect(error.code).toBe('ERR_UNSUPPORTED_VALUE');
    expect(error.line).toBe(2);
    expect(error.column).toBe(5);
    expect(error.message).toContain('the integer -9223372036854775809 is outside the 64-bit range of TOML');
    expect(error.hint).toBe('quote the number to keep it as a string');
  });

  it('reports the first byte that is not UTF-8', () => {
    const prefix = new TextEncoder().encode('a = 1\nb = "é');
    const input = Uint8Array.from([...prefix, 0xc3, 0x28, 0x22, 0x0a]);
    const error = parseError(input);

    expect(error.line).toBe(2);
    expect(error.column).toBe(7);
    expect(error.message).toContain('byte 0xC3 is not valid UTF-8 at line 2, column 7');
    expect(error.hint).toBe('save the file as UTF-8');
  });

  it.each([
    ['an overlong form', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
  ])('rejects %s', (_case, bytes) => {
    const input = Uint8Array.from([...new TextEncoder().encode('s = "'), ...bytes, 0x22]);
    const error = parseError(input);

    expect(error.message).toContain(`byte 0x${bytes[0]!.toString(16).toUpperCase()} is not valid UTF-8 at line 1, column 6`);
  });
});
