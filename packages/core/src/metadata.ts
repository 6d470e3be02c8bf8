import { AzkvError, ExitCode } from './errors.js';
import { normalizeLastModified } from './mac.js';
import { OpaqueMasterKey, type KeyEntry, type KeyGroup, type KeySourceFactory } from './keys.js';
import { branch, isBranch, isComment, isList, list, type TreeBranch, type TreeValue } from './tree.js';

/** The sops release whose file format azkv writes; stored as `version`. */
export const SOPS_FORMAT_VERSION = '3.13.2';

/** The suffix sops applies when a file names no other encryption rule. */
export const DEFAULT_UNENCRYPTED_SUFFIX = '_unencrypted';

/**
 * The rules that select the encrypted values of a file. sops allows at most
 * one of the six key and comment rules per file.
 */
export interface EncryptionRules {
  unencryptedSuffix: string;
  encryptedSuffix: string;
  unencryptedRegex: string;
  encryptedRegex: string;
  unencryptedCommentRegex: string;
  encryptedCommentRegex: string;
  /** Compute the MAC over encrypted values only. */
  macOnlyEncrypted: boolean;
}

/** The `sops` metadata of an encrypted file. Empty strings mean "not set". */
export interface Metadata extends EncryptionRules {
  /** Go RFC 3339 text (`2006-01-02T15:04:05Z07:00`), also the AAD of the MAC. */
  lastModified: string;
  /** The encrypted MAC (`ENC[...]`), or the empty string when the file has none. */
  mac: string;
  version: string;
  keyGroups: KeyGroup[];
  /** Key groups needed to recover the data key; 0 means all of them. */
  shamirThreshold: number;
}

const RULE_FIELDS = [
  ['unencryptedSuffix', 'unencrypted_suffix'],
  ['encryptedSuffix', 'encrypted_suffix'],
  ['unencryptedRegex', 'unencrypted_regex'],
  ['encryptedRegex', 'encrypted_regex'],
  ['unencryptedCommentRegex', 'unencrypted_comment_regex'],
  ['encryptedCommentRegex', 'encrypted_comment_regex'],
] as const;

/**
 * Key types in the order sops reads them into a key group, which is also the
 * order in which it tries them for decryption.
 */
export const KEY_TYPE_ORDER = ['kms', 'gcp_kms', 'hckms', 'azure_kv', 'hc_vault', 'pgp', 'age'] as const;

/**
 * Checks that at most one key or comment rule is set and applies the default
 * unencrypted suffix when none is, as sops does for new and stored files.
 * Single-value stores (binary) pass `applyDefaultSuffix: false`, because sops
 * writes no suffix for them. Throws ERR_CONFLICTING_RULES otherwise.
 */
export function normalizeRules(
  rules: Partial<EncryptionRules>,
  options: { applyDefaultSuffix?: boolean } = {},
): EncryptionRules {
  const result: EncryptionRules = {
    unencryptedSuffix: rules.unencryptedSuffix ?? '',
    encryptedSuffix: rules.encryptedSuffix ?? '',
    unencryptedRegex: rules.unencryptedRegex ?? '',
    encryptedRegex: rules.encryptedRegex ?? '',
    unencryptedCommentRegex: rules.unencryptedCommentRegex ?? '',
    encryptedCommentRegex: rules.encryptedCommentRegex ?? '',
    macOnlyEncrypted: rules.macOnlyEncrypted ?? false,
  };
  const set = RULE_FIELDS.filter(([field]) => result[field] !== '').map(([, name]) => name);
  if (set.length > 1) {
    throw new AzkvError(
      'ERR_CONFLICTING_RULES',
      `only one of ${RULE_FIELDS.map(([, name]) => name).join(', ')} may be set, but ${set.join(' and ')} are`,
      { exitCode: ExitCode.ErrorConflictingParameters, hint: 'keep one rule and remove the others' },
    );
  }
  if (set.length === 0 && options.applyDefaultSuffix !== false) {
    result.unencryptedSuffix = DEFAULT_UNENCRYPTED_SUFFIX;
  }
  return result;
}

// ---------------------------------------------------------------------------
// Reading

function scalarText(value: TreeValue, field: string): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (value === null) {
    return '';
  }
  throw new AzkvError('ERR_METADATA', `metadata field '${field}' must be a single value`);
}

/** Reads a metadata entry the way mapstructure's weakly typed decoding does. */
function parseInteger(value: TreeValue | undefined, field: string): number {
  if (value === undefined || value === null || value === '') {
    return 0;
  }
  const text = scalarText(value, field);
  if (!/^[+-]?\d+$/.test(text)) {
    throw new AzkvError('ERR_METADATA', `metadata field '${field}' must be an integer, got '${text}'`);
  }
  return Number.parseInt(text, 10);
}

function parseBoolean(value: TreeValue | undefined, field: string): boolean {
  if (value === undefined || value === null || value === '') {
    return false;
  }
  const text = scalarText(value, field);
  // Go's strconv.ParseBool, which mapstructure uses for strings.
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) {
    return true;
  }
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) {
    return false;
  }
  throw new AzkvError('ERR_METADATA', `metadata field '${field}' must be true or false, got '${text}'`);
}

function entryFromBranch(node: TreeBranch, field: string): KeyEntry {
  const entry: KeyEntry = [];
  for (const item of node.items) {
    if (isComment(item.key)) {
      continue;
    }
    entry.push([item.key, isBranch(item.value) ? entryFromBranch(item.value, `${field}.${item.key}`) : scalarText(item.value, `${field}.${item.key}`)]);
  }
  return entry;
}

function readGroup(node: TreeBranch, factories: ReadonlyMap<string, KeySourceFactory>, where: string): KeyGroup {
  const byType = new Map<string, KeyEntry[]>();
  for (const item of node.items) {
    if (isComment(item.key) || item.key === 'key_groups' || !isList(item.value)) {
      continue;
    }
    const entries: KeyEntry[] = [];
    for (const element of item.value.items) {
      if (isComment(element)) {
        continue;
      }
      if (!isBranch(element)) {
        throw new AzkvError('ERR_METADATA', `${where}${item.key} must be a list of mappings`);
      }
      entries.push(entryFromBranch(element, `${where}${item.key}`));
    }
    byType.set(item.key, entries);
  }

  const known: readonly string[] = KEY_TYPE_ORDER;
  const types = [...KEY_TYPE_ORDER, ...[...byType.keys()].filter((type) => !known.includes(type))];
  const group: KeyGroup = [];
  for (const type of types) {
    for (const entry of byType.get(type) ?? []) {
      const factory = factories.get(type);
      group.push(factory === undefined ? new OpaqueMasterKey(type, entry) : factory.fromEntry(entry));
    }
  }
  return group;
}

function field(node: TreeBranch, name: string): TreeValue | undefined {
  const item = node.items.find((entry) => entry.key === name);
  return item === undefined ? undefined : item.value;
}

/**
 * Builds the metadata model from the nested `sops` mapping of a file.
 * Entries of key types without a factory become {@link OpaqueMasterKey}s and
 * are written back unchanged.
 */
export function metadataFromBranch(node: TreeBranch, factories: ReadonlyMap<string, KeySourceFactory> = new Map()): Metadata {
  const text = (name: string): string => {
    const value = field(node, name);
    return value === undefined ? '' : scalarText(value, name);
  };

  const lastModifiedText = text('lastmodified');
  if (lastModifiedText === '') {
    throw new AzkvError('ERR_METADATA', "the sops metadata has no 'lastmodified' entry");
  }

  const rules = normalizeRules({
    unencryptedSuffix: text('unencrypted_suffix'),
    encryptedSuffix: text('encrypted_suffix'),
    unencryptedRegex: text('unencrypted_regex'),
    encryptedRegex: text('encrypted_regex'),
    unencryptedCommentRegex: text('unencrypted_comment_regex'),
    encryptedCommentRegex: text('encrypted_comment_regex'),
    macOnlyEncrypted: parseBoolean(field(node, 'mac_only_encrypted'), 'mac_only_encrypted'),
  });

  const topLevelGroup = readGroup(node, factories, '');
  const keyGroups: KeyGroup[] = [];
  if (topLevelGroup.length > 0) {
    keyGroups.push(topLevelGroup);
  } else {
    const groups = field(node, 'key_groups');
    if (isList(groups)) {
      groups.items.forEach((group, index) => {
        if (isBranch(group)) {
          keyGroups.push(readGroup(group, factories, `key_groups[${index}].`));
        }
      });
    }
  }
  if (keyGroups.length === 0) {
    throw new AzkvError('ERR_METADATA', 'no keys found in the sops metadata', { exitCode: ExitCode.NoEncryptionKeyFound });
  }

  return {
    ...rules,
    lastModified: normalizeLastModified(lastModifiedText),
    mac: text('mac'),
    version: text('version'),
    keyGroups,
    shamirThreshold: parseInteger(field(node, 'shamir_threshold'), 'shamir_threshold'),
  };
}

// ---------------------------------------------------------------------------
// Writing

/**
 * Orders metadata field names as Go's `sort.Strings` does. Comparing UTF-16
 * code units gives the same order as Go's bytewise comparison for the ASCII
 * names sops uses.
 */
export function compareFieldNames(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

function entryToBranch(entry: KeyEntry): TreeBranch {
  const sorted = [...entry].sort(([a], [b]) => compareFieldNames(a, b));
  return branch(sorted.map(([name, value]) => ({ key: name, value: typeof value === 'string' ? value : entryToBranch(value) })));
}

function groupItems(group: KeyGroup, alwaysListed: readonly string[]): Array<[string, TreeValue]> {
  const byType = new Map<string, TreeBranch[]>();
  for (const type of alwaysListed) {
    byType.set(type, []);
  }
  for (const key of group) {
    const entries = byType.get(key.type) ?? [];
    entries.push(entryToBranch(key.toEntry()));
    byType.set(key.type, entries);
  }
  return [...byType.entries()]
    .filter(([type, entries]) => entries.length > 0 || alwaysListed.includes(type))
    .map(([type, entries]) => [type, list(entries)]);
}

/**
 * Builds the nested `sops` mapping as sops 3.13 writes it: fields sorted by
 * name at every level, empty optional fields left out.
 */
export function metadataToBranch(metadata: Metadata): TreeBranch {
  const items: Array<[string, TreeValue]> = [];

  if (metadata.keyGroups.length === 1) {
    items.push(...groupItems(metadata.keyGroups[0]!, []));
  } else {
    // Inside key_groups sops' struct has no omitempty on hc_vault and age, so
    // those two are written as empty lists.
    const groups = metadata.keyGroups.map((group) => {
      const entries = groupItems(group, ['hc_vault', 'age']).sort(([a], [b]) => compareFieldNames(a, b));
      return branch(entries.map(([key, value]) => ({ key, value })));
    });
    items.push(['key_groups', list(groups)]);
  }
  if (metadata.shamirThreshold !== 0) {
    items.push(['shamir_threshold', BigInt(metadata.shamirThreshold)]);
  }
  items.push(['lastmodified', metadata.lastModified]);
  items.push(['mac', metadata.mac]);
  if (metadata.macOnlyEncrypted) {
    items.push(['mac_only_encrypted', true]);
  }
  for (const [property, name] of RULE_FIELDS) {
    if (metadata[property] !== '') {
      items.push([name, metadata[property]]);
    }
  }
  items.push(['version', metadata.version]);

  items.sort(([a], [b]) => compareFieldNames(a, b));
  return branch(items.map(([key, value]) => ({ key, value })));
}
