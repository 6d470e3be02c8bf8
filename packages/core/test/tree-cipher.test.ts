import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { ValueCipher, parseEncryptedValue } from '../src/cipher.js';
import { AzkvError, DecryptionError } from '../src/errors.js';
import { decryptMac } from '../src/mac.js';
import type { EncryptionRules } from '../src/metadata.js';
import { Comment, branch, list, type TreeBranch } from '../src/tree.js';
import { decryptTree, encryptTree } from '../src/tree-cipher.js';
import { branchFromJson, maskCiphertexts, toJsonNode, withoutInline, type JsonNode } from './helpers/tree-json.js';

interface SopsTreeCase {
  name: string;
  rules: Record<string, string>;
  macOnlyEncrypted?: boolean;
  tree: JsonNode;
  encryptError?: string;
  mac?: string;
  encryptedMac?: string;
  encrypted?: JsonNode;
  sopsDecrypted?: JsonNode;
  sopsDecryptedMac?: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/sops-trees.json', import.meta.url), 'utf8')) as {
  dataKeyHex: string;
  lastModified: string;
  cases: SopsTreeCase[];
};
const dataKey = new Uint8Array(Buffer.from(fixture.dataKeyHex, 'hex'));

// Cases where sops writes an encrypted list comment as a string element.
const listCommentCases = new Set(['comments inside lists', 'encrypted regex']);

function rulesOf(testCase: SopsTreeCase): Partial<EncryptionRules> {
  return {
    unencryptedSuffix: testCase.rules['unencrypted_suffix'] ?? '',
    encryptedSuffix: testCase.rules['encrypted_suffix'] ?? '',
    unencryptedRegex: testCase.rules['unencrypted_regex'] ?? '',
    encryptedRegex: testCase.rules['encrypted_regex'] ?? '',
    unencryptedCommentRegex: testCase.rules['unencrypted_comment_regex'] ?? '',
    encryptedCommentRegex: testCase.rules['encrypted_comment_regex'] ?? '',
    macOnlyEncrypted: testCase.macOnlyEncrypted ?? false,
  };
}

/** Writes encrypted list comments as strings, as sops 3.13.2 does. */
function listCommentsAsStrings(node: unknown, inList = false): unknown {
  if (Array.isArray(node)) {
    return node.map((element) => listCommentsAsStrings(element, inList));
  }
  if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (inList && typeof record['comment'] === 'string' && record['comment'].startsWith('ENC[')) {
      return { str: record['comment'] };
    }
    if ('list' in record) {
      return { list: (record['list'] as unknown[]).map((element) => listCommentsAsStrings(element, true)) };
    }
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, listCommentsAsStrings(value)]));
  }
  return node;
}

describe('trees encrypted by sops', () => {
  for (const testCase of fixture.cases.filter((candidate) => candidate.encryptError === undefined)) {
    describe(testCase.name, () => {
      const input = branchFromJson(testCase.tree);
      const rules = rulesOf(testCase);

      it('decrypts to the original tree', () => {
        const result = decryptTree([branchFromJson(testCase.encrypted as JsonNode)], dataKey, rules);
        if (listCommentCases.has(testCase.name)) {
          // A comment stored as a list string has lost its inline flag.
          expect(withoutInline(toJsonNode(result.branches[0] as TreeBranch))).toEqual(withoutInline(toJsonNode(input)));
        } else {
          expect(toJsonNode(result.branches[0] as TreeBranch)).toEqual(toJsonNode(input));
        }
        expect(withoutInline(toJsonNode(result.branches[0] as TreeBranch))).toEqual(withoutInline(testCase.sopsDecrypted));
        expect(result.warnings).toEqual([]);
      });

      it('computes the MAC of sops encryption', () => {
        const result = decryptTree([branchFromJson(testCase.encrypted as JsonNode)], dataKey, rules);
        expect(result.mac).toBe(testCase.mac);
        if (listCommentCases.has(testCase.name)) {
          // sops counts the comment that it stored as a string, so its own
          // decryption reports a different MAC.
          expect(testCase.sopsDecryptedMac).not.toBe(testCase.mac);
        } else {
          expect(testCase.sopsDecryptedMac).toBe(testCase.mac);
        }
      });

      it('encrypts the same values with the same MAC', () => {
        const result = encryptTree([input], dataKey, rules);
        expect(result.mac).toBe(testCase.mac);
        let encrypted = toJsonNode(result.branches[0] as TreeBranch);
        if (listCommentCases.has(testCase.name)) {
          encrypted = listCommentsAsStrings(encrypted) as JsonNode;
        }
        expect(maskCiphertexts(encrypted)).toEqual(maskCiphertexts(testCase.encrypted));
      });

      it('decrypts its own encryption', () => {
        const encrypted = encryptTree([input], dataKey, rules);
        const decrypted = decryptTree(encrypted.branches, dataKey, rules);
        expect(toJsonNode(decrypted.branches[0] as TreeBranch)).toEqual(toJsonNode(input));
        expect(decrypted.mac).toBe(encrypted.mac);
      });

      it('stores a MAC that decrypts with lastmodified', () => {
        expect(decryptMac(testCase.encryptedMac ?? '', dataKey, fixture.lastModified)).toBe(testCase.mac);
      });
    });
  }

  it('rejects an unencrypted_comment_regex that matches ciphertext', () => {
    const testCase = fixture.cases.find((candidate) => candidate.encryptError !== undefined);
    expect(testCase?.encryptError).toContain('matches UnencryptedCommentRegex');
    const action = (): unknown => encryptTree([branchFromJson(testCase?.tree as JsonNode)], dataKey, rulesOf(testCase as SopsTreeCase));
    expect(action).toThrow(AzkvError);
    expect(action).toThrow(/unencrypted_comment_regex "ENC" matches the encrypted comment at path ":"/);
  });
});

describe('encryptTree', () => {
  it('leaves the input tree unchanged', () => {
    const comment = new Comment(' note', true);
    const bytes = new Uint8Array([1, 2, 3]);
    const input = branch([
      { key: comment, value: null },
      { key: 'secret', value: 'value' },
      { key: 'raw_unencrypted', value: bytes },
    ]);
    const before = toJsonNode(input);
    const result = encryptTree([input], dataKey, { unencryptedSuffix: '_unencrypted' });
    expect(toJsonNode(input)).toEqual(before);
    expect(comment.value).toBe(' note');
    const copied = result.branches[0]?.items[2]?.value;
    expect(copied).toEqual(bytes);
    expect(copied).not.toBe(bytes);
  });

  it('keeps the inline flag of encrypted comments', () => {
    const result = encryptTree([branch([{ key: 'a', value: 'b' }, { key: new Comment(' c', true), value: null }])], dataKey, {});
    const key = result.branches[0]?.items[1]?.key;
    expect(key).toBeInstanceOf(Comment);
    expect((key as Comment).inline).toBe(true);
    expect(parseEncryptedValue((key as Comment).value)?.type).toBe('comment');
  });

  it('uses the path as additional data', () => {
    const cipher = new ValueCipher();
    const result = encryptTree(
      [branch([{ key: 'outer', value: branch([{ key: 'items', value: list(['x', new Comment(' c')]) }]) }])],
      dataKey,
      {},
      { cipher },
    );
    const outer = result.branches[0]?.items[0]?.value as TreeBranch;
    const items = outer.items[0]?.value as { items: Array<string | Comment> };
    expect(new ValueCipher().decrypt(items.items[0] as string, dataKey, 'outer:items:')).toBe('x');
    expect(new ValueCipher().decrypt((items.items[1] as Comment).value, dataKey, 'outer:items:')).toEqual(new Comment(' c'));
  });

  it('reuses IVs of a decrypted tree', () => {
    const original = encryptTree([branch([{ key: 'a', value: 'one' }, { key: 'b', value: 2n }])], dataKey, {});
    const cipher = new ValueCipher();
    const decrypted = decryptTree(original.branches, dataKey, {}, { cipher });
    const again = encryptTree(decrypted.branches, dataKey, {}, { cipher });
    expect(toJsonNode(again.branches[0] as TreeBranch)).toEqual(toJsonNode(original.branches[0] as TreeBranch));
  });

  it('rejects values outside the tree model', () => {
    const input = branch([{ key: 'a', value: { kind: 'other' } as unknown as string }]);
    expect(() => encryptTree([input], dataKey, {})).toThrow(/Cannot walk the tree at path "a:"/);
  });
});

describe('decryptTree', () => {
  it('keeps undecryptable comments with a warning', () => {
    const input = branch([
      { key: new Comment(' plain comment'), value: null },
      { key: 'a', value: new ValueCipher().encrypt('b', dataKey, 'a:') },
    ]);
    const result = decryptTree([input], dataKey, {});
    expect(result.branches[0]?.items[0]?.key).toEqual(new Comment(' plain comment'));
    expect(result.branches[0]?.items[1]?.value).toBe('b');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]?.path).toBe(':');
    expect(result.warnings[0]?.message).not.toContain('plain comment');
  });

  it('rejects unencrypted non-string values', () => {
    const input = branch([{ key: 'port', value: 5432n }]);
    let caught: unknown;
    try {
      decryptTree([input], dataKey, {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DecryptionError);
    expect((caught as DecryptionError).message).toContain('path "port:" should be encrypted, but it is a bigint');
    expect((caught as DecryptionError).message).not.toContain('5432');
  });

  it('rejects plain strings where encryption applies', () => {
    const input = branch([{ key: 'password', value: 'hunter2' }]);
    expect(() => decryptTree([input], dataKey, {})).toThrow(DecryptionError);
    expect(() => decryptTree([input], dataKey, {})).toThrow(/path "password:" is not a sops-encrypted value/);
  });

  it('rejects a mapping value that decrypts to a comment', () => {
    const text = new ValueCipher().encrypt(new Comment('x'), dataKey, 'a:');
    expect(() => decryptTree([branch([{ key: 'a', value: text }])], dataKey, {})).toThrow(/decrypts to a comment/);
  });

  it('restores list comments stored as strings', () => {
    const cipher = new ValueCipher();
    const input = branch([
      { key: 'l', value: list([cipher.encrypt('a', dataKey, 'l:'), cipher.encrypt(new Comment(' c'), dataKey, 'l:')]) },
    ]);
    const result = decryptTree([input], dataKey, {});
    expect(toJsonNode(result.branches[0] as TreeBranch)).toEqual({
      map: [['l', { list: [{ str: 'a' }, { comment: ' c', inline: false }] }]],
    });
    const withoutComment = decryptTree([branch([{ key: 'l', value: list([cipher.encrypt('a', dataKey, 'l:')]) }])], dataKey, {});
    expect(result.mac).toBe(withoutComment.mac);
  });

  it('accepts a comment encrypted as type str', () => {
    const text = new ValueCipher().encrypt(' text', dataKey, ':');
    const result = decryptTree([branch([{ key: new Comment(text, true), value: null }])], dataKey, {});
    expect(result.branches[0]?.items[0]?.key).toEqual(new Comment(' text', true));
  });

  it('rejects a comment that decrypts to a number', () => {
    const text = new ValueCipher().encrypt(5n, dataKey, ':');
    expect(() => decryptTree([branch([{ key: new Comment(text), value: null }])], dataKey, {})).toThrow(
      /comment at path ":" decrypts to a value of type bigint/,
    );
  });

  it('leaves null values alone', () => {
    const result = decryptTree([branch([{ key: 'a', value: null }])], dataKey, {});
    expect(result.branches[0]?.items[0]?.value).toBeNull();
    expect(result.mac).toBe(encryptTree([branch([])], dataKey, {}).mac);
  });

  it('fails with another data key', () => {
    const encrypted = encryptTree([branch([{ key: 'a', value: 'b' }])], dataKey, {});
    expect(() => decryptTree(encrypted.branches, new Uint8Array(32), {})).toThrow(DecryptionError);
  });
});
