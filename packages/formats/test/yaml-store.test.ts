import { AzkvError, Comment, ParseError, Timestamp, branch, list, type TreeValue } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { createYamlStore, yamlStore } from '../src/yaml/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function load(text: string): ReturnType<typeof yamlStore.loadPlainFile> {
  return yamlStore.loadPlainFile(encoder.encode(text));
}

function emit(...documents: Parameters<typeof yamlStore.emitPlainFile>[0]): string {
  return decoder.decode(yamlStore.emitPlainFile(documents));
}

/** Renders a tree compactly: `#text` comment, `~text` inline comment, `type:value` leaf. */
function shape(value: TreeValue | Comment): string {
  if (value instanceof Comment) {
    return `${value.inline ? '~' : '#'}${value.value}`;
  }
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'object' && 'kind' in value && value.kind === 'branch') {
    const items = value.items.map((item) =>
      item.key instanceof Comment ? shape(item.key) : `${item.key}: ${shape(item.value)}`,
    );
    return `{${items.join(', ')}}`;
  }
  if (typeof value === 'object' && 'kind' in value && value.kind === 'list') {
    return `[${value.items.map((item) => shape(item)).join(', ')}]`;
  }
  if (value instanceof Timestamp) {
    return `time:${value.text}`;
  }
  const types: Record<string, string> = { bigint: 'int', number: 'float', boolean: 'bool' };
  return `${types[typeof value] ?? 'str'}:${String(value)}`;
}

function thrown(action: () => unknown): AzkvError {
  try {
    action();
  } catch (error) {
    if (error instanceof AzkvError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an AzkvError');
}

describe('YAML comment placement', () => {
  // Expected shapes are what sops 3.13.2 builds for the same input.
  const layouts: Array<[string, string]> = [
    ['# head\nkey: value # line\n# foot\n', '{# head, ~ line, key: str:value, # foot}'],
    ['# document\n\n# head of a\na: 1\n', '{# document, # head of a, a: int:1}'],
    ['a:\n  b: 1\n  # foot of b\n\nc: 2\n', '{a: {b: int:1, # foot of b}, c: int:2}'],
    ['a:\n  b: 1\n\n# after a\nc: 2\n', '{a: {b: int:1}, # after a, c: int:2}'],
    ['list:\n  - one # first\n  # before two\n  - two\n', '{list: [~ first, str:one, # before two, str:two]}'],
    ['key: # after colon\n  nested: 1\n', '{# after colon, key: {nested: int:1}}'],
    ['a: 1\n  # indented more\nb: 2\n', '{a: int:1, # indented more, b: int:2}'],
    ['x:\n  - a: 1\n    # in item\n  # after item\n', '{x: [{a: int:1, # in item}], # after item}'],
  ];
  it.each(layouts)('places comments of %j', (input, expected) => {
    expect(load(input).map((document) => shape(document))).toEqual([expected]);
  });
});

describe('YAML scalar types', () => {
  const values: Array<[string, string]> = [
    ['0x1F', 'int:31'],
    ['0o17', 'int:15'],
    ['017', 'int:15'],
    ['1_000', 'int:1000'],
    ['09', 'float:9'],
    ['-9223372036854775808', 'int:-9223372036854775808'],
    ['-9223372036854775809', 'float:-9223372036854776000'],
    ['1e400', 'str:1e400'],
    ['.5', 'float:0.5'],
    ['.NaN', 'float:NaN'],
    ['-.inf', 'float:-Infinity'],
    ['True', 'bool:true'],
    ['yes', 'str:yes'],
    ['~', 'null'],
    ['', 'null'],
    ['2001-12-14 21:59:43.10', 'time:2001-12-14T21:59:43.1Z'],
    ['2001-12-14t21:59:43+00:00', 'time:2001-12-14T21:59:43Z'],
    ['2001-02-30', 'str:2001-02-30'],
    ['!!str 123', 'str:123'],
    ['!!float 1', 'float:1'],
    ['!!binary aGVsbG8=', 'str:hello'],
    ['!custom text', 'str:text'],
    ['"a\\tb\\u00e9"', 'str:a\tbé'],
  ];
  it.each(values)('reads %j', (text, expected) => {
    expect(shape(load(`v: ${text}\n`)[0] as TreeValue)).toBe(`{v: ${expected}}`);
  });

  it('expands aliases and keeps merge keys', () => {
    const documents = load('base: &b {x: 1}\nm:\n  <<: *b\n  y: *b\n');
    expect(documents.map((d) => shape(d))).toEqual(['{base: {x: int:1}, m: {<<: {x: int:1}, y: {x: int:1}}}']);
  });

  it('reads every document of a stream', () => {
    expect(load('a: 1\n---\n---\nb: 2\n').map((d) => shape(d))).toEqual(['{a: int:1}', '{}', '{b: int:2}']);
  });

  it('accepts a BOM and CRLF line ends', () => {
    expect(yamlStore.loadPlainFile(encoder.encode('\ufeffa: 1\r\nb: |\r\n  x\r\n')).map((d) => shape(d))).toEqual([
      '{a: int:1, b: str:x\n}',
    ]);
  });
});

describe('YAML load errors', () => {
  it('reports a syntax error with line, column and caret', () => {
    const error = thrown(() => load('a: 1\nb: c: d\n'));
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).line).toBe(2);
    expect((error as ParseError).column).toBe(5);
    expect(error.message).toContain('mapping values are not allowed in this context');
    expect(error.message).toContain('\n  b: c: d\n      ^');
  });

  it('rejects duplicate keys with both lines', () => {
    const error = thrown(() => load('a: 1\nb: 2\n"a": 3\n'));
    expect(error.message).toContain('mapping key "a" already defined at line 1');
    expect((error as ParseError).line).toBe(3);
  });

  it('reports the earliest repeated key first', () => {
    // go-yaml checks key pairs in order, so `a` (first at line 1) is
    // reported before `b`, although `b` repeats earlier in the file.
    const error = thrown(() => load('a: 1\nb: 2\nb: 3\na: 4\n'));
    expect(error.message).toContain('mapping key "a" already defined at line 1');
    expect((error as ParseError).line).toBe(4);
  });

  const rejected: Array<[string, string, string]> = [
    ['non-string key', '1: x\n', "the mapping key '1' is an integer"],
    ['uint64 value', 'a: 18446744073709551615\n', 'larger than 9223372036854775807'],
    ['sequence document', '- a\n', 'YAML documents that are sequences are not supported'],
    ['scalar document', 'text\n', 'YAML documents that are values are not supported'],
    ['second document', 'a: 1\n---\n- b\n', 'in document 2'],
    ['comment-only file', '# nothing\n', 'contains no document'],
    ['unknown anchor', 'a: *x\n', "unknown anchor 'x' referenced"],
    ['recursive alias', 'a: &x [*x]\n', "anchor 'x' value contains itself"],
    ['bad merge', 'a:\n  <<: 1\n', 'map merge requires map or sequence of maps'],
    ['tag mismatch', 'a: !!int abc\n', 'cannot decode !!str `abc` as a !!int'],
    ['YAML 1.2 directive', '%YAML 1.2\n---\na: 1\n', 'found incompatible YAML document'],
    ['control character', 'a: \u0007\n', 'control character U+0007 is not allowed'],
  ];
  it.each(rejected)('rejects a %s', (_name, input, message) => {
    expect(thrown(() => load(input)).message).toContain(message);
  });

  it('rejects invalid UTF-8 with its position', () => {
    const error = thrown(() => yamlStore.loadPlainFile(Uint8Array.from([0x61, 0x3a, 0x20, 0xff, 0x0a])));
    expect(error.message).toContain('not valid UTF-8');
    expect((error as ParseError).column).toBe(4);
  });

  it('returns no documents for an empty file', () => {
    expect(yamlStore.loadPlainFile(new Uint8Array())).toEqual([]);
  });
});

describe('YAML emit', () => {
  it('writes sops layout for nested data and comments', () => {
    const tree = branch([
      { key: new Comment(' head'), value: null },
      { key: 'list', value: list(['a', new Comment(' inline', true), 1n]) },
      { key: 'map', value: branch([{ key: 'empty', value: branch() }, { key: 'none', value: list() }]) },
      { key: 'text', value: 'line one\nline two\n' },
    ]);
    expect(emit(tree)).toBe(
      '# head\nlist:\n    - a\n    - 1 # inline\nmap:\n    empty: {}\n    none: []\ntext: |\n    line one\n    line two\n',
    );
  });

  it('quotes strings that would read back as other types', () => {
    const tree = branch(['1', 'yes', 'null', '', ' lead', 'a: b', '2001-01-01'].map((value, i) => ({ key: `k${i}`, value })));
    expect(emit(tree)).toBe(
      'k0: "1"\nk1: "yes"\nk2: "null"\nk3: ""\nk4: \' lead\'\nk5: \'a: b\'\nk6: "2001-01-01"\n',
    );
  });

  it('writes numbers as go-yaml does', () => {
    const tree = branch([1e21, 1234567, 100, 0.00001, -0, NaN, 2n ** 62n].map((value, i) => ({ key: `n${i}`, value })));
    expect(emit(tree)).toBe('n0: 1e+21\nn1: 1.234567e+06\nn2: 100\nn3: 1e-05\nn4: -0\nn5: .nan\nn6: 4611686018427387904\n');
  });

  it('separates documents with ---', () => {
    expect(emit(branch([{ key: 'a', value: 1n }]), branch())).toBe('a: 1\n---\n{}\n');
  });

  it('uses the configured indentation', () => {
    const tree = branch([{ key: 'a', value: branch([{ key: 'b', value: list(['c']) }]) }]);
    expect(decoder.decode(createYamlStore({ indent: 2 }).emitPlainFile([tree]))).toBe('a:\n  b:\n    - c\n');
    expect(decoder.decode(yamlStore.emitPlainFile([tree], { indent: 10 }))).toBe('a:\n  b:\n    - c\n');
  });

  it('rejects a negative indentation', () => {
    expect(thrown(() => createYamlStore({ indent: -1 })).code).toBe('ERR_USAGE');
  });

  it('refuses a multi-line string that starts with a tab', () => {
    const error = thrown(() => emit(branch([{ key: 'secret', value: '\tx\ny' }])));
    expect(error.code).toBe('ERR_UNSUPPORTED_VALUE');
    expect(error.message).toContain("'secret'");
    expect(error.message).not.toContain('\tx');
  });

  it('emits a single value as sops EmitValue does', () => {
    expect(decoder.decode(yamlStore.emitValue('hello'))).toBe('hello\n');
    expect(decoder.decode(yamlStore.emitValue(branch([{ key: 'a', value: list(['b']) }])))).toBe('a:\n    - b\n');
  });
});

describe('YAML store', () => {
  it('is named yaml and claims yaml and yml', () => {
    expect(yamlStore.name).toBe('yaml');
    expect(yamlStore.extensions).toEqual(['yaml', 'yml']);
  });

  it('reports a file without metadata', () => {
    expect(thrown(() => yamlStore.loadEncryptedFile(encoder.encode('a: 1\n'))).code).toBe('ERR_METADATA_NOT_FOUND');
  });
});
