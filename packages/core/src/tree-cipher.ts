/**
 * Encryption and decryption of whole trees, with the MAC computed on the way
 * (sops `Tree.Encrypt` and `Tree.Decrypt`).
 */
import { ValueCipher } from './cipher.js';
import { AzkvError, DecryptionError, ExitCode } from './errors.js';
import { MacHasher } from './mac.js';
import type { EncryptionRules } from './metadata.js';
import { CompiledRules } from './rules.js';
import { Comment, type TreeBranches } from './tree.js';
import { describeType, encodeValue, type DecryptedValue } from './value-bytes.js';
import { additionalDataForPath, walkTree, type WalkLeaf } from './walk.js';

/** Options of {@link encryptTree} and {@link decryptTree}. */
export interface TreeCipherOptions {
  /**
   * The cipher to use. Pass the instance that decrypted the file to reuse the
   * IVs of unchanged values; a new one is created otherwise.
   */
  cipher?: ValueCipher;
}

/** Result of {@link encryptTree}. */
export interface EncryptTreeResult {
  /** A new tree with the selected values and comments encrypted. */
  branches: TreeBranches;
  /** The MAC of the plaintext values, uppercase hex; encrypt it with `encryptMac`. */
  mac: string;
}

/** A problem that decryption tolerated, reported to the caller instead of logged. */
export interface DecryptWarning {
  /** The path (additional data) of the comment concerned. */
  path: string;
  message: string;
}

/** Result of {@link decryptTree}. */
export interface DecryptTreeResult {
  /** A new tree with the encrypted values and comments decrypted. */
  branches: TreeBranches;
  /** The MAC of the decrypted values; check it with `verifyMac`. */
  mac: string;
  warnings: DecryptWarning[];
}

function compile(rules: Partial<EncryptionRules> | CompiledRules): CompiledRules {
  return rules instanceof CompiledRules ? rules : new CompiledRules(rules);
}

/** Copies mutable leaves, so that the new tree shares no state with the input. */
function copyLeaf(leaf: WalkLeaf): WalkLeaf {
  if (leaf instanceof Comment) {
    return new Comment(leaf.value, leaf.inline);
  }
  if (leaf instanceof Uint8Array) {
    return leaf.slice();
  }
  return leaf;
}

/**
 * Encrypts the values and comments that the rules select and returns a new
 * tree and the MAC. The MAC covers every value (or only the encrypted ones
 * with `macOnlyEncrypted`), never a comment.
 *
 * The rules are applied as given: pass them through `normalizeRules` first so
 * that the default `_unencrypted` suffix applies when no rule is set.
 *
 * sops 3.13.2 replaces an encrypted comment inside a list by a plain string
 * element, which it cannot verify on decryption. Here an encrypted comment
 * stays a comment wherever it is, which sops reads back correctly.
 *
 * @throws AzkvError `ERR_INVALID_REGEX` for an invalid regex, and when an
 *   encrypted comment matches `unencrypted_comment_regex`, because that comment
 *   could not be decrypted again.
 * @throws AzkvError `ERR_UNSUPPORTED_VALUE` for a value sops cannot store.
 */
export function encryptTree(
  branches: TreeBranches,
  dataKey: Uint8Array,
  rules: Partial<EncryptionRules> | CompiledRules,
  options: TreeCipherOptions = {},
): EncryptTreeResult {
  const compiled = compile(rules);
  const cipher = options.cipher ?? new ValueCipher();
  const hasher = new MacHasher(compiled.macOnlyEncrypted);

  const encrypted = walkTree(branches, (leaf, path, comments) => {
    const isComment = leaf instanceof Comment;
    const additionalData = additionalDataForPath(path);
    const shouldEncrypt = compiled.shouldEncrypt(path, comments, isComment);

    if (!isComment && (shouldEncrypt || !compiled.macOnlyEncrypted)) {
      hasher.update(encodeValue(leaf, additionalData).bytes);
    }
    if (!shouldEncrypt) {
      return copyLeaf(leaf);
    }

    const text = cipher.encrypt(leaf, dataKey, additionalData);
    if (!isComment) {
      return text;
    }
    if (compiled.matchesUnencryptedComment(text)) {
      throw new AzkvError(
        'ERR_INVALID_REGEX',
        `The unencrypted_comment_regex ${JSON.stringify(compiled.unencryptedCommentRegex)} matches the encrypted ` +
          `comment at path "${additionalData}", so the file could not be decrypted again.`,
        {
          exitCode: ExitCode.ErrorEncryptingTree,
          hint: 'Choose a regex that cannot match encrypted text of the form ENC[AES256_GCM,data:...].',
        },
      );
    }
    return new Comment(text, leaf.inline);
  });
  return { branches: encrypted, mac: hasher.digest() };
}

/**
 * Decrypts the values and comments that the rules select and returns a new
 * tree, the MAC of its values and warnings.
 *
 * A comment that cannot be decrypted is kept as it is, with a warning, as
 * sops does: files from sops versions before comment encryption have plain
 * comments. Unlike sops, the decrypted comment keeps its `inline` flag.
 *
 * sops 3.13.2 stores an encrypted comment inside a list as a string element.
 * Such an element becomes a comment again here and stays out of the MAC, as
 * it was when sops computed the MAC. sops itself counts it, so it rejects
 * its own file.
 *
 * @throws DecryptionError when a value that should be encrypted is not an
 *   encrypted string or fails to decrypt; AzkvError `ERR_INVALID_REGEX` for an
 *   invalid regex and `ERR_UNSUPPORTED_VALUE` for a value sops cannot store.
 */
export function decryptTree(
  branches: TreeBranches,
  dataKey: Uint8Array,
  rules: Partial<EncryptionRules> | CompiledRules,
  options: TreeCipherOptions = {},
): DecryptTreeResult {
  const compiled = compile(rules);
  const cipher = options.cipher ?? new ValueCipher();
  const hasher = new MacHasher(compiled.macOnlyEncrypted);
  const warnings: DecryptWarning[] = [];

  const decrypted = walkTree(branches, (leaf, path, comments, container) => {
    const isComment = leaf instanceof Comment;
    const additionalData = additionalDataForPath(path);
    const shouldDecrypt = compiled.shouldEncrypt(path, comments, isComment);

    if (leaf instanceof Comment) {
      if (!shouldDecrypt) {
        return copyLeaf(leaf);
      }
      return decryptComment(leaf, cipher, dataKey, additionalData, warnings);
    }

    const value: DecryptedValue | WalkLeaf = shouldDecrypt ? decryptLeaf(leaf, cipher, dataKey, additionalData) : copyLeaf(leaf);
    if (value instanceof Comment && container === 'mapping') {
      throw new DecryptionError(
        `The value at path "${additionalData}" decrypts to a comment (type comment), which cannot be a mapping value.`,
      );
    }
    if (!(value instanceof Comment) && (shouldDecrypt || !compiled.macOnlyEncrypted)) {
      hasher.update(encodeValue(value, additionalData).bytes);
    }
    return value;
  });
  return { branches: decrypted, mac: hasher.digest(), warnings };
}

function decryptLeaf(leaf: WalkLeaf, cipher: ValueCipher, dataKey: Uint8Array, additionalData: string): DecryptedValue {
  let text: string;
  if (typeof leaf === 'string') {
    text = leaf;
  } else if (leaf instanceof Uint8Array) {
    // sops reads a byte leaf as a string before decrypting it.
    text = Buffer.from(leaf).toString('utf8');
  } else {
    throw new DecryptionError(
      `The value at path "${additionalData}" should be encrypted, but it is a ${describeType(leaf)}, ` +
        'not an ENC[...] string.',
      {
        hint:
          'The file was changed after encryption, or its encryption rules do not match its content. ' +
          'Restore the file or encrypt this value again.',
      },
    );
  }
  return cipher.decrypt(text, dataKey, additionalData);
}

function decryptComment(
  comment: Comment,
  cipher: ValueCipher,
  dataKey: Uint8Array,
  additionalData: string,
  warnings: DecryptWarning[],
): Comment {
  let value: DecryptedValue;
  try {
    value = cipher.decrypt(comment.value, dataKey, additionalData);
  } catch (error) {
    if (!(error instanceof DecryptionError)) {
      throw error;
    }
    warnings.push({
      path: additionalData,
      message:
        `The comment at path "${additionalData}" could not be decrypted and was kept as it is. ` +
        'This is expected in files written by sops versions that did not encrypt comments.',
    });
    return copyLeaf(comment) as Comment;
  }
  if (value instanceof Comment) {
    return new Comment(value.value, comment.inline);
  }
  if (typeof value === 'string') {
    // sops accepts a comment that was encrypted with type str.
    return new Comment(value, comment.inline);
  }
  throw new DecryptionError(
    `The comment at path "${additionalData}" decrypts to a value of type ${describeType(value)}, not to text.`,
  );
}
