import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import { ValueCipher, isEncryptedValue, parseEncryptedValue } from '../src/cipher.js';
import { AzkvError, DecryptionError } from '../src/errors.js';
import { Comment, FloatValue, Timestamp } from '../src/tree.js';
import type { PlainValue } from '../src/value-bytes.js';
import { encryptedStrings, hexKey, loadExpectedFiles } from './helpers/interop.js';

const key = new Uint8Array(32).fill(7);
const otherKey = new Uint8Array(32).fill(8);

function decryptError(action: () => unknown): DecryptionError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptionError);
    return error as DecryptionError;
  }
  throw new Error('expected a DecryptionError');
}

/** Replaces one field of an ENC[...] string. */
function withField(text: string, field: 'data' | 'iv' | 'tag' | 'type', value: string): string {
  return text.replace(new RegExp(`${field}:[^,\\]]*`), `${field}:${value}`);
}

/** Flips one bit of a base64 field. */
function flipBit(text: string, field: 'data' | 'iv' | 'tag'): string {
  const current = new RegExp(`${field}:([^,\\]]*)`).exec(text)?.[1] ?? '';
  const bytes = Buffer.from(current, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return withField(text, field, bytes.toString('base64'));
}

describe('sops fixture values', () => {
  for (const file of loadExpectedFiles()) {
    it(`decrypts every value of ${file.name}`, () => {
      const dataKey = hexKey(file.data_key_hex);
      const encryptedLeaves = file.values.filter((leaf) => leaf.encrypted);
      const texts = encryptedStrings(file.fileText);
      expect(texts.length).toBeGreaterThanOrEqual(encryptedLeaves.length);
      expect(encryptedLeaves.length).toBeGreaterThan(0);

      const cipher = new ValueCipher();
      encryptedLeaves.forEach((leaf, index) => {
        const value = cipher.decrypt(texts[index] ?? '', dataKey, leaf.aad ?? '');
        if (leaf.type === 'comment') {
          expect(value).toBeInstanceOf(Comment);
          expect((value as Comment).value).toBe(leaf.plaintext);
        } else {
          expect(value).toBe(leaf.plaintext);
        }
      });
    });
  }

  it('re-encrypts an unchanged value to the same text', () => {
    const file = loadExpectedFiles().find((candidate) => candidate.name === 'comments.enc.yaml');
    expect(file).toBeDefined();
    const dataKey = hexKey(file?.data_key_hex ?? '');
    const [commentText, loremText] = encryptedStrings(file?.fileText ?? '');
    const cipher = new ValueCipher();

    const comment = cipher.decrypt(commentText ?? '', dataKey, ':');
    const lorem = cipher.decrypt(loremText ?? '', dataKey, 'lorem:');

    expect(cipher.encrypt(comment as Comment, dataKey, ':')).toBe(commentText);
    expect(cipher.encrypt(lorem as string, dataKey, 'lorem:')).toBe(loremText);
  });
});

describe('ValueCipher round trip', () => {
  const cases: Array<[string, PlainValue, unknown]> = [
    ['str', 'hello wörld ✓', 'hello wörld ✓'],
    ['str with BOM', '\uFEFFbom', '\uFEFFbom'],
    ['int', 42n, 42n],
    ['int64 minimum', -(2n ** 63n), -(2n ** 63n)],
    ['float', 0.1 + 0.2, 0.30000000000000004],
    ['FloatValue', new FloatValue(2.5, '2.50'), 2.5],
    ['bool true', true, true],
    ['bool false', false, false],
  ];
  for (const [name, input, expected] of cases) {
    it(`returns the ${name} value`, () => {
      const cipher = new ValueCipher();
      const text = cipher.encrypt(input, key, 'a:b:');
      expect(text).toMatch(/^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]+,iv:[A-Za-z0-9+/=]{44},tag:[A-Za-z0-9+/=]{24},type:\w+\]$/);
      expect(new ValueCipher().decrypt(text, key, 'a:b:')).toEqual(expected);
    });
  }

  it('writes the sops type names', () => {
    const cipher = new ValueCipher();
    const typeOf = (value: Parameters<ValueCipher['encrypt']>[0]): string | undefined =>
      parseEncryptedValue(cipher.encrypt(value, key, 'x:'))?.type;
    expect(typeOf('s')).toBe('str');
    expect(typeOf(1n)).toBe('int');
    expect(typeOf(1)).toBe('float');
    expect(typeOf(new FloatValue(1))).toBe('float');
    expect(typeOf(true)).toBe('bool');
    expect(typeOf(new Timestamp('2020-01-02T03:04:05Z'))).toBe('time');
    expect(typeOf(new Comment(' note'))).toBe('comment');
    expect(typeOf(new Uint8Array([0x41]))).toBe('str');
  });

  it('returns timestamps in Go MarshalText form', () => {
    const cipher = new ValueCipher();
    const text = cipher.encrypt(new Timestamp('2020-01-02T03:04:05.120+00:00'), key, 't:');
    const value = cipher.decrypt(text, key, 't:');
    expect(value).toBeInstanceOf(Timestamp);
    expect((value as Timestamp).text).toBe('2020-01-02T03:04:05.12Z');
  });

  it('returns comments with their text', () => {
    const cipher = new ValueCipher();
    const value = cipher.decrypt(cipher.encrypt(new Comment(' a comment'), key, ':'), key, ':');
    expect(value).toEqual(new Comment(' a comment'));
  });

  it('returns invalid UTF-8 strings as bytes', () => {
    const cipher = new ValueCipher();
    const bytes = new Uint8Array([0xff, 0x41]);
    expect(cipher.decrypt(cipher.encrypt(bytes, key, 'raw:'), key, 'raw:')).toEqual(bytes);
  });

  it('returns valid UTF-8 bytes as a string', () => {
    const cipher = new ValueCipher();
    const text = cipher.encrypt(new TextEncoder().encode('abc'), key, 'raw:');
    expect(cipher.decrypt(text, key, 'raw:')).toBe('abc');
  });

  it('round-trips random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), fc.string({ unit: 'grapheme' }), (value, path) => {
        const cipher = new ValueCipher();
        expect(cipher.decrypt(cipher.encrypt(value, key, path), key, path)).toBe(value);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips random floats exactly', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        const cipher = new ValueCipher();
        expect(Object.is(cipher.decrypt(cipher.encrypt(value, key, 'f:'), key, 'f:'), value)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ValueCipher empty values', () => {
  it('never encrypts empty values', () => {
    const cipher = new ValueCipher();
    expect(cipher.encrypt('', key, 'x:')).toBe('');
    expect(cipher.encrypt(new Uint8Array(0), key, 'x:')).toBe('');
    expect(cipher.encrypt(new Comment(''), key, ':')).toBe('');
  });

  it('decrypts the empty string to itself', () => {
    expect(new ValueCipher().decrypt('', key, 'x:')).toBe('');
  });
});

describe('ValueCipher IV reuse', () => {
  it('draws a fresh IV for every new value', () => {
    const cipher = new ValueCipher();
    const first = parseEncryptedValue(cipher.encrypt('same', key, 'x:'));
    const second = parseEncryptedValue(cipher.encrypt('same', key, 'x:'));
    expect(first?.iv).toHaveLength(32);
    expect(Buffer.from(first?.iv ?? []).equals(Buffer.from(second?.iv ?? []))).toBe(false);
  });

  it('reuses the IV of an unchanged decrypted value', () => {
    const text = new ValueCipher().encrypt('secret', key, 'a:');
    const cipher = new ValueCipher();
    cipher.decrypt(text, key, 'a:');
    expect(cipher.encrypt('secret', key, 'a:')).toBe(text);
  });

  it('draws a new IV for a changed value or path', () => {
    const text = new ValueCipher().encrypt('secret', key, 'a:');
    const cipher = new ValueCipher();
    cipher.decrypt(text, key, 'a:');
    const iv = parseEncryptedValue(text)?.iv ?? new Uint8Array();
    const changedValue = parseEncryptedValue(cipher.encrypt('secret2', key, 'a:'))?.iv ?? new Uint8Array();
    const changedPath = parseEncryptedValue(cipher.encrypt('secret', key, 'b:'))?.iv ?? new Uint8Array();
    expect(Buffer.from(changedValue).equals(Buffer.from(iv))).toBe(false);
    expect(Buffer.from(changedPath).equals(Buffer.from(iv))).toBe(false);
  });

  it('draws a new IV when the decrypted text was not canonical', () => {
    // "007" decrypts to 7n, which encrypts as "7": reusing the IV would put two
    // plaintexts under one GCM nonce.
    const original = new ValueCipher().encrypt('007', key, 'n:').replace('type:str', 'type:int');
    const cipher = new ValueCipher();
    expect(cipher.decrypt(original, key, 'n:')).toBe(7n);
    const reencrypted = cipher.encrypt(7n, key, 'n:');
    expect(parseEncryptedValue(reencrypted)?.iv).not.toEqual(parseEncryptedValue(original)?.iv);
  });

  it('forgets IVs after clearStash', () => {
    const text = new ValueCipher().encrypt('secret', key, 'a:');
    const cipher = new ValueCipher();
    cipher.decrypt(text, key, 'a:');
    cipher.clearStash();
    expect(cipher.encrypt('secret', key, 'a:')).not.toBe(text);
  });
});

describe('ValueCipher tampering', () => {
  const cipher = new ValueCipher();
  const original = cipher.encrypt('top secret value', key, 'db:password:');
  const genericMessage = /^Could not decrypt the value at path "db:password:": the data key is wrong/;

  const tampered: Array<[string, string, string]> = [
    ['data', flipBit(original, 'data'), 'db:password:'],
    ['tag', flipBit(original, 'tag'), 'db:password:'],
    ['IV', flipBit(original, 'iv'), 'db:password:'],
    ['type to int', withField(original, 'type', 'int'), 'db:password:'],
    ['type to bool', withField(original, 'type', 'bool'), 'db:password:'],
    ['type to time', withField(original, 'type', 'time'), 'db:password:'],
    ['shortened tag', withField(original, 'tag', 'AAAA'), 'db:password:'],
  ];
  for (const [name, text, path] of tampered) {
    it(`rejects a changed ${name}`, () => {
      const error = decryptError(() => new ValueCipher().decrypt(text, key, path));
      expect(error.message).toMatch(genericMessage);
      expect(error.message).not.toContain('top secret');
      expect(error.code).toBe('ERR_DECRYPT_VALUE');
      expect(error.exitCode).toBe(25);
    });
  }

  it('rejects a changed path', () => {
    const error = decryptError(() => new ValueCipher().decrypt(original, key, 'db:user:'));
    expect(error.message).toMatch(/^Could not decrypt the value at path "db:user:"/);
  });

  it('rejects another data key', () => {
    const error = decryptError(() => new ValueCipher().decrypt(original, otherKey, 'db:password:'));
    expect(error.message).toMatch(genericMessage);
  });

  it('rejects an unknown type', () => {
    const error = decryptError(() => new ValueCipher().decrypt(withField(original, 'type', 'blob'), key, 'x:'));
    expect(error.message).toContain('unknown type "blob"');
  });

  it('rejects text that is not ENC', () => {
    for (const text of ['plain', 'ENC[AES256_GCM,data:abc,iv:,tag:x,type:str]', 'ENC[AES256_GCM,data:a$==,iv:AA==,tag:AA==,type:str]']) {
      const error = decryptError(() => new ValueCipher().decrypt(text, key, 'x:'));
      expect(error.message).toContain('is not a sops-encrypted value');
      expect(error.message).not.toContain(text);
    }
  });

  it('rejects an empty IV', () => {
    const error = decryptError(() => new ValueCipher().decrypt(withField(original, 'iv', ''), key, 'x:'));
    expect(error.code).toBe('ERR_DECRYPT_VALUE');
  });
});

describe('ValueCipher input checks', () => {
  it('rejects data keys that are not 32 bytes', () => {
    for (const length of [0, 16, 24, 31, 33]) {
      expect(() => new ValueCipher().encrypt('x', new Uint8Array(length), 'x:')).toThrow(/must be 32 bytes long/);
      expect(() => new ValueCipher().decrypt('x', new Uint8Array(length), 'x:')).toThrow(AzkvError);
    }
  });

  it('rejects integers outside int64', () => {
    expect(() => new ValueCipher().encrypt(2n ** 63n, key, 'n:')).toThrow(/outside the 64-bit range/);
  });

  it('rejects unpaired surrogates', () => {
    expect(() => new ValueCipher().encrypt('a\uD800b', key, 's:')).toThrow(/unpaired UTF-16 surrogate/);
  });

  it('rejects timestamps Go cannot write', () => {
    expect(() => new ValueCipher().encrypt(new Timestamp('yesterday'), key, 't:')).toThrow(/RFC 3339/);
    expect(() => new ValueCipher().encrypt(new Timestamp('2020-01-02T03:04:05+24:00'), key, 't:')).toThrow(/RFC 3339/);
  });
});

describe('isEncryptedValue', () => {
  it('recognizes the sops pattern', () => {
    expect(isEncryptedValue(new ValueCipher().encrypt('x', key, 'x:'))).toBe(true);
    expect(isEncryptedValue('ENC[AES256_GCM,data:,iv:AA==,tag:AA==,type:str]')).toBe(false);
    expect(isEncryptedValue('hello')).toBe(false);
  });

  it('accepts trailing text like the sops pattern', () => {
    // The sops pattern is anchored at the start only.
    expect(isEncryptedValue(`${new ValueCipher().encrypt('x', key, 'x:')} trailing`)).toBe(true);
  });
});
