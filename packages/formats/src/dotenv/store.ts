import { isComment, type TreeBranch, type TreeBranches } from '@azkv/core';
import { embedMetadata, extractMetadata, METADATA_PREFIX, type EmbedOptions } from '../embed.js';
import type { EncryptedDocument, Store } from '../store.js';
import { decodeUtf8 } from '../ini/text.js';
import { parseDotenv } from './parser.js';
import { writeDotenv } from './writer.js';

/** Options of {@link createDotenvStore}. */
export interface DotenvStoreOptions {
  /**
   * Whether `loadPlainFile` rejects keys with the `sops_` prefix, which is
   * reserved for the metadata. Defaults to true. With false, such keys load
   * like any other, as in sops' `LoadPlainFile`, and the caller must check
   * for them.
   */
  rejectReservedKeys?: boolean;
}

/** The metadata layout of sops 3.13.2 dotenv files: top-level `sops_` keys. */
const METADATA_OPTIONS: EmbedOptions = { flatten: 'full' };

/**
 * Creates the dotenv store, which reads and writes sops' own dotenv format
 * byte for byte as sops 3.13.2 does (see `parseDotenv` for the rules). The
 * tree is one branch of string values and comments. The metadata is stored
 * as flattened keys such as `sops_azure_kv__list_0__map_enc`.
 *
 * `loadPlainFile` rejects a value whose quote closes on a later line, which
 * sops would split into separate entries. `loadEncryptedFile` reads every
 * line as sops does.
 *
 * A byte order mark stays part of the first key, as in sops, because the key
 * is part of the encrypted value's authenticated data.
 */
export function createDotenvStore(options: DotenvStoreOptions = {}): Store {
  const rejectReservedKeys = options.rejectReservedKeys ?? true;

  const emitPlainFile = (branches: TreeBranches): Uint8Array => new TextEncoder().encode(writeDotenv(branches));

  return {
    name: 'dotenv',
    extensions: ['env'],

    loadPlainFile(input: Uint8Array): TreeBranches {
      return [parseDotenv(decodeUtf8(input, 'dotenv'), { rejectReservedKeys, rejectMultilineQuotes: true })];
    },

    loadEncryptedFile(input: Uint8Array): EncryptedDocument {
      // An encrypted file is read exactly as sops reads it, so that every file
      // sops can decrypt loads here too.
      const document = parseDotenv(decodeUtf8(input, 'dotenv'), { rejectReservedKeys: false, rejectMultilineQuotes: false });
      return extractMetadata([document], METADATA_OPTIONS);
    },

    emitPlainFile,

    emitEncryptedFile(document: EncryptedDocument): Uint8Array {
      return emitPlainFile(embedMetadata(document.branches, document.metadata, METADATA_OPTIONS));
    },
  };
}

/** The dotenv store with default options. */
export const dotenvStore: Store = createDotenvStore();

/** Reports whether a document has a key with the `sops_` prefix, as sops' `HasSopsTopLevelKey` does for dotenv. */
export function hasDotenvMetadata(document: TreeBranch): boolean {
  return document.items.some((item) => !isComment(item.key) && item.key.startsWith(METADATA_PREFIX));
}
