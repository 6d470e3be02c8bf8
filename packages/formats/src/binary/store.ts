import { AzkvError, branch, ExitCode, isComment, type TreeBranches } from '@azkv/core';
import { JsonStore, singleDocument, type JsonStoreOptions } from '../json/store.js';
import type { EmitOptions, EncryptedDocument, Store } from '../store.js';

/** The only key of a binary file's tree. */
export const BINARY_DATA_KEY = 'data';

/** Options of {@link createBinaryStore}, as `stores.json_binary` in `.sops.yaml`. */
export type BinaryStoreOptions = JsonStoreOptions;

const encoder = new TextEncoder();

const NOT_BINARY_HINT = 'the file is probably not an encrypted binary file; choose the output format with --output-type';

function emitError(message: string): AzkvError {
  return new AzkvError('ERR_UNSUPPORTED_VALUE', message, {
    exitCode: ExitCode.ErrorDumpingTree,
    hint: NOT_BINARY_HINT,
  });
}

/**
 * The binary store of sops 3.13.2 (`BinaryStore` in `stores/json`): any file
 * becomes a tree with the single key `data`, and the encrypted file is the
 * JSON store's output for that tree.
 *
 * The payload stays a Uint8Array from input to output, so every byte
 * survives, including bytes that are not UTF-8.
 * NOTE: sops encrypts the payload with `type:str`, because it keeps the bytes
 * in a Go string. The value cipher must tag this Uint8Array `str` (not
 * `bytes`) for sops to be able to decrypt the file.
 */
export class BinaryStore implements Store {
  readonly name: string = 'binary';
  /** Empty: sops picks this store for every path that no other store claims. */
  readonly extensions: readonly string[] = [];
  /**
   * The tree always has the one key `data`, so sops ignores the key rules
   * (suffixes and regexes) for this store and writes none into the metadata.
   */
  readonly singleValue = true;
  private readonly json: JsonStore;

  /** Throws AzkvError ERR_INVALID_INPUT for an invalid `indent`. */
  constructor(options: BinaryStoreOptions = {}) {
    this.json = new JsonStore(options);
  }

  /** Wraps a copy of the input bytes as the `data` value. Any bytes are valid input. */
  loadPlainFile(input: Uint8Array): TreeBranches {
    return [branch([{ key: BINARY_DATA_KEY, value: input.slice() }])];
  }

  /** Reads the JSON envelope, as the JSON store does. */
  loadEncryptedFile(input: Uint8Array): EncryptedDocument {
    return this.json.loadEncryptedFile(input);
  }

  /**
   * Returns the bytes of the first `data` entry: a copy of a Uint8Array, or a
   * string encoded as UTF-8. Throws AzkvError ERR_UNSUPPORTED_VALUE when the
   * tree has no `data` entry, when that entry contains another type, or when
   * there is not exactly one document.
   */
  emitPlainFile(branches: TreeBranches, _options?: EmitOptions): Uint8Array {
    let document;
    try {
      document = singleDocument(branches, this.name);
    } catch (error) {
      throw error instanceof AzkvError ? emitError(error.message) : error;
    }
    for (const item of document.items) {
      if (isComment(item.key) || item.key !== BINARY_DATA_KEY) {
        continue;
      }
      if (item.value instanceof Uint8Array) {
        return item.value.slice();
      }
      if (typeof item.value === 'string') {
        return encoder.encode(item.value);
      }
      throw emitError(
        `the '${BINARY_DATA_KEY}' entry has the type ${describe(item.value)}, but binary output expects a string or bytes`,
      );
    }
    throw emitError(`the '${BINARY_DATA_KEY}' entry is missing, so there is no binary content to write`);
  }

  /** Writes the JSON envelope with `data` and `sops`, as the JSON store does. */
  emitEncryptedFile(document: EncryptedDocument, options: EmitOptions = {}): Uint8Array {
    return this.json.emitEncryptedFile(document, options);
  }
}

/** Names the type of a tree value in sops' terms for messages. */
function describe(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
    default:
      break;
  }
  if (value === null) {
    return 'null';
  }
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'branch') {
    return 'mapping';
  }
  if (kind === 'list') {
    return 'list';
  }
  return typeof kind === 'string' ? kind : typeof value;
}

/**
 * Tells whether a store produces a tree with one fixed key, like the binary
 * store. sops then ignores suffix and regex rules and leaves out the default
 * `unencrypted_suffix` when it encrypts.
 */
export function isSingleValueStore(store: Store): boolean {
  return (store as { singleValue?: unknown }).singleValue === true;
}

/** Creates a binary store; `options.indent` is the indentation of the encrypted JSON envelope. */
export function createBinaryStore(options: BinaryStoreOptions = {}): BinaryStore {
  return new BinaryStore(options);
}

/** The binary store with sops' default envelope layout (tab indentation). */
export const binaryStore: BinaryStore = createBinaryStore();
