import { AzkvError, ExitCode, type TreeBranches, type TreeValue } from '@azkv/core';
import { embedMetadata, extractMetadata } from '../embed.js';
import type { EmitOptions, EncryptedDocument, Store } from '../store.js';
import { emitYamlDocuments, emitYamlValue } from './emit.js';
import { loadYamlDocuments } from './load.js';

/** sops' default YAML indentation (`stores/yaml.IndentDefault`). */
export const DEFAULT_YAML_INDENT = 4;

export interface YamlStoreOptions {
  /** Spaces per indentation level; 0 or unset means 4. go-yaml uses 2 for values above 9. */
  indent?: number;
}

/** The YAML store, plus sops' EmitValue for printing a single value. */
export interface YamlStore extends Store {
  /** Writes one value (a subtree or a leaf) as sops' `EmitValue`, with indentation 4. */
  emitValue(value: TreeValue): Uint8Array;
}

function resolveIndent(indent: number | undefined): number {
  if (indent === undefined || indent === 0) {
    return DEFAULT_YAML_INDENT;
  }
  if (!Number.isInteger(indent) || indent < 0) {
    throw new AzkvError('ERR_USAGE', `invalid YAML indentation ${indent}: use a whole number of spaces, 0 or more`, {
      exitCode: ExitCode.ErrorDumpingTree,
    });
  }
  return indent;
}

/**
 * Creates a YAML store that reads and writes files byte for byte as sops
 * 3.13.2 does (go-yaml v3 rules for comments, scalar types and layout).
 * `options.indent` is the default for emits that pass no indentation.
 */
export function createYamlStore(options: YamlStoreOptions = {}): YamlStore {
  const defaultIndent = resolveIndent(options.indent);
  const encoder = new TextEncoder();

  const emitPlainFile = (branches: TreeBranches, emitOptions?: EmitOptions): Uint8Array => {
    const indent = emitOptions?.indent === undefined ? defaultIndent : resolveIndent(emitOptions.indent);
    return encoder.encode(emitYamlDocuments(branches, indent));
  };

  return {
    name: 'yaml',
    extensions: ['yaml', 'yml'],
    loadPlainFile: (input: Uint8Array): TreeBranches => loadYamlDocuments(input),
    loadEncryptedFile: (input: Uint8Array): EncryptedDocument =>
      extractMetadata(loadYamlDocuments(input), { flatten: 'none' }),
    emitPlainFile,
    emitEncryptedFile: (document: EncryptedDocument, emitOptions?: EmitOptions): Uint8Array =>
      emitPlainFile(embedMetadata(document.branches, document.metadata, { flatten: 'none' }), emitOptions),
    emitValue: (value: TreeValue): Uint8Array => encoder.encode(emitYamlValue(value)),
  };
}

/** The YAML store with sops' defaults. */
export const yamlStore: YamlStore = createYamlStore();

export { emitYamlValue } from './emit.js';
