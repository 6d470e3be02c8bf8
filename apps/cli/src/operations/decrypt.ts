import {
  decryptTree,
  ExitCode,
  metadataFromBranch,
  unwrapDataKey,
  ValueCipher,
  verifyMac,
  type DecryptWarning,
  type KeySourceFactory,
  type TreeBranches,
} from '@azkv/core';
import type { Store } from '@azkv/formats';
import { parseWithFileName, withExitCode } from './errors.js';

/** Inputs of {@link decryptDocument}; all I/O stays with the caller. */
export interface DecryptDocumentOptions {
  /** The encrypted file content. */
  input: Uint8Array;
  /** The file name used in messages. */
  fileName: string;
  inputStore: Store;
  outputStore: Store;
  /** Key sources by metadata type, such as the `azure_kv` source. */
  keySources: KeySourceFactory[];
  /** Skip the MAC check, as `--ignore-mac` does. */
  ignoreMac?: boolean;
  indent?: number;
}

export interface DecryptDocumentResult {
  output: Uint8Array;
  branches: TreeBranches;
  warnings: DecryptWarning[];
}

/**
 * Decrypts an encrypted document as `sops decrypt` does: parse, read the
 * metadata, unwrap the data key, decrypt every value, verify the MAC unless
 * told not to, and emit the plaintext.
 */
export async function decryptDocument(options: DecryptDocumentOptions): Promise<DecryptDocumentResult> {
  // sops returns load errors of encrypted files without an exit code of
  // their own, so they exit with the generic status 1.
  const document = parseWithFileName(
    options.fileName,
    () => options.inputStore.loadEncryptedFile(options.input),
    ExitCode.ErrorGeneric,
  );
  const factories = new Map(options.keySources.map((source) => [source.type, source]));
  const metadata = metadataFromBranch(document.metadata, factories);

  const dataKey = await unwrapDataKey(metadata);

  const cipher = new ValueCipher();
  let decrypted: { branches: TreeBranches; mac: string; warnings: DecryptWarning[] };
  try {
    decrypted = decryptTree(document.branches, dataKey, metadata, { cipher });
  } catch (error) {
    throw withExitCode(error, ExitCode.ErrorDecryptingTree, `could not decrypt '${options.fileName}'`);
  }
  if (options.ignoreMac !== true) {
    verifyMac({
      storedMac: metadata.mac,
      computedMac: decrypted.mac,
      dataKey,
      lastModified: metadata.lastModified,
      cipher,
    });
  }

  const output = options.outputStore.emitPlainFile(
    decrypted.branches,
    options.indent === undefined ? {} : { indent: options.indent },
  );
  return { output, branches: decrypted.branches, warnings: decrypted.warnings };
}
