import { AzkvError, branch, Comment, ExitCode, FloatValue, list, Timestamp, type TreeBranch, type TreeValue } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { emit, load, plain, store } from './helpers.js';

function mapping(entries: Record<string, TreeValue>): TreeBranch {
  return branch(Object.entries(entries).map(([key, value]) => ({ key, value })));
}

function emitError(document: TreeBranch): AzkvError {
  try {
    emit(document);
  } catch (error) {
    expect(error).toBeInstanceOf(AzkvError);
    return error as AzkvError;
  }
  throw new Error('expected an AzkvError');
}

describe('TOML writing', () => {
  it('writes scalars in TOML syntax', () => {
    const document = mapping({
      s: 'quote " backslash \\ tab \t bell \u0007 del \u007f',
      i: -9223372036854775808n,
      whole: 1,
      frac: 0.1,
      big: 1e21,
      tiny: 5e-324,
      negzero: -0,
      inf: -Infinity,
      nan: NaN,
      source: new FloatValue(1000.5, '1_000.5'),
      jsonSource: new FloatValue(1, '1'),
      yes: true,
      time: new Timestamp('2026-12-04T19:40:00.5+01:00'),
      date: new Timestamp('2026-12-04'),
      bytes: new TextEncoder().encode('plain'),
    });

    expect(emit(document)).toBe(
      [
        's = "quote \\" backslash \\\\ tab \\t bell \\u0007 del \\u007F"',
        'i = -9223372036854775808',
        'whole = 1.0',
        'frac = 0.1',
        'big = 1e+21',
        'tiny = 5e-324',
        'negzero = -0.0',
        'inf = -inf',
        'nan = nan',
        'source = 1_000.5',
        'jsonSource = 1.0',
        'yes = true',
        'time = 2026-12-04T19:40:00.5+01:00',
        'date = 2026-12-04',
        'bytes = "plain"',
        '',
      ].join('\n'),
    );
  });

  it('quotes keys that are not bare', () => {
    const document = mapping({ 'a.b': 1n, 'with space': 2n, '': 3n, 'ünï': 4n, 'bare_Key-9': 5n });

    expect(emit(document)).toBe('"a.b" = 1\n"with space" = 2\n"" = 3\n"ünï" = 4\nbare_Key-9 = 5\n');
  });

  it('writes text with line breaks as a multi-line string', () => {
    const document = mapping({ pem: '-----BEGIN-----\nabc\r\n"""\n-----END-----\n"' });
    const text = emit(document);

    expect(text).toBe('pem = """\n-----BEGIN-----\nabc\\r\n\\"""\n-----END-----\n\\""""\n');
    expect(plain(load(text))).toEqual(plain(document));
  });

  it('puts trailing tables under headers', () => {
    const document = mapping({
      title: 'x',
      owner: mapping({ name: 'Tom', tls: mapping({ on: true }) }),
      servers: mapping({ alpha: mapping({ ip: '10.0.0.1' }), beta: mapping({ ip: '10.0.0.2' }) }),
      empty: mapping({}),
    });

    expect(emit(document)).toBe(
      [
        'title = "x"',
        '',
        '[owner]',
        'name = "Tom"',
        '',
        '[owner.tls]',
        'on = true',
        '',
        '[servers.alpha]',
        'ip = "10.0.0.1"',
        '',
        '[servers.beta]',
        'ip = "10.0.0.2"',
        '',
        '[empty]',
        '',
      ].join('\n'),
    );
  });

  it('uses dotted keys for a table before a value', () => {
    const document = mapping({ site: mapping({ url: 'u', deep: mapping({ x: 1n }), none: mapping({}) }), after: 2n });
    const text = emit(document);

    expect(text).toBe('site.url = "u"\nsite.deep.x = 1\nsite.none = {}\nafter = 2\n');
    expect(plain(load(text))).toEqual(plain(document));
  });

  it('writes arrays of tables', () => {
    const document = mapping({
      fruits: list([
        mapping({ name: 'apple', physical: mapping({ color: 'red' }), varieties: list([mapping({ name: 'gala' })]) }),
        mapping({}),
      ]),
    });

    expect(emit(document)).toBe(
      [
        '[[fruits]]',
        'name = "apple"',
        '',
        '[fruits.physical]',
        'color = "red"',
        '',
        '[[fruits.varieties]]',
        'name = "gala"',
        '',
        '[[fruits]]',
        '',
      ].join('\n'),
    );
  });

  it('writes inline arrays and tables before values', () => {
    const document = mapping({
      list: list([1n, 'two', list([]), mapping({ k: 'v', n: mapping({}) })]),
      tables: list([mapping({ a: 1n }), mapping({ b: 2n })]),
      empty: list([]),
      last: true,
    });

    expect(emit(document)).toBe(
      [
        'list = [1, "two", [], { k = "v", n = {} }]',
        'tables = [{ a = 1 }, { b = 2 }]',
        'empty = []',
        'last = true',
        '',
      ].join('\n'),
    );
  });

  it('writes comments', () => {
    const document = branch([
      { key: new Comment(' head'), value: null },
      { key: 'a', value: 1n },
      { key: new Comment(' about a', true), value: null },
      { key: new Comment(' before table'), value: null },
      { key: 't', value: mapping({ b: list([mapping({ c: 1n }), new Comment(' between'), mapping({ c: 2n })]) }) },
    ]);

    expect(emit(document)).toBe(
      [
        '# head',
        'a = 1 # about a',
        '',
        '# before table',
        '[t]',
        '',
        '[[t.b]]',
        'c = 1',
        '',
        '# between',
        '[[t.b]]',
        'c = 2',
        '',
      ].join('\n'),
    );
  });

  it('writes nothing for an empty document', () => {
    expect(emit(branch())).toBe('');
  });
});

describe('TOML writing errors', () => {
  it.each<[string, TreeBranch, string]>([
    ['null', mapping({ a: mapping({ b: list([null]) }) }), "cannot write the value at 'a.b[0]' as TOML: TOML has no null value"],
    ['a top-level null', mapping({ 'x y': null }), `cannot write the value at '"x y"' as TOML: TOML has no null value`],
    ['a large integer', mapping({ n: 2n ** 63n }), 'the integer 9223372036854775808 is outside the 64-bit range of TOML'],
    ['a foreign timestamp', mapping({ t: new Timestamp('Dec 4 2026') }), 'the timestamp "Dec 4 2026" is not a TOML date or time'],
    ['bytes that are not UTF-8', mapping({ b: Uint8Array.of(0xff) }), "at 'b' as TOML: the bytes are not valid UTF-8"],
    ['an unpaired surrogate', mapping({ s: 'a\uD800' }), 'unpaired UTF-16 surrogate'],
    ['a surrogate in a key', mapping({ '\uDC00': 1n }), 'unpaired UTF-16 surrogate'],
    ['a comment with a line break', branch([{ key: new Comment(' one\ntwo'), value: null }]), 'a comment contains a line break'],
  ])('rejects %s', (_case, document, message) => {
    const error = emitError(document);

    expect(error.code).toBe('ERR_UNSUPPORTED_VALUE');
    expect(error.exitCode).toBe(ExitCode.ErrorDumpingTree);
    expect(error.message).toContain(message);
  });

  it('names what to do about null', () => {
    expect(emitError(mapping({ a: null })).hint).toBe('remove the key, or set it to a string, number or boolean');
  });

  it('rejects several documents', () => {
    expect(() => store.emitPlainFile([branch(), branch()])).toThrow(
      'the toml format holds exactly one document, but there are 2',
    );
  });
});
