import { AzkvError, branch, ExitCode, isBranch, isComment, type TreeBranch, type TreeBranches } from '@azkv/core';
import { flattenBranch, unflattenBranch } from './flatten.js';
import type { EncryptedDocument } from './store.js';

/** The top-level key that contains the metadata. */
export const METADATA_KEY = 'sops';
/** The prefix of metadata keys in fully flattened stores (dotenv). */
export const METADATA_PREFIX = `${METADATA_KEY}_`;

/**
 * The way a store embeds the metadata, as in sops' `stores/metadata.go`:
 * - `none`: a nested `sops` mapping (YAML, JSON, binary);
 * - `below-top`: a `sops` section holding flattened keys (INI);
 * - `full`: top-level keys with the `sops_` prefix (dotenv).
 */
export type MetadataFlatten = 'none' | 'below-top' | 'full';

export interface EmbedOptions {
  flatten: MetadataFlatten;
  /**
   * Write newlines in flattened string values as the two characters `\n`,
   * and read them back. The INI store needs this for multi-line PGP blocks.
   */
  escapeNewlines?: boolean;
}

function reservedKeyError(key: string, prefix: boolean): AzkvError {
  const what = prefix
    ? `starts with the prefix '${METADATA_PREFIX}', which is reserved for sops metadata`
    : `is reserved for sops metadata`;
  return new AzkvError('ERR_RESERVED_KEY', `the key '${key}' ${what}`, {
    exitCode: ExitCode.ErrorEncryptingTree,
    hint: 'rename the key before encrypting the file',
  });
}

/**
 * Appends the metadata to every document, as sops' `SerializeMetadata` does.
 * `metadata` is the nested metadata mapping built by `@azkv/core`.
 * Throws ERR_RESERVED_KEY when a document already has the metadata key (or,
 * for `full`, a key with the `sops_` prefix).
 */
export function embedMetadata(branches: TreeBranches, metadata: TreeBranch, options: EmbedOptions): TreeBranches {
  let entries = metadata;
  if (options.flatten !== 'none') {
    entries = flattenBranch(metadata, options.flatten === 'full' ? METADATA_PREFIX : '');
    if (options.escapeNewlines === true) {
      entries = branch(
        entries.items.map((item) =>
          typeof item.value === 'string' ? { key: item.key, value: item.value.replaceAll('\n', '\\n') } : item,
        ),
      );
    }
  }
  const appended = options.flatten === 'full' ? entries.items : [{ key: METADATA_KEY, value: entries }];

  return branches.map((document) => {
    for (const item of document.items) {
      if (isComment(item.key)) {
        continue;
      }
      if (options.flatten === 'full' ? item.key.startsWith(METADATA_PREFIX) : item.key === METADATA_KEY) {
        throw reservedKeyError(item.key, options.flatten === 'full');
      }
    }
    return branch([...document.items, ...appended.map((item) => ({ ...item }))]);
  });
}

/**
 * Removes the metadata from the documents and returns it nested, as sops'
 * `ExtractMetadata` does: the metadata of the first document counts, the
 * copies in later documents are dropped.
 * Throws ERR_METADATA_NOT_FOUND when the first document has none.
 */
export function extractMetadata(branches: TreeBranches, options: EmbedOptions): EncryptedDocument {
  let metadata: TreeBranch | undefined;
  let documents: TreeBranches;

  if (options.flatten === 'full') {
    const flat = branch();
    documents = branches.map((document, index) => {
      if (index !== 0) {
        return document;
      }
      const kept = branch();
      for (const item of document.items) {
        if (!isComment(item.key) && item.key.startsWith(METADATA_PREFIX)) {
          flat.items.push({ key: item.key.slice(METADATA_PREFIX.length), value: item.value });
        } else {
          kept.items.push(item);
        }
      }
      return kept;
    });
    metadata = flat.items.length > 0 ? flat : undefined;
  } else {
    documents = branches.map((document, index) => {
      const kept = branch();
      for (const item of document.items) {
        if (isComment(item.key) || item.key !== METADATA_KEY) {
          kept.items.push(item);
          continue;
        }
        if (index !== 0) {
          continue;
        }
        if (metadata !== undefined) {
          throw new AzkvError('ERR_METADATA', `the file has more than one '${METADATA_KEY}' entry`);
        }
        if (!isBranch(item.value)) {
          throw new AzkvError('ERR_METADATA', `the '${METADATA_KEY}' entry is not a mapping`);
        }
        metadata = item.value;
      }
      return kept;
    });
  }

  if (metadata === undefined) {
    throw new AzkvError('ERR_METADATA_NOT_FOUND', 'sops metadata not found: the file is not encrypted', {
      hint: 'encrypt the file first, or check that --input-type matches its format',
    });
  }
  if (options.flatten !== 'none') {
    if (options.escapeNewlines === true) {
      metadata = branch(
        metadata.items.map((item) =>
          typeof item.value === 'string' ? { key: item.key, value: item.value.replaceAll('\\n', '\n') } : item,
        ),
      );
    }
    metadata = unflattenBranch(metadata);
  }
  return { branches: documents, metadata };
}
