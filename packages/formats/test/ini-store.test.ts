import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AzkvError,
  branch,
  Comment,
  ExitCode,
  FloatValue,
  isBranch,
  isComment,
  list,
  ParseError,
  Timestamp,
  type TreeBranch,
  type TreeValue,
} from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { createIniStore, hasIniMetadata, iniStore } from '../src/ini/index.js';

const FIXTURES = process.env.AZKV_INTEROP_FIXTURES!;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, 'azkv', name));
}

function expectedLeafPaths(name: string): string[][] {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected', `${name}.json`), 'utf8')) as {
    values: Array<{ path: string[] }>;
  };
  return expected.values.map((value) => value.path);
}

function leafPaths(tree: TreeBranch, prefix: string[] = []): string[][] {
  const paths: string[][] = [];
  for (const item of tree.items) {
    if (isComment(item.key)) {
      continue;
    }
    if (isBranch(item.value)) {
      paths.push(...leafPaths(item.value, [...prefix, item.key]));
    } else {
      paths.push([...prefix, item.key]);
    }
  }
  return paths;
}

function mapping(entries: Record<string, TreeValue>): TreeBranch {
  return branch(Object.entries(entries).map(([key, value]) => ({ key, value })));
}

function emit(tree: TreeBranch): string {
  return decoder.decode(iniStore.emitPlainFile([tree]));
}

function loadFailure(text: string | Uint8Array): ParseError {
  try {
    iniStore.loadPlainFile(typeof text === 'string' ? encoder.encode(text) : text);
  } catch (error) {
    if (error instanceof ParseError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ParseError');
}

function emitFailure(tree: TreeBranch): AzkvError {
  try {
    iniStore.emitPlainFile([tree]);
  } catch (error) {
    if (error instanceof AzkvError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an AzkvError');
}

describe('INI store fixtures', () => {
  it('re-emits format.enc.ini byte-identical', () => {
    const input = fixture('format.enc.ini');
    const output = Buffer.from(iniStore.emitEncryptedFile(iniStore.loadEncryptedFile(input)));
    expect(output.toString('utf8')).toBe(input.toString('utf8'));
    expect(output.equals(input)).toBe(true);
  });

  it('re-emits format-2.enc.ini as sops 3.13.2 does', () => {
    // sops 3.13.0 and 3.13.1 wrote the PGP block as a """ value with real line
    // breaks. sops 3.13.2 reads that and writes it back on one line with `\n`.
    const input = fixture('format-2.enc.ini').toString('utf8');
    const expected = input.replace(/"""([^"]*)"""/, (_block, value: string) => value.replaceAll('\n', '\\n'));
    expect(expected).not.toBe(input);

    const output = decoder.decode(iniStore.emitEncryptedFile(iniStore.loadEncryptedFile(encoder.encode(input))));
    expect(output).toBe(expected);
  });

  it('re-emits the tree of format-2.enc.ini byte-identical', () => {
    const input = fixture('format-2.enc.ini');
    const plainStore = createIniStore({ rejectReservedKeys: false });
    expect(Buffer.from(plainStore.emitPlainFile(plainStore.loadPlainFile(input))).equals(input)).toBe(true);
  });

  for (const name of ['format.enc.ini', 'format-2.enc.ini']) {
    it(`loads the leaves of ${name}`, () => {
      const document = iniStore.loadEncryptedFile(fixture(name));
      expect(document.branches).toHaveLength(1);
      expect(leafPaths(document.branches[0]!)).toEqual(expectedLeafPaths(name));
    });

    it(`unflattens the metadata of ${name}`, () => {
      const { metadata } = iniStore.loadEncryptedFile(fixture(name));
      const keys = metadata.items.map((item) => item.key);
      expect(keys).toEqual(['azure_kv', 'lastmodified', 'mac', 'pgp', 'unencrypted_suffix', 'version']);
      const pgp = metadata.items[3]!.value;
      expect(pgp).toMatchObject({ kind: 'list' });
      const enc = JSON.stringify(pgp);
      expect(enc).toContain('-----BEGIN PGP MESSAGE-----\\n\\nwcBMAyUpShfNkFB');
      expect(enc).not.toContain('\\\\n');
    });
  }

  it('writes the decrypted tree as sops decrypt does', () => {
    const document = iniStore.loadEncryptedFile(fixture('format.enc.ini'));
    const tree = document.branches[0]!;
    const section = tree.items.find((item) => item.key === 'foo')!.value as TreeBranch;
    section.items[0]!.value = 'baz';
    expect(decoder.decode(iniStore.emitPlainFile(document.branches))).toBe('[foo]\nbar = baz\n');
  });

  it('reports a file without metadata', () => {
    expect(() => iniStore.loadEncryptedFile(encoder.encode('[foo]\nbar = baz\n'))).toThrow(
      expect.objectContaining({ code: 'ERR_METADATA_NOT_FOUND' }),
    );
  });
});

describe('INI store tree', () => {
  it('builds sections with comments after their keys', () => {
    const [tree] = iniStore.loadPlainFile(encoder.encode('; owner\n[owner]\nname = John\n[db]\n; address\nserver = 192.0.2.62\nport = 143\n'));
    expect(tree).toEqual(
      branch([
        { key: 'DEFAULT', value: branch() },
        { key: 'owner', value: branch([{ key: new Comment('owner'), value: null }, { key: 'name', value: 'John' }]) },
        {
          key: 'db',
          value: branch([
            { key: 'server', value: '192.0.2.62' },
            { key: new Comment('address'), value: null },
            { key: 'port', value: '143' },
          ]),
        },
      ]),
    );
  });

  it('strips only the first comment character run', () => {
    const [tree] = iniStore.loadPlainFile(encoder.encode(';; a\n# b\n[s]\nk = v\n'));
    const section = tree!.items[1]!.value as TreeBranch;
    expect(section.items[0]!.key).toEqual(new Comment('a\n# b'));
  });

  it('skips a UTF-8 byte order mark', () => {
    const [tree] = iniStore.loadPlainFile(new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('[s]\nk = v\n')]));
    expect(tree!.items.map((item) => item.key)).toEqual(['DEFAULT', 's']);
  });

  it('rejects the sops section in plaintext', () => {
    const error = loadFailure('[app]\nk = v\n\n[sops]\nmac = x\n');
    expect(error.code).toBe('ERR_RESERVED_KEY');
    expect(error.exitCode).toBe(ExitCode.FileAlreadyEncrypted);
    expect(error.line).toBe(4);
    expect(error.message).toContain('[sops] is reserved');
  });

  it('loads the sops section when allowed', () => {
    const store = createIniStore({ rejectReservedKeys: false });
    const [tree] = store.loadPlainFile(encoder.encode('[sops]\nmac = x\n'));
    expect(hasIniMetadata(tree!)).toBe(true);
    expect(hasIniMetadata(mapping({ other: branch() }))).toBe(false);
  });

  it('rejects a duplicate key in plaintext', () => {
    const error = loadFailure('[s]\nk = 1\nk = 2\n');
    expect(error.code).toBe('ERR_DUPLICATE_KEY');
    expect(error.line).toBe(3);
  });

  it('reports invalid UTF-8 with its line', () => {
    const error = loadFailure(new Uint8Array([...encoder.encode('[s]\nk = '), 0xff, 0x0a]));
    expect(error.line).toBe(2);
    expect(error.column).toBe(5);
    expect(error.message).toContain('not valid UTF-8');
  });

  it('rejects UTF-16 input', () => {
    const error = loadFailure(new Uint8Array([0xff, 0xfe, 0x5b, 0x00]));
    expect(error.message).toContain('UTF-16');
  });
});

describe('INI store emit', () => {
  it('aligns = on the longest key in UTF-8 bytes', () => {
    const tree = mapping({ s: mapping({ 'clé': '1', 'a=b': '2', 'x`y': '3', k: '4' }) });
    expect(emit(tree)).toBe('[s]\nclé      = 1\n`a=b`     = 2\n"""x`y""" = 3\nk         = 4\n');
  });

  it('quotes values as go-ini does', () => {
    const tree = mapping({
      s: mapping({ a: 'x\ny', b: 'tick`', c: 'has # hash', d: 'semi;colon', e: ' padded ', f: '', g: 'plain' }),
    });
    expect(emit(tree)).toBe(
      '[s]\na = """x\ny"""\nb = """tick`"""\nc = `has # hash`\nd = `semi;colon`\ne = " padded "\nf = \ng = plain\n',
    );
  });

  it('omits the header of a first DEFAULT section', () => {
    expect(emit(mapping({ DEFAULT: branch(), s: mapping({ k: 'v' }) }))).toBe('[s]\nk = v\n');
    expect(emit(mapping({ default: mapping({ k: 'v' }), s: branch() }))).toBe('k = v\n\n[s]\n');
    expect(emit(mapping({ s: branch(), DEFAULT: mapping({ k: 'v' }) }))).toBe('[s]\n\n[DEFAULT]\nk = v\n');
  });

  it('writes comments before their section or key', () => {
    const tree = mapping({
      s: branch([
        { key: new Comment('about s'), value: null },
        { key: new Comment('dropped: no key before it'), value: null },
        { key: 'a', value: '1' },
        { key: new Comment(' replaced'), value: null },
        { key: new Comment('#kept as hash'), value: null },
        { key: 'b', value: '2' },
      ]),
    });
    expect(emit(tree)).toBe('; about s\n[s]\n# kept as hash\na = 1\nb = 2\n');
  });

  it('drops top-level comments', () => {
    expect(emit(branch([{ key: new Comment('top'), value: null }, { key: 's', value: mapping({ k: 'v' }) }]))).toBe('[s]\nk = v\n');
  });

  it('formats other scalars as sops does', () => {
    const tree = mapping({
      s: mapping({
        int: 12345678901234567890n,
        float: 1.5,
        whole: 100000,
        big: 1e21,
        small: 1e-5,
        kept: new FloatValue(3, '3.000'),
        yes: true,
        no: false,
        nothing: null,
        when: new Timestamp('2024-02-29T23:59:59.123456789+05:30'),
        bytes: new Uint8Array([104, 105]),
      }),
    });
    expect(emit(tree)).toBe(
      [
        '[s]',
        'int     = 12345678901234567890',
        'float   = 1.5',
        'whole   = 100000.0',
        'big     = 1E+21',
        'small   = 1E-05',
        'kept    = 3.0',
        'yes     = true',
        'no      = false',
        'nothing = <nil>',
        'when    = 2024-02-29T23:59:59+05:30',
        'bytes   = [104 105]',
        '',
      ].join('\n'),
    );
  });

  it('writes every document', () => {
    const output = decoder.decode(iniStore.emitPlainFile([mapping({ a: mapping({ k: '1' }) }), mapping({ b: mapping({ k: '2' }) })]));
    expect(output).toBe('[a]\nk = 1\n\n[b]\nk = 2\n');
  });

  it('writes CRLF line breaks on request', () => {
    const store = createIniStore({ lineBreak: '\r\n' });
    const tree = mapping({ s: branch([{ key: new Comment('c'), value: null }, { key: 'a', value: '1' }, { key: 'bb', value: '2' }]), t: branch() });
    expect(decoder.decode(store.emitPlainFile([tree]))).toBe('; c\r\n[s]\r\na  = 1\r\nbb = 2\r\n\r\n[t]\r\n');
  });

  const failures: Array<[string, TreeBranch, string, string]> = [
    ['a top-level value', mapping({ loose: 'value' }), 'ERR_UNSUPPORTED_VALUE', "cannot write 'loose' as an INI section"],
    ['a nested mapping', mapping({ s: mapping({ deep: mapping({ x: '1' }) }) }), 'ERR_UNSUPPORTED_VALUE', 'but this one is a mapping'],
    ['a list value', mapping({ s: mapping({ items: list(['a']) }) }), 'ERR_UNSUPPORTED_VALUE', 'but this one is a list'],
    ['an empty section name', mapping({ '': branch() }), 'ERR_UNSUPPORTED_VALUE', 'empty name'],
    ['an empty key name', mapping({ s: mapping({ '': 'v' }) }), 'ERR_UNSUPPORTED_VALUE', 'empty name'],
    [
      'a duplicate key',
      mapping({ s: branch([{ key: 'k', value: '1' }, { key: 'k', value: '2' }]) }),
      'ERR_DUPLICATE_KEY',
      "the key 'k' appears twice",
    ],
  ];

  for (const [name, tree, code, message] of failures) {
    it(`rejects ${name}`, () => {
      const error = emitFailure(tree);
      expect(error.code).toBe(code);
      expect(error.exitCode).toBe(ExitCode.ErrorDumpingTree);
      expect(error.message).toContain(message);
    });
  }

  it('rejects the sops section in encrypted input documents', () => {
    const document = { branches: [mapping({ sops: branch() })], metadata: mapping({ version: '3.13.2' }) };
    expect(() => iniStore.emitEncryptedFile(document)).toThrow(expect.objectContaining({ code: 'ERR_RESERVED_KEY' }));
  });

  it('embeds the metadata as an aligned sops section', () => {
    const metadata = mapping({
      azure_kv: list([mapping({ enc: 'abc', name: 'key' })]),
      pgp: list([mapping({ enc: '-----BEGIN-----\n\nbody\n-----END-----' })]),
      version: '3.13.2',
    });
    const output = decoder.decode(iniStore.emitEncryptedFile({ branches: [mapping({ DEFAULT: branch(), app: mapping({ k: 'ENC[x]' }) })], metadata }));
    expect(output).toBe(
      [
        '[app]',
        'k = ENC[x]',
        '',
        '[sops]',
        'azure_kv__list_0__map_enc  = abc',
        'azure_kv__list_0__map_name = key',
        'pgp__list_0__map_enc       = -----BEGIN-----\\n\\nbody\\n-----END-----',
        'version                    = 3.13.2',
        '',
      ].join('\n'),
    );
    expect(iniStore.loadEncryptedFile(encoder.encode(output)).metadata).toEqual(metadata);
  });
});
