import {
  AzkvError,
  encryptMac,
  encryptTree,
  ExitCode,
  formatLastModified,
  generateDataKey,
  isComment,
  metadataToBranch,
  normalizeRules,
  compileEncryptionRules,
  SOPS_FORMAT_VERSION,
  ValueCipher,
  wrapDataKey,
  type EncryptionRules,
  type KeyGroup,
  type Metadata,
  type TreeBranches,
} from '@azkv/core';
import { isSingleValueStore, type Store } from '@azkv/formats';
import { parseWithFileName, withExitCode } from './errors.js';

/** Inputs of {@link encryptDocument}; all I/O stays with the caller. */
export interface EncryptDocumentOptions {
  /** The plaintext file content. */
  input: Uint8Array;
  /** The file name used in messages. */
  fileName: string;
  inputStore: Store;
  outputStore: Store;
  /** The master keys; every group must hold at least one key. */
  keyGroups: KeyGroup[];
  shamirThreshold?: number;
  rules?: Partial<EncryptionRules>;
  /** Output indentation, when set by `--indent` or `.sops.yaml`. */
  indent?: number;
  /** The time written as `lastmodified`; defaults to now. */
  now?: Date;
}

function hasMetadataKey(store: Store, document: TreeBranches[number]): boolean {
  return document.items.some((item) => {
    if (isComment(item.key)) {
      return false;
    }
    // Flat stores keep the metadata as `sops_`-prefixed top-level keys.
    return store.name === 'dotenv' ? item.key.startsWith('sops_') : item.key === 'sops';
  });
}

const RULE_FLAGS: ReadonlyArray<[keyof EncryptionRules, string]> = [
  ['unencryptedSuffix', 'an unencrypted suffix'],
  ['encryptedSuffix', 'an encrypted suffix'],
  ['unencryptedRegex', 'an unencrypted regex'],
  ['encryptedRegex', 'an encrypted regex'],
  ['encryptedCommentRegex', 'an encrypted comment regex'],
];

/**
 * Drops the encryption rules for a single-value store such as binary, because
 * its one value must always be encrypted. Adds a warning for each rule that
 * was set, as sops does. Like sops, it does not warn about the unencrypted
 * comment regex and mac_only_encrypted, which cannot matter there.
 */
function rulesForSingleValueStore(store: Store, rules: Partial<EncryptionRules>, warnings: string[]): EncryptionRules {
  for (const [name, description] of RULE_FLAGS) {
    const value = rules[name];
    if (typeof value === 'string' && value !== '') {
      warnings.push(`${description} has no effect with the ${store.name} store, whose single value is always encrypted; it was ignored`);
    }
  }
  return normalizeRules({}, { applyDefaultSuffix: false });
}

/** Result of {@link encryptDocument}. */
export interface EncryptDocumentResult {
  output: Uint8Array;
  /** Settings that were ignored, for the caller to report. */
  warnings: string[];
}

/**
 * Encrypts a plaintext document as `sops encrypt` does: parse, check, create
 * and wrap a data key, encrypt the values, add the encrypted MAC and the
 * metadata, and emit. Returns the encrypted file content.
 */
export async function encryptDocument(options: EncryptDocumentOptions): Promise<EncryptDocumentResult> {
  const warnings: string[] = [];
  const rules = isSingleValueStore(options.inputStore)
    ? rulesForSingleValueStore(options.inputStore, options.rules ?? {}, warnings)
    : normalizeRules(options.rules ?? {});
  // Compiling first reports an invalid regex before any vault request.
  const compiledRules = compileEncryptionRules(rules);

  const branches = parseWithFileName(options.fileName, () => options.inputStore.loadPlainFile(options.input));
  if (branches.length === 0) {
    throw new AzkvError('ERR_INVALID_INPUT', `'${options.fileName}' is empty: it must contain at least one document`, {
      exitCode: ExitCode.NeedAtLeastOneDocument,
    });
  }
  if (hasMetadataKey(options.outputStore, branches[0]!)) {
    throw new AzkvError(
      'ERR_ALREADY_ENCRYPTED',
      `'${options.fileName}' has a top-level 'sops' entry (or, for dotenv, 'sops_' keys), so it looks encrypted already`,
      {
        exitCode: ExitCode.FileAlreadyEncrypted,
        hint: "if the file is plaintext, rename that entry; to change an encrypted file, decrypt it first",
      },
    );
  }

  const metadata: Metadata = {
    ...rules,
    lastModified: '',
    mac: '',
    version: SOPS_FORMAT_VERSION,
    keyGroups: options.keyGroups,
    shamirThreshold: options.shamirThreshold ?? 0,
  };
  const dataKey = generateDataKey();
  await wrapDataKey(metadata, dataKey);

  const cipher = new ValueCipher();
  let encrypted: { branches: TreeBranches; mac: string };
  try {
    encrypted = encryptTree(branches, dataKey, compiledRules, { cipher });
  } catch (error) {
    throw withExitCode(error, ExitCode.ErrorEncryptingTree, `could not encrypt '${options.fileName}'`);
  }
  metadata.lastModified = formatLastModified(options.now ?? new Date());
  metadata.mac = encryptMac(encrypted.mac, dataKey, metadata.lastModified, cipher);

  const output = options.outputStore.emitEncryptedFile(
    { branches: encrypted.branches, metadata: metadataToBranch(metadata) },
    options.indent === undefined ? {} : { indent: options.indent },
  );
  return { output, warnings };
}
