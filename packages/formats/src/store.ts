import type { TreeBranch, TreeBranches } from '@azkv/core';

/** Options shared by the emitters. */
export interface EmitOptions {
  /** Indentation in spaces; each store has the default sops uses. */
  indent?: number;
}

/** The content of an encrypted file as a store reads it. */
export interface EncryptedDocument {
  /** The data documents, with the metadata removed. */
  branches: TreeBranches;
  /**
   * The `sops` metadata as a nested mapping, the way the YAML and JSON stores
   * hold it. Stores with flat metadata (INI, dotenv) unflatten it first; the
   * values stay as written (strings in flat stores).
   */
  metadata: TreeBranch;
}

/**
 * A file format. A store turns bytes into a tree and back; it never touches
 * the file system, so the CLI and library callers own all I/O.
 */
export interface Store {
  /** The name used with `--input-type` and `--output-type`. */
  readonly name: string;
  /** File name endings (without the dot) that select this store. */
  readonly extensions: readonly string[];
  /** Parses a plaintext file; throws ParseError with a position for bad input. */
  loadPlainFile(input: Uint8Array): TreeBranches;
  /** Parses an encrypted file; throws AzkvError ERR_METADATA_NOT_FOUND when it has no `sops` metadata. */
  loadEncryptedFile(input: Uint8Array): EncryptedDocument;
  /** Writes plaintext documents in the layout sops writes them. */
  emitPlainFile(branches: TreeBranches, options?: EmitOptions): Uint8Array;
  /** Writes encrypted documents with the metadata embedded as sops embeds it. */
  emitEncryptedFile(document: EncryptedDocument, options?: EmitOptions): Uint8Array;
}
