import { ExitCode, isComment, ParseError, type TreeBranch, type TreeBranches } from '@azkv/core';
import { embedMetadata, extractMetadata, METADATA_KEY, type EmbedOptions } from '../embed.js';
import type { EncryptedDocument, Store } from '../store.js';
import { parseIni, type IniSection } from './parser.js';
import { decodeUtf8 } from './text.js';
import { sectionsToTree, treeToSections } from './tree.js';
import { writeIni } from './writer.js';

/** Options of {@link createIniStore}. */
export interface IniStoreOptions {
  /**
   * Whether `loadPlainFile` rejects a `[sops]` section, which is reserved for
   * the metadata. Defaults to true. With false, the section loads like any
   * other, as in sops' `LoadPlainFile`, and the caller must check for it.
   */
  rejectReservedKeys?: boolean;
  /**
   * The line break written by the emitters. Defaults to `\n`, while sops built
   * for Windows writes INI files with `\r\n`. Both are read.
   */
  lineBreak?: '\n' | '\r\n';
}

/** The metadata layout of sops 3.13.2 INI files. */
const METADATA_OPTIONS: EmbedOptions = { flatten: 'below-top', escapeNewlines: true };

/**
 * Decodes and parses an INI file. go-ini skips a UTF-8 byte order mark, and
 * a UTF-16 one is rejected because go-ini would read the rest as garbage.
 */
function parseIniBytes(input: Uint8Array, strict: boolean): IniSection[] {
  if ((input[0] === 0xfe && input[1] === 0xff) || (input[0] === 0xff && input[1] === 0xfe)) {
    throw new ParseError('invalid INI input at line 1: the file is UTF-16 encoded', { line: 1 }, { hint: 'save the file as UTF-8' });
  }
  let text = decodeUtf8(input, 'INI');
  if (text.startsWith('\ufeff')) {
    text = text.slice(1);
  }
  return parseIni(text, { strict });
}

function rejectMetadataSection(sections: readonly IniSection[]): void {
  const reserved = sections.find((section) => section.name === METADATA_KEY);
  if (reserved !== undefined) {
    throw new ParseError(
      `invalid INI input at line ${reserved.line}: the section [${METADATA_KEY}] is reserved for sops metadata`,
      { line: reserved.line },
      {
        code: 'ERR_RESERVED_KEY',
        exitCode: ExitCode.FileAlreadyEncrypted,
        hint: 'decrypt the file first if it is already encrypted, or rename the section',
      },
    );
  }
}

/**
 * Creates the INI store. It reads and writes files as sops 3.13.2 does through
 * go-ini v1.67.3, so that both tools produce the same bytes and the same tree.
 * The tree is one branch whose items are the sections, the implicit `DEFAULT`
 * section first, each containing string values and comments. The metadata is
 * the `[sops]` section with flattened keys such as `azure_kv__list_0__map_enc`,
 * and line breaks in its values are written as `\n`.
 *
 * `loadPlainFile` rejects a key defined twice in a section and the key `-`,
 * which go-ini would silently change. `loadEncryptedFile` reads both as
 * go-ini does.
 */
export function createIniStore(options: IniStoreOptions = {}): Store {
  const rejectReserved = options.rejectReservedKeys ?? true;
  const lineBreak = options.lineBreak ?? '\n';

  const emitPlainFile = (branches: TreeBranches): Uint8Array =>
    new TextEncoder().encode(writeIni(treeToSections(branches), lineBreak));

  return {
    name: 'ini',
    extensions: ['ini'],

    loadPlainFile(input: Uint8Array): TreeBranches {
      const sections = parseIniBytes(input, true);
      if (rejectReserved) {
        rejectMetadataSection(sections);
      }
      return [sectionsToTree(sections)];
    },

    loadEncryptedFile(input: Uint8Array): EncryptedDocument {
      // An encrypted file is read exactly as sops reads it, so that every file
      // sops can decrypt loads here too.
      return extractMetadata([sectionsToTree(parseIniBytes(input, false))], METADATA_OPTIONS);
    },

    emitPlainFile,

    emitEncryptedFile(document: EncryptedDocument): Uint8Array {
      return emitPlainFile(embedMetadata(document.branches, document.metadata, METADATA_OPTIONS));
    },
  };
}

/** The INI store with default options. */
export const iniStore: Store = createIniStore();

/** Reports whether a document has a `sops` section, as sops' `HasSopsTopLevelKey` does for INI. */
export function hasIniMetadata(document: TreeBranch): boolean {
  return document.items.some((item) => !isComment(item.key) && item.key === METADATA_KEY);
}
