import { AzkvError, ExitCode, type TreeBranches, type TreeValue } from '@azkv/core';
import { embedMetadata, extractMetadata } from '../embed.js';
import type { EmitOptions, EncryptedDocument, Store } from '../store.js';
import { formatJsonValue } from './emit.js';
import { parseJsonTree } from './parse.js';

/** Options of {@link createJsonStore}, as `stores.json` in `.sops.yaml`. */
export interface JsonStoreOptions {
  /**
   * Spaces per indentation level. -1 or undefined selects one tab, the sops
   * default. Values below -1 are rejected, as sops rejects them.
   */
  indent?: number;
}

const encoder = new TextEncoder();

/**
 * Returns the indentation string for an `indent` setting: a tab for -1 or
 * undefined, otherwise that many spaces. Throws AzkvError ERR_INVALID_INPUT
 * for anything else.
 */
export function jsonIndentString(indent: number | undefined): string {
  if (indent === undefined || indent === -1) {
    return '\t';
  }
  if (!Number.isSafeInteger(indent) || indent < -1) {
    throw new AzkvError(
      'ERR_INVALID_INPUT',
      `invalid JSON indent ${String(indent)}: use -1 for a tab or a whole number of spaces from 0 up`,
      { exitCode: ExitCode.ErrorReadingConfig },
    );
  }
  return ' '.repeat(indent);
}

/** Returns the only document, because a JSON file cannot contain more than one. */
export function singleDocument(branches: TreeBranches, storeName: string): TreeBranches[number] {
  if (branches.length !== 1 || branches[0] === undefined) {
    // sops writes only the first document here and drops the others silently.
    throw new AzkvError(
      'ERR_UNSUPPORTED_VALUE',
      `the ${storeName} format holds exactly one document, but there are ${branches.length}; ` +
        'split multi-document YAML into one file per document first',
      { exitCode: ExitCode.ErrorDumpingTree },
    );
  }
  return branches[0];
}

/**
 * The JSON store of sops 3.13.2 (`stores/json`). Output matches sops byte for
 * byte: key order kept, Go's string escapes and float format, the layout of
 * Go's `json.Indent`, and a final newline.
 */
export class JsonStore implements Store {
  readonly name: string = 'json';
  readonly extensions: readonly string[] = ['json'];
  private readonly indent: string;

  /** Throws AzkvError ERR_INVALID_INPUT for an invalid `indent`. */
  constructor(options: JsonStoreOptions = {}) {
    this.indent = jsonIndentString(options.indent);
  }

  /**
   * Parses a plaintext JSON object. Throws ParseError for invalid JSON, a
   * top level that is not an object, content after it, and repeated keys.
   */
  loadPlainFile(input: Uint8Array): TreeBranches {
    return [parseJsonTree(input, 'all')];
  }

  /**
   * Parses an encrypted JSON file and removes its `sops` object. Repeated
   * data keys are kept in order, as sops keeps them (the MAC covers both),
   * but repeated keys in the metadata are a ParseError. Throws AzkvError
   * ERR_METADATA_NOT_FOUND when there is no `sops` object.
   */
  loadEncryptedFile(input: Uint8Array): EncryptedDocument {
    return extractMetadata([parseJsonTree(input, 'metadata')], { flatten: 'none' });
  }

  /** Writes one document; throws AzkvError ERR_UNSUPPORTED_VALUE for zero or several documents. */
  emitPlainFile(branches: TreeBranches, options: EmitOptions = {}): Uint8Array {
    const document = singleDocument(branches, this.name);
    return encoder.encode(`${formatJsonValue(document, this.indentFor(options))}\n`);
  }

  /** Writes the document with the metadata as a trailing top-level `sops` object. */
  emitEncryptedFile(document: EncryptedDocument, options: EmitOptions = {}): Uint8Array {
    const branches = embedMetadata(document.branches, document.metadata, { flatten: 'none' });
    return this.emitPlainFile(branches, options);
  }

  /**
   * Writes a single value for `--extract`, as sops' `EmitValue` does: the
   * same layout as a file, but without the final newline.
   */
  emitValue(value: TreeValue, options: EmitOptions = {}): Uint8Array {
    return encoder.encode(formatJsonValue(value, this.indentFor(options)));
  }

  private indentFor(options: EmitOptions): string {
    return options.indent === undefined ? this.indent : jsonIndentString(options.indent);
  }
}

/** Creates a JSON store; `options.indent` is the default for every emit call. */
export function createJsonStore(options: JsonStoreOptions = {}): JsonStore {
  return new JsonStore(options);
}

/** The JSON store with sops' default layout (tab indentation). */
export const jsonStore: JsonStore = createJsonStore();
