import { ParseError, type TreeValue } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { parseJsonSetValue } from '../src/json/index.js';

function setValueError(text: string): ParseError {
  try {
    parseJsonSetValue(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return error as ParseError;
  }
  throw new Error('expected a ParseError');
}

describe('parseJsonSetValue', () => {
  // sops 3.13.2 `set`: a top-level number becomes a float64, an object keeps
  // the JSON store's int/float split.
  it.each<[string, TreeValue]>([
    ['5', 5],
    ['-0', -0],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['9007199254740992', 9007199254740992],
    ['"str"', 'str'],
    ['  "a\\u00e9"\n', 'aé'],
    ['true', true],
    ['null', null],
  ])('should read %j as sops does', (text, expected) => {
    const value = parseJsonSetValue(text);
    expect(typeof value).toBe(typeof expected);
    expect(Object.is(value, expected)).toBe(true);
  });

  it('should read an object like a JSON file', () => {
    expect(parseJsonSetValue('{"i": 5, "f": 1.5, "l": [1]}')).toEqual({
      kind: 'branch',
      items: [
        { key: 'i', value: 5n },
        { key: 'f', value: 1.5 },
        { key: 'l', value: { kind: 'list', items: [1n] } },
      ],
    });
  });

  it('should accept an array, which sops rejects', () => {
    expect(parseJsonSetValue('[1, "a"]')).toEqual({ kind: 'list', items: [1n, 'a'] });
  });

  it('should accept bytes and skip a byte order mark', () => {
    expect(parseJsonSetValue(new Uint8Array([0xef, 0xbb, 0xbf, 0x31]))).toBe(1);
  });

  it.each(['9007199254740993', '-9007199254740993', '123456789012345678901234567890'])(
    'should reject the inexact integer %s',
    (text) => {
      const error = setValueError(text);
      expect(error.message).toContain(`the number ${text} cannot be stored exactly`);
      expect(error.message).toContain('quote it');
    },
  );

  it.each([
    ['{"a": 1} x', 'unexpected content after the value'],
    ['', 'the value is empty'],
    ['{"a": 1, "a": 2}', 'duplicate key "a"'],
    ["'single'", "unexpected character '''"],
    ['1e400', 'too large for a 64-bit float'],
  ])('should reject %j', (text, message) => {
    const error = setValueError(text);
    expect(error.message).toMatch(/^invalid value for set: /);
    expect(error.message).toContain(message);
    expect(error.exitCode).toBe(7);
    expect(error.code).toBe('ERR_PARSE');
  });

  it('should keep the position of the error', () => {
    const error = setValueError('{\n  "a": tru\n}');
    expect([error.line, error.column]).toEqual([2, 8]);
  });
});
