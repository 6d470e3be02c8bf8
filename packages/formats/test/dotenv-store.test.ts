import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AzkvError,
  branch,
  Comment,
  ExitCode,
  FloatValue,
  isComment,
  list,
  ParseError,
  Timestamp,
  type TreeBranch,
  type TreeValue,
} from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { createDotenvStore, dotenvStore, hasDotenvMetadata } from '../src/dotenv/index.js';

const FIXTURES = process.env.AZKV_INTEROP_FIXTURES!;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function mapping(entries: Record<string, TreeValue>): TreeBranch {
  return branch(Object.entries(entries).map(([key, value]) => ({ key, value })));
}

function load(text: string): TreeBranch {
  const branches = dotenvStore.loadPlainFile(encoder.encode(text));
  expect(branches).toHaveLength(1);
  return branches[0]!;
}

function emit(tree: TreeBranch): string {
  return decoder.decode(dotenvStore.emitPlainFile([tree]));
}

function loadFailure(text: string | Uint8Array): ParseError {
  try {
    dotenvStore.loadPlainFile(typeof text === 'string' ? encoder.encode(text) : text);
  } catch (error) {
    if (error instanceof ParseError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ParseError');
}

function emitFailure(branches: TreeBranch[]): AzkvError {
  try {
    dotenvStore.emitPlainFile(branches);
  } catch (error) {
    if (error instanceof AzkvError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an AzkvError');
}

describe('dotenv store fixture', () => {
  const input = readFileSync(join(FIXTURES, 'azkv', 'format.enc.env'));

  it('re-emits format.enc.env byte-identical', () => {
    const output = Buffer.from(dotenvStore.emitEncryptedFile(dotenvStore.loadEncryptedFile(input)));
    expect(output.toString('utf8')).toBe(input.toString('utf8'));
    expect(output.equals(input)).toBe(true);
  });

  it('keeps the spaces around the key and value', () => {
    const { branches } = dotenvStore.loadEncryptedFile(input);
    expect(branches).toHaveLength(1);
    expect(branches[0]!.items.map((item) => item.key)).toEqual(['foo ']);
    expect(branches[0]!.items[0]!.value).toMatch(/^ENC\[AES256_GCM,data:/);
  });

  it('unflattens the metadata', () => {
    const { metadata } = dotenvStore.loadEncryptedFile(input);
    expect(metadata.items.map((item) => item.key)).toEqual(['azure_kv', 'lastmodified', 'mac', 'pgp', 'unencrypted_suffix', 'version']);
    expect(JSON.stringify(metadata)).toContain('-----BEGIN PGP MESSAGE-----\\n\\nwcBMAyUpShfNkFB');
  });

  it('writes the decrypted tree as sops decrypt does', () => {
    const { branches } = dotenvStore.loadEncryptedFile(input);
    branches[0]!.items[0]!.value = ' bar';
    expect(decoder.decode(dotenvStore.emitPlainFile(branches))).toBe('foo = bar\n');
  });

  it('reports a file without metadata', () => {
    expect(() => dotenvStore.loadEncryptedFile(encoder.encode('A=1\n'))).toThrow(
      expect.objectContaining({ code: 'ERR_METADATA_NOT_FOUND' }),
    );
  });
});

describe('dotenv store load', () => {
  it('splits at the first = and keeps everything else', () => {
    const tree = load('export A = "x"#y=z\n');
    expect(tree.items).toEqual([{ key: 'export A ', value: ' "x"#y=z' }]);
  });

  it('turns only \\n into a line break', () => {
    expect(load('A=1\\n2\\t3\\\\n4\\r\n').items[0]!.value).toBe('1\n2\\t3\\\n4\\r');
  });

  it('keeps # comments from the first column only', () => {
    const tree = load('# one\n#two\n  #three=3\n');
    expect(tree.items).toEqual([
      { key: new Comment(' one'), value: null },
      { key: new Comment('two'), value: null },
      { key: '  #three', value: '3' },
    ]);
  });

  it('keeps carriage returns of CRLF lines', () => {
    expect(load('#c\r\nA=1\r\n').items).toEqual([
      { key: new Comment('c\r'), value: null },
      { key: 'A', value: '1\r' },
    ]);
  });

  it('keeps a byte order mark in the first key', () => {
    expect(load('\ufeffA=1\n').items[0]!.key).toBe('\ufeffA');
  });

  it('accepts a quote that never closes', () => {
    expect(load('A=1\nB="open\nC=2\n').items[1]).toEqual({ key: 'B', value: '"open' });
  });

  it('loads sops_ keys when allowed', () => {
    const store = createDotenvStore({ rejectReservedKeys: false });
    const [tree] = store.loadPlainFile(encoder.encode('sops_mac=x\n'));
    expect(hasDotenvMetadata(tree!)).toBe(true);
    expect(hasDotenvMetadata(mapping({ sops: 'x', SOPS_A: 'y' }))).toBe(false);
  });

  it('reads what sops reads in encrypted files', () => {
    const text = 'A_unencrypted="open\nB=ENC[x]\n# say "hi"\nsops_version=3.13.2\n';
    const { branches, metadata } = dotenvStore.loadEncryptedFile(encoder.encode(text));
    expect(branches[0]!.items.filter((item) => !isComment(item.key)).map((item) => item.key)).toEqual(['A_unencrypted', 'B']);
    expect(metadata).toEqual(mapping({ version: '3.13.2' }));
  });
});

describe('dotenv store load errors', () => {
  const cases: Array<[string, string, number, string]> = [
    ['a line without =', 'A=1\nB=2\njust text\n', 3, "the line has no '='"],
    ['a CRLF blank line', 'A=1\r\n\r\nB=2\r\n', 2, 'carriage return'],
    ['a comment after a byte order mark', '\ufeff# comment\nA=1\n', 1, 'byte order mark'],
    ['a double-quoted multi-line value', 'A=1\nKEY="line one\nline two"\n', 2, `the value of 'KEY' opens a " quote that closes at line 3`],
    ['a single-quoted multi-line value', "K = 'a\n\nb=c'\n", 1, "the value of 'K ' opens a ' quote that closes at line 3"],
    ['a multi-line value of a later key', 'A=1\nPEM="-----BEGIN-----\nMIIB==\n-----END-----"\n', 2, "'PEM'"],
  ];

  for (const [name, text, line, message] of cases) {
    it(`rejects ${name}`, () => {
      const error = loadFailure(text);
      expect(error.code).toBe('ERR_PARSE');
      expect(error.line).toBe(line);
      expect(error.message).toContain(`at line ${line}:`);
      expect(error.message).toContain(message);
    });
  }

  it('rejects a sops_ key with its line', () => {
    const error = loadFailure('A=1\nsops_mac=x\n');
    expect(error.code).toBe('ERR_RESERVED_KEY');
    expect(error.exitCode).toBe(ExitCode.FileAlreadyEncrypted);
    expect(error.line).toBe(2);
    expect(error.message).toContain("the key 'sops_mac' starts with 'sops_'");
  });

  it('never quotes a value', () => {
    const error = loadFailure('TOKEN="hunter2-part-one\nhunter2-part-two"\n');
    expect(error.message).not.toContain('hunter2');
    const missing = loadFailure('A=1\nhunter2-secret\n');
    expect(missing.message).not.toContain('hunter2');
  });

  it('reports invalid UTF-8 with its line', () => {
    const error = loadFailure(new Uint8Array([...encoder.encode('A=1\nB='), 0xc3, 0x28, 0x0a]));
    expect(error.line).toBe(2);
    expect(error.column).toBe(3);
  });
});

describe('dotenv store emit', () => {
  it('writes KEY=VALUE lines and comments', () => {
    const tree = branch([
      { key: new Comment(' note'), value: null },
      { key: 'A', value: 'multi\nline' },
      { key: 'B ', value: ' spaced' },
      { key: 'C', value: '' },
    ]);
    expect(emit(tree)).toBe('# note\nA=multi\\nline\nB = spaced\nC=\n');
  });

  it('formats other scalars as sops does', () => {
    const tree = mapping({
      INT: -42n,
      FLOAT: 0.1,
      WHOLE: 3,
      BIG: 1e21,
      KEPT: new FloatValue(2, '2.00'),
      YES: true,
      NOTHING: null,
      WHEN: new Timestamp('2024-01-02T03:04:05.5Z'),
      BYTES: new Uint8Array([1, 2]),
    });
    expect(emit(tree)).toBe(
      'INT=-42\nFLOAT=0.1\nWHOLE=3.0\nBIG=1E+21\nKEPT=2.0\nYES=true\nNOTHING=<nil>\nWHEN=2024-01-02T03:04:05Z\nBYTES=[1 2]\n',
    );
  });

  it('writes nothing for an empty document', () => {
    expect(emit(branch())).toBe('');
    expect(decoder.decode(dotenvStore.emitPlainFile([]))).toBe('');
  });

  it('rejects a nested mapping', () => {
    const error = emitFailure([mapping({ DB: mapping({ HOST: 'x' }) })]);
    expect(error.code).toBe('ERR_UNSUPPORTED_VALUE');
    expect(error.exitCode).toBe(ExitCode.ErrorDumpingTree);
    expect(error.message).toContain("cannot write 'DB' to a dotenv file");
    expect(error.message).toContain('a mapping');
  });

  it('rejects a list', () => {
    const error = emitFailure([mapping({ HOSTS: list(['a', 'b']) })]);
    expect(error.message).toContain('a list');
  });

  it('rejects more than one document', () => {
    const error = emitFailure([mapping({ A: '1' }), mapping({ B: '2' })]);
    expect(error.code).toBe('ERR_UNSUPPORTED_VALUE');
    expect(error.message).toContain('2 documents');
  });

  it('embeds the metadata as sops_ keys', () => {
    const metadata = mapping({
      azure_kv: list([mapping({ enc: 'abc' })]),
      pgp: list([mapping({ enc: 'line one\nline two' })]),
      version: '3.13.2',
    });
    const output = decoder.decode(dotenvStore.emitEncryptedFile({ branches: [mapping({ A: 'ENC[x]' })], metadata }));
    expect(output).toBe(
      'A=ENC[x]\nsops_azure_kv__list_0__map_enc=abc\nsops_pgp__list_0__map_enc=line one\\nline two\nsops_version=3.13.2\n',
    );
    expect(dotenvStore.loadEncryptedFile(encoder.encode(output)).metadata).toEqual(metadata);
  });

  it('rejects a sops_ key in the data when encrypting', () => {
    const document = { branches: [mapping({ sops_thing: 'x' })], metadata: mapping({ version: '3.13.2' }) };
    expect(() => dotenvStore.emitEncryptedFile(document)).toThrow(expect.objectContaining({ code: 'ERR_RESERVED_KEY' }));
  });
});
