import { ParseError } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { parseIni, type IniSection } from '../src/ini/parser.js';

/** Parses leniently and returns `section → key → value` for compact assertions. */
function values(text: string, strict = true): Array<[string, Array<[string, string]>]> {
  return parseIni(text, { strict }).map((section) => [section.name, section.keys.map((key) => [key.name, key.value])]);
}

function section(text: string, name: string): IniSection {
  const found = parseIni(text, { strict: true }).find((candidate) => candidate.name === name);
  if (found === undefined) {
    throw new Error(`section ${name} not found`);
  }
  return found;
}

function parseFailure(text: string, strict = true): ParseError {
  try {
    parseIni(text, { strict });
  } catch (error) {
    if (error instanceof ParseError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ParseError');
}

describe('parseIni sections', () => {
  it('puts keys before the first header into DEFAULT', () => {
    expect(values('a = 1\n[s]\nb = 2\n')).toEqual([
      ['DEFAULT', [['a', '1']]],
      ['s', [['b', '2']]],
    ]);
  });

  it('always starts with an empty DEFAULT section', () => {
    expect(values('')).toEqual([['DEFAULT', []]]);
    expect(values('[s]\n')).toEqual([
      ['DEFAULT', []],
      ['s', []],
    ]);
  });

  it('keeps repeated headers as separate sections', () => {
    expect(values('[Peer]\nk = 1\n[Peer]\nk = 2\n[DEFAULT]\nd = 3\n')).toEqual([
      ['DEFAULT', []],
      ['Peer', [['k', '1']]],
      ['Peer', [['k', '2']]],
      ['DEFAULT', [['d', '3']]],
    ]);
  });

  it('takes the name up to the last bracket without trimming', () => {
    expect(values('[ spaced ]\n[a]b] tail\n').map(([name]) => name)).toEqual(['DEFAULT', ' spaced ', 'a]b']);
  });

  it('records header line numbers', () => {
    expect(parseIni('\n\n[s]\n', { strict: true }).map((parsed) => parsed.line)).toEqual([0, 3]);
  });
});

describe('parseIni keys and values', () => {
  it('accepts = and : as delimiters and trims', () => {
    expect(values('  a b  =  c d  \nurl: http://x:1/\nk=v=w\n')).toEqual([
      [
        'DEFAULT',
        [
          ['a b', 'c d'],
          ['url', 'http://x:1/'],
          ['k', 'v=w'],
        ],
      ],
    ]);
  });

  it('reads quoted key names', () => {
    expect(values('`a=b` = 1\n"c:d" = 2\n"""e`f""" = 3\n')).toEqual([
      [
        'DEFAULT',
        [
          ['a=b', '1'],
          ['c:d', '2'],
          ['e`f', '3'],
        ],
      ],
    ]);
  });

  it('cuts plain values at # and ;', () => {
    const parsed = section('[s]\na = x ; note\nb = "q;r"\nc = http://h/#frag\n', 's');
    expect(parsed.keys.map((key) => [key.name, key.value, key.comment])).toEqual([
      ['a', 'x', '; note'],
      ['b', '"q', ';r"'],
      ['c', 'http://h/', '#frag'],
    ]);
  });

  it('removes one pair of surrounding quotes', () => {
    expect(values('a = "x"\nb = \'y\'\nc = "a"b"\nd = "\ne = ""\n')).toEqual([
      [
        'DEFAULT',
        [
          ['a', 'x'],
          ['b', 'y'],
          ['c', '"a"b"'],
          ['d', '"'],
          ['e', ''],
        ],
      ],
    ]);
  });

  it('keeps backquoted and triple-quoted values as written', () => {
    expect(values('a = `x # y ; z`\nb = """ p ; q """ tail ; dropped\n')).toEqual([
      [
        'DEFAULT',
        [
          ['a', 'x # y ; z'],
          ['b', ' p ; q '],
        ],
      ],
    ]);
  });

  it('reads multi-line quoted values', () => {
    expect(values('a = """one\n  two\nthree""" ; c\nb = `x\ny`\n')).toEqual([
      [
        'DEFAULT',
        [
          ['a', 'one\n  two\nthree'],
          ['b', 'x\ny'],
        ],
      ],
    ]);
  });

  it('keeps carriage returns inside multi-line values', () => {
    expect(values('a = """one\r\ntwo"""\r\n')).toEqual([['DEFAULT', [['a', 'one\r\ntwo']]]]);
  });

  it('joins continuation lines', () => {
    expect(values('a = one \\\n  two \\\n three\nb = x\\\n\nc = y\n')).toEqual([
      [
        'DEFAULT',
        [
          ['a', 'one two three'],
          ['b', 'x'],
          ['c', 'y'],
        ],
      ],
    ]);
  });

  it('reads an empty value', () => {
    expect(values('a =\nb =   \n')).toEqual([
      [
        'DEFAULT',
        [
          ['a', ''],
          ['b', ''],
        ],
      ],
    ]);
  });

  it('trims Go white space but not the byte order mark', () => {
    expect(values('\u0085a\u00a0= b\u3000\n\ufeffc = d\n')).toEqual([
      [
        'DEFAULT',
        [
          ['a', 'b'],
          ['\ufeffc', 'd'],
        ],
      ],
    ]);
  });
});

describe('parseIni comments', () => {
  it('attaches comment lines to the next key', () => {
    const parsed = section('[s]\n; one\n  # two\nk = v\n', 's');
    expect(parsed.keys[0]?.comment).toBe('; one\n# two');
  });

  it('attaches comments before a header and after it to the section', () => {
    const parsed = section('; before\n[s] ; after\nk = v\n', 's');
    expect(parsed.comment).toBe('; before\n; after');
    expect(parsed.keys[0]?.comment).toBe('');
  });

  it('drops comments after the last key', () => {
    const parsed = parseIni('[s]\nk = v\n; dangling\n', { strict: true });
    expect(parsed[1]?.keys.map((key) => key.comment)).toEqual(['']);
  });

  it('gives a comment after a closing triple quote to that key', () => {
    const parsed = section('[s]\na = """x\ny""" ; tail\nb = 1\n', 's');
    expect(parsed.keys.map((key) => key.comment)).toEqual(['; tail', '']);
  });
});

describe('parseIni strict checks', () => {
  it('rejects a duplicate key with both lines', () => {
    const error = parseFailure('[s]\nk = 1\n\nk = 2\n');
    expect(error.code).toBe('ERR_DUPLICATE_KEY');
    expect(error.line).toBe(4);
    expect(error.message).toContain("duplicate key 'k' in section [s], first defined at line 2");
  });

  it('keeps the last value like go-ini when lenient', () => {
    const parsed = parseIni('; first\nk = 1\nj = 0\n; second\nk = 2\n', { strict: false });
    expect(parsed[0]?.keys.map((key) => [key.name, key.value, key.comment])).toEqual([
      ['k', '2', '; second'],
      ['j', '0', ''],
    ]);
  });

  it('rejects the auto-increment key', () => {
    const error = parseFailure('[s]\n- = a\n');
    expect(error.line).toBe(2);
    expect(error.message).toContain("the key '-' is not supported");
  });

  it('numbers auto-increment keys per section when lenient', () => {
    expect(values('- = a\n- = b\n[s]\n- = c\n', false)).toEqual([
      [
        'DEFAULT',
        [
          ['#1', 'a'],
          ['#2', 'b'],
        ],
      ],
      ['s', [['#1', 'c']]],
    ]);
  });
});

describe('parseIni errors', () => {
  const cases: Array<[string, string, number, string]> = [
    ['line without delimiter', 'a = 1\njust text\n', 2, "has no '=' or ':'"],
    ['empty key name', '[s]\n= value\n', 2, 'the key name is empty'],
    ['empty quoted key name', '"" = value\n', 1, 'the key name is empty'],
    ['unclosed key quote', '\n`abc = 1\n', 2, 'has no closing `'],
    ['no delimiter after quoted key', '"abc" value\n', 1, "no '=' or ':' after the quoted key name"],
    ['unclosed section', 'a = 1\n\n[broken\n', 3, "no closing ']'"],
    ['empty section name', '[]\n', 1, 'the section name is empty'],
    ['unclosed triple quote', 'x = 1\nkey = """start\nmore\n', 2, 'has no closing """'],
    ['unclosed backquote at end of file', 'key = `start', 1, 'has no closing `'],
  ];

  for (const [name, text, line, message] of cases) {
    it(`rejects ${name}`, () => {
      const error = parseFailure(text);
      expect(error.code).toBe('ERR_PARSE');
      expect(error.line).toBe(line);
      expect(error.message).toContain(`at line ${line}:`);
      expect(error.message).toContain(message);
    });
  }

  it('never quotes the offending line', () => {
    const error = parseFailure('[s]\nhunter2-secret-value\n');
    expect(error.message).not.toContain('hunter2');
  });
});
