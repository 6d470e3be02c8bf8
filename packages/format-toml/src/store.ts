import {
  AzkvError,
  branch,
  ExitCode,
  isBranch,
  isComment,
  isList,
  list,
  type TreeBranch,
  type TreeBranches,
  type TreeItem,
  type TreeValue,
} from '@azkv/core';
import { embedMetadata, extractMetadata, type EncryptedDocument, type Store } from '@azkv/formats';
import { formatTomlDocument, isHeaderValue } from './emit.js';
import { parseTomlDocument } from './load.js';

const encoder = new TextEncoder();

/**
 * Orders the metadata so that its lists of tables (`azure_kv`, `key_groups`)
 * come after its plain values at every level and get `[[sops.azure_kv]]`
 * headers instead of inline tables. sops reads metadata by key, and the MAC
 * does not cover it, so its order carries no meaning.
 */
function metadataForToml(metadata: TreeBranch): TreeBranch {
  const plain: TreeItem[] = [];
  const tables: TreeItem[] = [];
  for (const item of metadata.items) {
    if (isComment(item.key) || !isHeaderValue(item.value)) {
      plain.push(item);
    } else {
      tables.push({ key: item.key, value: reorderValue(item.value) });
    }
  }
  return branch([...plain, ...tables]);
}

function reorderValue(value: TreeValue): TreeValue {
  if (isBranch(value)) {
    return metadataForToml(value);
  }
  if (isList(value)) {
    return list(value.items.map((element) => (isBranch(element) ? metadataForToml(element) : element)));
  }
  return value;
}

/**
 * A TOML 1.0.0 store. sops 3.13.2 has no TOML store, so this project defines
 * the encrypted layout. The data keeps its tables, and the metadata is a
 * trailing `[sops]` table with the same nested fields as in sops' YAML and
 * JSON files. Each master key is an entry of an array of tables such as
 * `[[sops.azure_kv]]`. Encrypted values are ordinary TOML strings.
 */
export class TomlStore implements Store {
  readonly name: string = 'toml';
  readonly extensions: readonly string[] = ['toml'];

  /**
   * Parses a plaintext TOML file into one document; see
   * {@link parseTomlDocument} for the value types. Throws ParseError with
   * the line and column for invalid TOML.
   */
  loadPlainFile(input: Uint8Array): TreeBranches {
    return [parseTomlDocument(input)];
  }

  /**
   * Parses an encrypted TOML file and removes its `[sops]` table. Throws
   * AzkvError ERR_METADATA_NOT_FOUND when there is none.
   */
  loadEncryptedFile(input: Uint8Array): EncryptedDocument {
    return extractMetadata([parseTomlDocument(input)], { flatten: 'none' });
  }

  /**
   * Writes one document as TOML. Throws AzkvError ERR_UNSUPPORTED_VALUE for
   * zero or several documents and for values TOML cannot hold, such as null.
   * The indentation option does not apply: this store does not indent.
   */
  emitPlainFile(branches: TreeBranches): Uint8Array {
    if (branches.length !== 1) {
      throw new AzkvError(
        'ERR_UNSUPPORTED_VALUE',
        `the toml format holds exactly one document, but there are ${branches.length}; ` +
          'split multi-document YAML into one file per document first',
        { exitCode: ExitCode.ErrorDumpingTree },
      );
    }
    return encoder.encode(formatTomlDocument(branches[0]!));
  }

  /**
   * Writes the document with the metadata as a trailing `[sops]` table.
   * Throws AzkvError ERR_RESERVED_KEY when the data has a top-level `sops`
   * key.
   */
  emitEncryptedFile(document: EncryptedDocument): Uint8Array {
    const branches = embedMetadata(document.branches, metadataForToml(document.metadata), { flatten: 'none' });
    return this.emitPlainFile(branches);
  }
}

/** Creates a TOML store. */
export function createTomlStore(): TomlStore {
  return new TomlStore();
}
