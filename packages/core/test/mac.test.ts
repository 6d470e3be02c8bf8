import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { ValueCipher } from '../src/cipher.js';
import { AzkvError, MacError } from '../src/errors.js';
import {
  MAC_ONLY_ENCRYPTED_INITIALIZATION,
  MacHasher,
  decryptMac,
  encryptMac,
  formatLastModified,
  normalizeLastModified,
  verifyMac,
} from '../src/mac.js';
import { Comment, branch, type TreeBranch, type TreeItem } from '../src/tree.js';
import { decryptTree } from '../src/tree-cipher.js';
import { encryptedStrings, hexKey, loadExpectedFiles, storedMac, type ExpectedFile } from './helpers/interop.js';

const key = new Uint8Array(32).fill(3);

function macError(action: () => unknown): MacError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(MacError);
    return error as MacError;
  }
  throw new Error('expected a MacError');
}

/**
 * Rebuilds the data tree of a fixture file from its expected leaves and the
 * ENC strings of the file. The fixtures hold mappings of strings and comments only.
 */
function treeOf(file: ExpectedFile): TreeBranch {
  const texts = encryptedStrings(file.fileText);
  let next = 0;
  const root = branch();
  for (const leaf of file.values) {
    const stored = leaf.encrypted ? (texts[next++] ?? '') : leaf.plaintext;
    let container = root;
    const keys = leaf.path.map(String);
    const parents = leaf.type === 'comment' ? keys : keys.slice(0, -1);
    for (const parentKey of parents) {
      let item = container.items.find((candidate) => candidate.key === parentKey);
      if (item === undefined) {
        item = { key: parentKey, value: branch() };
        container.items.push(item);
      }
      container = item.value as TreeBranch;
    }
    const item: TreeItem =
      leaf.type === 'comment' ? { key: new Comment(stored), value: null } : { key: keys[keys.length - 1] ?? '', value: stored };
    container.items.push(item);
  }
  return root;
}

describe('sops fixture MACs', () => {
  for (const file of loadExpectedFiles()) {
    describe(file.name, () => {
      const dataKey = hexKey(file.data_key_hex);

      it('hashes the MAC inputs to the computed MAC', () => {
        const hasher = new MacHasher(file.mac_only_encrypted);
        for (const leaf of file.values.filter((candidate) => candidate.in_mac)) {
          hasher.update(new TextEncoder().encode(leaf.mac_input ?? ''));
        }
        expect(hasher.digest()).toBe(file.mac_computed);
      });

      it('decrypts the tree to the computed MAC', () => {
        const result = decryptTree([treeOf(file)], dataKey, { unencryptedSuffix: '_unencrypted' });
        expect(result.mac).toBe(file.mac_computed);
        const plainComments = file.values.filter((leaf) => leaf.type === 'comment' && !leaf.encrypted);
        expect(result.warnings.map((warning) => warning.path)).toEqual(plainComments.map(() => ':'));
      });

      it('normalizes lastmodified to the MAC additional data', () => {
        expect(normalizeLastModified(file.lastmodified)).toBe(file.mac_aad);
      });

      if (file.mac_stored === null) {
        it('reports the missing MAC', () => {
          expect(storedMac(file.fileText)).toBeUndefined();
          const error = macError(() =>
            verifyMac({ storedMac: '', computedMac: file.mac_computed, dataKey, lastModified: file.lastmodified }),
          );
          expect(error.code).toBe('ERR_MAC_NOT_FOUND');
          expect(error.exitCode).toBe(51);
          expect(error.message).toBe(`MAC mismatch: the file has no MAC, computed ${file.mac_computed}.`);
          expect(error.hint).toContain('--ignore-mac');
        });
      } else {
        it('decrypts the stored MAC with lastmodified', () => {
          const stored = storedMac(file.fileText) ?? '';
          expect(decryptMac(stored, dataKey, file.lastmodified)).toBe(file.mac_stored);
          expect(() =>
            verifyMac({ storedMac: stored, computedMac: file.mac_computed, dataKey, lastModified: file.lastmodified }),
          ).not.toThrow();
        });
      }
    });
  }
});

describe('verifyMac', () => {
  const lastModified = '2026-05-22T20:16:23Z';
  const computed = 'A'.repeat(128);
  const stored = encryptMac(computed, key, lastModified);

  it('accepts the matching MAC', () => {
    expect(() => verifyMac({ storedMac: stored, computedMac: computed, dataKey: key, lastModified })).not.toThrow();
  });

  it('reports both MACs on mismatch', () => {
    const other = 'B'.repeat(128);
    const error = macError(() => verifyMac({ storedMac: stored, computedMac: other, dataKey: key, lastModified }));
    expect(error.code).toBe('ERR_MAC_MISMATCH');
    expect(error.exitCode).toBe(51);
    expect(error.message).toContain(`the file has ${computed}, computed ${other}`);
  });

  it('compares case-sensitively like sops', () => {
    const error = macError(() =>
      verifyMac({ storedMac: stored, computedMac: computed.toLowerCase(), dataKey: key, lastModified }),
    );
    expect(error.code).toBe('ERR_MAC_MISMATCH');
  });

  it('rejects a MAC of another length', () => {
    const error = macError(() => verifyMac({ storedMac: stored, computedMac: 'A', dataKey: key, lastModified }));
    expect(error.code).toBe('ERR_MAC_MISMATCH');
  });

  it('fails when lastmodified changed', () => {
    const error = macError(() =>
      verifyMac({ storedMac: stored, computedMac: computed, dataKey: key, lastModified: '2026-05-22T20:16:24Z' }),
    );
    expect(error.code).toBe('ERR_MAC_MISMATCH');
    expect(error.message).toContain('Could not decrypt the MAC with lastmodified 2026-05-22T20:16:24Z');
  });

  it('fails with another data key', () => {
    const error = macError(() =>
      verifyMac({ storedMac: stored, computedMac: computed, dataKey: new Uint8Array(32), lastModified }),
    );
    expect(error.code).toBe('ERR_MAC_MISMATCH');
  });

  it('rejects a MAC that is not a string value', () => {
    const numeric = new ValueCipher().encrypt(5n, key, lastModified);
    const error = macError(() => verifyMac({ storedMac: numeric, computedMac: computed, dataKey: key, lastModified }));
    expect(error.message).toBe('The stored MAC is not a string value.');
  });

  it('accepts lastmodified with an equivalent offset', () => {
    const withOffset = encryptMac(computed, key, new Date(Date.UTC(2026, 4, 22, 20, 16, 23, 999)));
    expect(decryptMac(withOffset, key, '2026-05-22T20:16:23.5+00:00')).toBe(computed);
  });
});

describe('MacHasher', () => {
  it('starts with the SHA-256 of "sops" for mac_only_encrypted', () => {
    const expected = createHash('sha256').update('sops').digest();
    expect(Buffer.from(MAC_ONLY_ENCRYPTED_INITIALIZATION).equals(expected)).toBe(true);
  });

  it('writes uppercase hex SHA-512', () => {
    const hasher = new MacHasher(false);
    hasher.update(new TextEncoder().encode('bar'));
    expect(hasher.digest()).toBe(createHash('sha512').update('bar').digest('hex').toUpperCase());
  });

  it('gives different MACs with mac_only_encrypted', () => {
    const all = new MacHasher(false);
    const only = new MacHasher(true);
    expect(all.digest()).not.toBe(only.digest());
  });
});

describe('lastmodified', () => {
  it('formats UTC times without fractions', () => {
    expect(formatLastModified(new Date(Date.UTC(2026, 4, 22, 20, 16, 23, 999)))).toBe('2026-05-22T20:16:23Z');
    expect(formatLastModified(new Date(Date.UTC(2019, 7, 29, 2, 3, 1)))).toBe('2019-08-29T02:03:01Z');
  });

  it('rejects invalid dates', () => {
    expect(() => formatLastModified(new Date(Number.NaN))).toThrow(AzkvError);
    expect(() => formatLastModified(new Date(Date.UTC(10000, 0, 1)))).toThrow(/year must be 0 to 9999/);
  });

  it('normalizes like Go time.RFC3339', () => {
    expect(normalizeLastModified('2019-08-29T22:42:03Z')).toBe('2019-08-29T22:42:03Z');
    expect(normalizeLastModified('2019-08-29T22:42:03.123+00:00')).toBe('2019-08-29T22:42:03Z');
    expect(normalizeLastModified('2019-08-29T22:42:03+02:00')).toBe('2019-08-29T22:42:03+02:00');
  });

  it('rejects text that is not RFC 3339', () => {
    let caught: unknown;
    try {
      normalizeLastModified('yesterday');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AzkvError);
    expect((caught as AzkvError).code).toBe('ERR_METADATA');
    expect((caught as AzkvError).message).toContain('"yesterday"');
  });
});
