import { isBranch, isList, ParseError, type TreeBranch, type TreeValue } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { jsonStore } from '../src/json/index.js';
import { MAX_NESTING_DEPTH } from '../src/json/parse.js';

const encoder = new TextEncoder();

function load(text: string): TreeBranch {
  const [document] = jsonStore.loadPlainFile(encoder.encode(text));
  return document!;
}

function valueOf(document: TreeBranch, key: string): TreeValue {
  const item = document.items.find((entry) => entry.key === key);
  if (item === undefined) {
    throw new Error(`no key ${key}`);
  }
  return item.value;
}

function parseError(input: string | Uint8Array): ParseError {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  try {
    jsonStore.loadPlainFile(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return error as ParseError;
  }
  throw new Error('expected a ParseError');
}

describe('JSON numbers', () => {
  // Expected values come from sops 3.13.2's JSON store (json.Number, then
  // strconv.ParseInt and strconv.ParseFloat), run on the same text.
  const cases: Array<[string, bigint | number]> = [
    ['0', 0n],
    ['-0', 0n],
    ['42', 42n],
    ['-17', -17n],
    ['9007199254740993', 9007199254740993n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', 9223372036854775808],
    ['-9223372036854775809', -9223372036854775808],
    ['123456789012345678901234567890', 1.2345678901234568e29],
    ['1.0', 1],
    ['1.50', 1.5],
    ['1e3', 1000],
    ['1E+2', 100],
    ['2.5e-3', 0.0025],
    ['-0.0', -0],
    ['1e-400', 0],
    ['-1e-400', -0],
    ['5e-324', 5e-324],
    ['1.7976931348623157e308', 1.7976931348623157e308],
    ['0.30000000000000004', 0.30000000000000004],
  ];

  it.each(cases)('should read %s as sops does', (text, expected) => {
    const value = valueOf(load(`{"n": ${text}}`), 'n');
    expect(typeof value).toBe(typeof expected);
    expect(Object.is(value, expected)).toBe(true);
  });

  it('should keep numbers inside arrays typed the same way', () => {
    const value = valueOf(load('{"n": [1, 1.5, [9223372036854775808]]}'), 'n');
    expect(value).toEqual({ kind: 'list', items: [1n, 1.5, { kind: 'list', items: [9223372036854775808] }] });
  });

  it('should reject a float beyond the float64 range', () => {
    const error = parseError('{"a": 1,\n "n": -1e400}');
    expect(error.message).toContain('too large for a 64-bit float');
    expect([error.line, error.column]).toEqual([2, 7]);
  });

  it.each([
    ['01', "invalid number '01'"],
    ['1.', "invalid number '1.'"],
    ['1e+', "invalid number '1e+'"],
    ['1.5.2', "invalid number '1.5.2'"],
    ['-', "invalid number '-'"],
    ['-Infinity', "invalid number '-'"],
    ['.5', "unexpected character '.'"],
    ['+1', "unexpected character '+'"],
    ['NaN', "unexpected character 'N'"],
    ['0x10', "expected ',' or '}'"],
  ])('should reject the malformed number %s', (text, message) => {
    const error = parseError(`{"n": ${text}}`);
    expect(error.code).toBe('ERR_PARSE');
    expect(error.message).toContain(message);
  });
});

describe('JSON strings', () => {
  it('should decode every escape', () => {
    const value = valueOf(load(String.raw`{"s": "\" \\ \/ \b \f \n \r \t \u0000 \u00e9 \u20AC"}`), 's');
    expect(value).toBe('" \\ / \b \f \n \r \t \u0000 é €');
  });

  it('should join a surrogate pair escape into one character', () => {
    expect(valueOf(load(String.raw`{"s": "\ud83d\ude00 \uD83D\uDE00"}`), 's')).toBe('😀 😀');
  });

  it('should keep raw UTF-8 text', () => {
    expect(valueOf(load('{"ключ": "日本語 😀"}'), 'ключ')).toBe('日本語 😀');
  });

  it('should decode escapes in keys', () => {
    expect(load(String.raw`{"a\u0041\n": 1}`).items[0]!.key).toBe('aA\n');
  });

  it.each([
    [String.raw`{"s": "\ud800"}`, 'high surrogate'],
    [String.raw`{"s": "\ud800\u0041"}`, 'high surrogate'],
    [String.raw`{"s": "\udc00"}`, 'lone low surrogate'],
    [String.raw`{"s": "\x41"}`, 'invalid escape'],
    [String.raw`{"s": "\u12"}`, 'four hexadecimal digits'],
    ['{"s": "a\tb"}', 'control character U+0009'],
    ['{"s": "a\nb"}', 'control character U+000A'],
    ['{"s": "abc', 'missing its closing quote'],
  ])('should reject %j', (text, message) => {
    expect(parseError(text).message).toContain(message);
  });
});

describe('JSON structure', () => {
  it('should keep key order, nesting and empty containers', () => {
    const document = load('{"z": {}, "a": [], "m": [[1, [2, {}]], []], "t": true, "f": false, "n": null}');
    expect(document.items.map((item) => item.key)).toEqual(['z', 'a', 'm', 't', 'f', 'n']);
    expect(valueOf(document, 'z')).toEqual({ kind: 'branch', items: [] });
    expect(valueOf(document, 'a')).toEqual({ kind: 'list', items: [] });
    expect(valueOf(document, 'm')).toEqual({
      kind: 'list',
      items: [
        { kind: 'list', items: [1n, { kind: 'list', items: [2n, { kind: 'branch', items: [] }] }] },
        { kind: 'list', items: [] },
      ],
    });
    expect([valueOf(document, 't'), valueOf(document, 'f'), valueOf(document, 'n')]).toEqual([true, false, null]);
  });

  it('should accept the four JSON whitespace characters anywhere between tokens', () => {
    const document = load(' \t\r\n{ \t\r\n"a" \t\r\n: \t\r\n[ 1 \n, 2 ] \r\n} \n\n');
    expect(valueOf(document, 'a')).toEqual({ kind: 'list', items: [1n, 2n] });
  });

  it('should skip a UTF-8 byte order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('{"a": 1}')]);
    expect(jsonStore.loadPlainFile(bytes)).toEqual([{ kind: 'branch', items: [{ key: 'a', value: 1n }] }]);
  });

  it('should reject a second byte order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...encoder.encode('{}')]);
    expect(parseError(bytes).message).toContain("unexpected character '\uFEFF'");
  });

  it('should read nesting up to the depth Go allows', () => {
    const levels = MAX_NESTING_DEPTH - 1;
    let node: TreeValue = valueOf(load(`{"a": ${'['.repeat(levels)}${']'.repeat(levels)}}`), 'a');
    let depth = 1;
    while (isList(node) && node.items.length > 0) {
      node = node.items[0] as TreeValue;
      depth += 1;
    }
    expect(depth + 1).toBe(MAX_NESTING_DEPTH);
  });

  it('should reject nesting deeper than Go allows', () => {
    const levels = MAX_NESTING_DEPTH;
    const error = parseError(`{"a": ${'['.repeat(levels)}${']'.repeat(levels)}}`);
    expect(error.message).toContain(`nested more than ${MAX_NESTING_DEPTH} levels`);
    expect(error.column).toBe(6 + MAX_NESTING_DEPTH);
  });

  it.each([
    ['[1, 2]', 'contains an array'],
    ['"text"', 'contains a string'],
    ['12', 'contains a number'],
    ['1.5', 'contains a number'],
    ['true', 'contains a boolean'],
    ['null', 'contains a null'],
  ])('should reject the top-level value %s', (text, message) => {
    const error = parseError(`\n  ${text}`);
    expect(error.message).toContain(`sops needs an object at the top level, but the file ${message}`);
    expect(error.message).toContain('{"data": ...}');
    expect([error.line, error.column]).toEqual([2, 3]);
  });

  it.each(['', '   \n\t'])('should reject the empty input %j', (text) => {
    expect(parseError(text).message).toContain('the file is empty');
  });

  it.each([
    ['{"a": 1} trailing', 'unexpected content after the top-level object'],
    ['{"a": 1}{"b": 2}', 'unexpected content after the top-level object'],
    ['{"a": 1,}', 'expected a string key in double quotes'],
    ['{"a": [1,]}', "unexpected character ']'"],
    ['{"a" 1}', `expected ':' after the key "a"`],
    ['{"a": 1 "b": 2}', "expected ',' or '}' after an object member"],
    ['{"a": [1 2]}', "expected ',' or ']' after an array element"],
    ["{'a': 1}", 'expected a string key'],
    ['{a: 1}', 'expected a string key'],
    ['{"a": 1 // note\n}', "expected ',' or '}'"],
    ['{"a": tru}', "unexpected character 't'"],
    ['{"a": 1', "expected ',' or '}'"],
    ['{"a":', 'unexpected end of file'],
    ['{', 'found end of file'],
  ])('should reject %j', (text, message) => {
    expect(parseError(text).message).toContain(message);
  });
});

describe('JSON parse errors', () => {
  it('should give the line, column and a caret under the error', () => {
    const error = parseError('{\n\t"a": 1,\n\t"b" 2\n}');
    expect(error.code).toBe('ERR_PARSE');
    expect(error.exitCode).toBe(2);
    expect([error.line, error.column]).toEqual([3, 6]);
    expect(error.message).toBe(`invalid JSON: expected ':' after the key "b" at line 3, column 6\n\t"b" 2\n\t    ^`);
  });

  it('should count columns in characters, not UTF-16 units', () => {
    const error = parseError('{"😀😀": 1 x}');
    expect([error.line, error.column]).toEqual([1, 10]);
  });

  it('should cut a long line around the error', () => {
    const filler = 'x'.repeat(500);
    const error = parseError(`{"a": "${filler}", "b" 1, "c": "${filler}"}`);
    const [, excerpt, caret] = error.message.split('\n');
    expect(excerpt!.length).toBeLessThan(130);
    expect(excerpt!.startsWith('...')).toBe(true);
    expect(excerpt!.endsWith('...')).toBe(true);
    expect(excerpt![caret!.length - 1]).toBe('1');
  });

  it('should name the position of a byte that is not UTF-8', () => {
    const bytes = new Uint8Array([...encoder.encode('{\n  "é": "a'), 0xff, ...encoder.encode('"\n}')]);
    const error = parseError(bytes);
    expect([error.line, error.column]).toEqual([2, 10]);
    expect(error.message).toContain('byte 0xFF at line 2, column 10 is not valid UTF-8');
    expect(error.message).toContain('  "é": "a\uFFFD"\n         ^');
  });

  it.each([
    [[0xc0, 0xaf], 'overlong form'],
    [[0xed, 0xa0, 0x80], 'encoded surrogate'],
    [[0xf4, 0x90, 0x80, 0x80], 'code point above U+10FFFF'],
    [[0xe2, 0x82], 'truncated sequence'],
  ])('should reject %j (%s)', (sequence) => {
    const bytes = new Uint8Array([...encoder.encode('{"a": "'), ...sequence, ...encoder.encode('"}')]);
    expect(parseError(bytes).message).toContain('is not valid UTF-8');
  });
});

describe('JSON duplicate keys', () => {
  it('should reject a repeated key in plaintext and name both places', () => {
    const error = parseError('{\n  "a": 1,\n  "b": {"x": 1, "x": 2},\n  "a": 3\n}');
    expect(error.message).toContain('duplicate key "x" (first defined at line 3, column 9)');
    expect([error.line, error.column]).toEqual([3, 17]);
  });

  it('should allow the same key in different objects', () => {
    const document = load('{"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 3}, {"k": 4}]}');
    expect(document.items).toHaveLength(3);
  });

  it('should keep repeated data keys of an encrypted file, as sops does', () => {
    const input = encoder.encode('{"t": "ENC[one]", "t": "ENC[two]", "sops": {"version": "3.13.2"}}');
    const { branches, metadata } = jsonStore.loadEncryptedFile(input);
    expect(branches[0]!.items).toEqual([
      { key: 't', value: 'ENC[one]' },
      { key: 't', value: 'ENC[two]' },
    ]);
    expect(isBranch(metadata)).toBe(true);
  });

  it('should reject repeated keys inside the metadata of an encrypted file', () => {
    const input = encoder.encode('{"sops": {"mac": "a", "age": [{"enc": "x", "enc": "y"}]}}');
    expect(() => jsonStore.loadEncryptedFile(input)).toThrow(/duplicate key "enc"/);
    const twice = encoder.encode('{"sops": {"mac": "a"}, "x": 1, "sops": {"mac": "b"}}');
    expect(() => jsonStore.loadEncryptedFile(twice)).toThrow(/duplicate key "sops"/);
    const inner = encoder.encode('{"sops": {"mac": "a", "mac": "b"}}');
    expect(() => jsonStore.loadEncryptedFile(inner)).toThrow(/duplicate key "mac"/);
  });

  it('should report missing metadata in an encrypted file', () => {
    expect(() => jsonStore.loadEncryptedFile(encoder.encode('{"a": 1}'))).toThrow(
      expect.objectContaining({ code: 'ERR_METADATA_NOT_FOUND' }),
    );
  });
});
