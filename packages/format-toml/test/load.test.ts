import { FloatValue, isBranch, Timestamp } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { load, plain, store } from './helpers.js';

describe('TOML loading', () => {
  it('keeps key order, numeric keys included', () => {
    const document = load('b = 1\n10 = 2\na = 3\n"2" = 4\n');

    expect(document.items.map((item) => item.key)).toEqual(['b', '10', 'a', '2']);
  });

  it('reads every scalar type', () => {
    const document = load(
      [
        's = "text"',
        "literal = 'C:\\path'",
        'i = -42',
        'hex = 0xff',
        'max = 9223372036854775807',
        'min = -9223372036854775808',
        'f = 1.0',
        'g = 6.626e-34',
        'under = 1_000.5',
        'pinf = +inf',
        'nan = nan',
        't = true',
        'odt = 1979-05-27T00:32:00.999999999-07:00',
        'ldt = 1979-05-27T07:32:00',
        'ld = 1979-05-27',
        'lt = 07:32:00.5',
      ].join('\n'),
    );

    expect(plain(document)).toEqual([
      ['s', 'text'],
      ['literal', 'C:\\path'],
      ['i', -42n],
      ['hex', 255n],
      ['max', 9223372036854775807n],
      ['min', -9223372036854775808n],
      ['f', { float: 1 }],
      ['g', { float: 6.626e-34 }],
      ['under', { float: 1000.5 }],
      ['pinf', { float: Infinity }],
      ['nan', { float: NaN }],
      ['t', true],
      ['odt', { time: '1979-05-27T00:32:00.999999999-07:00' }],
      ['ldt', { time: '1979-05-27T07:32:00' }],
      ['ld', { time: '1979-05-27' }],
      ['lt', { time: '07:32:00.5' }],
    ]);
  });

  it('keeps the float source text', () => {
    const document = load('a = 1_000.5\nb = 1E3\nc = -0.0\n');
    const sources = document.items.map((item) => (item.value as FloatValue).source);

    expect(sources).toEqual(['1_000.5', '1E3', '-0.0']);
    expect(Object.is((document.items[2]!.value as FloatValue).value, -0)).toBe(true);
  });

  it('normalizes offset date-time separators for Go', () => {
    const document = load('a = 1979-05-27 07:32:00Z\nb = 1979-05-27t07:32:00.5z\nc = 1979-05-27 07:32:00\n');
    const texts = document.items.map((item) => (item.value as Timestamp).text);

    // Local date-times have no offset and stay as written.
    expect(texts).toEqual(['1979-05-27T07:32:00Z', '1979-05-27T07:32:00.5Z', '1979-05-27 07:32:00']);
  });

  it('builds tables, dotted keys and inline tables', () => {
    const document = load(
      [
        'name = "x"',
        'site.url = "https://example.test"',
        'site.port = 8080',
        'point = { x = 1, y.z = 2 }',
        '[server]',
        'host = "localhost"',
        '[server.tls]',
        'enabled = true',
        '[a.b.c]',
        'deep = 1',
      ].join('\n'),
    );

    expect(plain(document)).toEqual([
      ['name', 'x'],
      [
        'site',
        [
          ['url', 'https://example.test'],
          ['port', 8080n],
        ],
      ],
      [
        'point',
        [
          ['x', 1n],
          ['y', [['z', 2n]]],
        ],
      ],
      [
        'server',
        [
          ['host', 'localhost'],
          ['tls', [['enabled', true]]],
        ],
      ],
      ['a', [['b', [['c', [['deep', 1n]]]]]]],
    ]);
  });

  it('builds arrays and arrays of tables', () => {
    const document = load(
      [
        'ports = [8001, 8002]',
        'mixed = [[1, 2], ["a"], { k = "v" }]',
        'empty = []',
        '[[fruits]]',
        'name = "apple"',
        '[fruits.physical]',
        'color = "red"',
        '[[fruits.varieties]]',
        'name = "red delicious"',
        '[[fruits]]',
        'name = "banana"',
      ].join('\n'),
    );

    expect(plain(document)).toEqual([
      ['ports', [8001n, 8002n]],
      ['mixed', [[1n, 2n], ['a'], [['k', 'v']]]],
      ['empty', []],
      [
        'fruits',
        [
          [
            ['name', 'apple'],
            ['physical', [['color', 'red']]],
            ['varieties', [[['name', 'red delicious']]]],
          ],
          [['name', 'banana']],
        ],
      ],
    ]);
  });

  it('adds a table defined after a sibling to its parent', () => {
    const document = load('[a]\nx = 1\n[b]\ny = 2\n[a.c]\nz = 3\n');

    expect(plain(document)).toEqual([
      [
        'a',
        [
          ['x', 1n],
          ['c', [['z', 3n]]],
        ],
      ],
      ['b', [['y', 2n]]],
    ]);
  });

  it('reads quoted keys with escapes', () => {
    const document = load('"a.b" = 1\n"tab\\tkey" = 2\n\'lit\' = 3\n"" = 4\n');

    expect(document.items.map((item) => item.key)).toEqual(['a.b', 'tab\tkey', 'lit', '']);
  });

  it('reads multi-line strings', () => {
    const document = load('a = """\nline one\nline two\\\n   joined"""\nb = \'\'\'\nraw \\n\'\'\'\n');

    expect(plain(document)).toEqual([
      ['a', 'line one\nline twojoined'],
      ['b', 'raw \\n'],
    ]);
  });

  it('drops comments', () => {
    const document = load('# head\na = 1 # inline\n[t] # table\n# inside\nb = [\n  1, # one\n]\n');

    expect(plain(document)).toEqual([
      ['a', 1n],
      ['t', [['b', [1n]]]],
    ]);
  });

  it('skips a byte order mark and reads CRLF lines', () => {
    const document = load('\uFEFFa = "x"\r\nb = 2\r\n');

    expect(plain(document)).toEqual([
      ['a', 'x'],
      ['b', 2n],
    ]);
  });

  it('reads an empty file as an empty document', () => {
    const branches = store.loadPlainFile(new Uint8Array());

    expect(branches).toHaveLength(1);
    expect(isBranch(branches[0])).toBe(true);
    expect(branches[0]!.items).toEqual([]);
  });
});
