import { branch, Comment, FloatValue, list, Timestamp, type TreeBranch, type TreeValue } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { createJsonStore, formatGoJsonFloat, jsonStore } from '../src/json/index.js';
import { MAX_NESTING_DEPTH } from '../src/json/parse.js';

const decoder = new TextDecoder();

function mapping(entries: Record<string, TreeValue>): TreeBranch {
  return branch(Object.entries(entries).map(([key, value]) => ({ key, value })));
}

function emit(document: TreeBranch, indent?: number): string {
  return decoder.decode(jsonStore.emitPlainFile([document], indent === undefined ? {} : { indent }));
}

describe('JSON emit layout', () => {
  // Expected strings were produced by sops 3.13.2's JSON store (EmitPlainFile
  // and EmitValue) for the same trees.
  it('should write the tree as sops does, dropping comments', () => {
    const document = branch([
      { key: new Comment(' top comment'), value: null },
      { key: 'invalid', value: new Uint8Array([0x61, 0xff, 0x62, 0xe2, 0x82, 0x63, 0xed, 0xa0, 0x80, 0x64]) },
      { key: 'time', value: new Timestamp('2024-01-02T03:04:05.123456789+02:00') },
      { key: 'list', value: list([new Comment('c'), 1n, new Comment('d')]) },
      { key: 'only_comments', value: list([new Comment('c')]) },
      { key: 'branch_comments', value: branch([{ key: new Comment('x'), value: null }]) },
      { key: 'float', value: 1e21 },
      { key: '\u2028key<>', value: '\u007f\u00a0\ufeff' },
    ]);
    expect(emit(document)).toBe(
      '{\n\t"invalid": "a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd",\n' +
        '\t"time": "2024-01-02T03:04:05.123456789+02:00",\n\t"list": [\n\t\t1\n\t],\n' +
        '\t"only_comments": [],\n\t"branch_comments": {},\n\t"float": 1e+21,\n' +
        '\t"\\u2028key\\u003c\\u003e": "\u007f\u00a0\ufeff"\n}\n',
    );
  });

  it('should write an empty document as {}', () => {
    expect(emit(branch())).toBe('{}\n');
  });

  it.each([
    [0, '{\n"a": {\n"b": [\n1,\n{\n"c": "d"\n}\n],\n"e": {}\n},\n"f": []\n}\n'],
    [2, '{\n  "a": {\n    "b": [\n      1,\n      {\n        "c": "d"\n      }\n    ],\n    "e": {}\n  },\n  "f": []\n}\n'],
    [-1, '{\n\t"a": {\n\t\t"b": [\n\t\t\t1,\n\t\t\t{\n\t\t\t\t"c": "d"\n\t\t\t}\n\t\t],\n\t\t"e": {}\n\t},\n\t"f": []\n}\n'],
  ])('should indent with the setting %d', (indent, expected) => {
    const document = mapping({
      a: mapping({ b: list([1n, mapping({ c: 'd' })]), e: branch() }),
      f: list(),
    });
    expect(emit(document, indent)).toBe(expected);
    expect(decoder.decode(createJsonStore({ indent }).emitPlainFile([document]))).toBe(expected);
  });

  it.each([-2, 1.5, Number.NaN])('should reject the indent %d', (indent) => {
    expect(() => createJsonStore({ indent })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }));
    expect(() => jsonStore.emitPlainFile([branch()], { indent })).toThrow(/invalid JSON indent/);
  });

  it('should write single values for --extract without a final newline', () => {
    const value = list([1n, 'a', mapping({ k: true })]);
    expect(decoder.decode(jsonStore.emitValue(value))).toBe('[\n\t1,\n\t"a",\n\t{\n\t\t"k": true\n\t}\n]');
    expect(decoder.decode(jsonStore.emitValue('a<b'))).toBe('"a\\u003cb"');
    expect(decoder.decode(jsonStore.emitValue(2.5))).toBe('2.5');
    expect(decoder.decode(jsonStore.emitValue(branch()))).toBe('{}');
  });

  it('should reject a tree with several documents instead of dropping them', () => {
    expect(() => jsonStore.emitPlainFile([branch(), branch()])).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_VALUE', exitCode: 4 }),
    );
    expect(() => jsonStore.emitPlainFile([])).toThrow(/exactly one document, but there are 0/);
  });

  it('should write nesting up to the depth Go allows and reject deeper trees', () => {
    let deepest: TreeValue = list();
    for (let level = 2; level < MAX_NESTING_DEPTH; level += 1) {
      deepest = list([deepest]);
    }
    const text = emit(mapping({ a: deepest }));
    // Every level but the innermost empty array takes an opening and a closing line.
    expect(text.trimEnd().split('\n')).toHaveLength(2 * (MAX_NESTING_DEPTH - 1) + 1);
    expect(() => emit(mapping({ a: list([deepest]) }))).toThrow(/nested more than 10000 levels/);
  });
});

describe('JSON emit values', () => {
  it('should escape strings as Go json.Marshal does', () => {
    const all = Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)).join('');
    const text = emit(mapping({ s: `${all}"\\/<>&\u2028\u2029\u007f é 😀` }));
    expect(text).toBe(
      '{\n\t"s": "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f' +
        '\\"\\\\/\\u003c\\u003e\\u0026\\u2028\\u2029\u007f é 😀"\n}\n',
    );
  });

  it('should write a lone surrogate as \\ufffd, as Go writes invalid UTF-8', () => {
    expect(emit(mapping({ s: 'a\ud800b\udc00c\ud83d\ude00' }))).toBe('{\n\t"s": "a\\ufffdb\\ufffdc😀"\n}\n');
  });

  it('should write ints, floats, booleans and null', () => {
    const document = mapping({
      big: 123456789012345678901234567890n,
      negative: -9223372036854775808n,
      float: new FloatValue(1.5, '1.50'),
      zero: -0,
      yes: true,
      no: false,
      nothing: null,
    });
    expect(emit(document)).toBe(
      '{\n\t"big": 123456789012345678901234567890,\n\t"negative": -9223372036854775808,\n\t"float": 1.5,\n' +
        '\t"zero": -0,\n\t"yes": true,\n\t"no": false,\n\t"nothing": null\n}\n',
    );
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('should reject the float %d', (value) => {
    const document = mapping({ a: list([1n, mapping({ b: value })]) });
    expect(() => emit(document)).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_VALUE', exitCode: 4 }));
    expect(() => emit(document)).toThrow(`cannot write the value at ["a"][1]["b"] as JSON: ${String(value)}`);
  });

  it('should reject values that are not tree values', () => {
    const document = mapping({ a: new Date(0) as unknown as TreeValue });
    expect(() => emit(document)).toThrow(/unsupported value type Date/);
  });
});

describe('formatGoJsonFloat', () => {
  // Each expected string is Go's json.Marshal(float64) output.
  it.each([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [1000, '1000'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e-6, '0.000001'],
    [9.99e-7, '9.99e-7'],
    [1e-7, '1e-7'],
    [1.5e-7, '1.5e-7'],
    [1e-10, '1e-10'],
    [1e-100, '1e-100'],
    [999999999999999900000, '999999999999999900000'],
    [1e21, '1e+21'],
    [1.2345678901234569e23, '1.2345678901234569e+23'],
    [9223372036854775808, '9223372036854776000'],
    [123456789012345680000, '123456789012345680000'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [-2.5e-8, '-2.5e-8'],
  ])('should format %d as %s', (value, expected) => {
    expect(formatGoJsonFloat(value)).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('should return undefined for %d', (value) => {
    expect(formatGoJsonFloat(value)).toBeUndefined();
  });
});
