import path from 'node:path';
import type { EncryptionRules } from '@azkv/core';
import { RE2JS, RE2JSException } from 're2js';
import { ConfigError } from './errors.js';
import {
  FLAT_KEY_FIELDS,
  type AzureKeyFields,
  type CreationRule,
  type CreationRuleKeyGroup,
  type CreationRuleMatch,
  type FlatKeyField,
  type GoValue,
  type RawCreationRule,
  type RawKeyField,
  type RawKeyGroup,
  type SopsConfig,
  type UnsupportedKey,
} from './types.js';

const RULE_FIELDS = [
  ['unencryptedSuffix', 'unencrypted_suffix'],
  ['encryptedSuffix', 'encrypted_suffix'],
  ['unencryptedRegex', 'unencrypted_regex'],
  ['encryptedRegex', 'encrypted_regex'],
  ['unencryptedCommentRegex', 'unencrypted_comment_regex'],
  ['encryptedCommentRegex', 'encrypted_comment_regex'],
] as const;

function describeRule(rule: RawCreationRule, configPath: string): string {
  return `creation rule ${rule.index + 1} (line ${rule.line}) of ${configPath}`;
}

/**
 * Returns the path that `path_regex` is matched against, as sops 3.13.2
 * computes it: the absolute file path, with the config directory and a
 * separator cut off when the file lies below it. A file elsewhere keeps its
 * absolute path. Because the prefix is the directory plus a separator, a
 * config in the root directory never shortens paths.
 */
export function pathForMatching(filePath: string, configDirectory: string): string {
  const absolute = path.resolve(filePath);
  const prefix = path.resolve(configDirectory) + path.sep;
  return absolute.startsWith(prefix) ? absolute.slice(prefix.length) : absolute;
}

function compilePathRegex(rule: RawCreationRule, configPath: string): RE2JS {
  try {
    return RE2JS.compile(rule.pathRegex);
  } catch (error) {
    if (error instanceof RE2JSException) {
      throw new ConfigError('ERR_INVALID_REGEX', `invalid path_regex in ${describeRule(rule, configPath)}: ${error.message}`, {
        configPath,
        line: rule.line,
        cause: error,
        hint: 'path_regex uses Go RE2 syntax, which has no lookaround or backreferences',
      });
    }
    throw error;
  }
}

function goTypeName(value: GoValue): string {
  switch (value.kind) {
    case 'nil':
      return 'null';
    case 'string':
      return 'string';
    case 'list':
      return '[]interface {}';
    case 'other':
      return value.goType;
  }
}

/**
 * Reads a flat key field as sops' parseKeyField does. A string is split on
 * commas, and each part is trimmed, with empty parts dropped. A list must
 * contain only strings, which are kept as they are. Null gives no keys.
 */
function keyFieldEntries(field: RawKeyField | undefined, name: FlatKeyField, rule: RawCreationRule, configPath: string): string[] {
  if (field === undefined) {
    return [];
  }
  const value = field.value;
  const invalid = (problem: string): ConfigError =>
    new ConfigError('ERR_INVALID_INPUT', `invalid ${name} in ${describeRule(rule, configPath)}: ${problem}`, {
      configPath,
      line: field.line,
      hint: `write ${name} as a comma-separated string or a list of strings`,
    });

  switch (value.kind) {
    case 'nil':
      return [];
    case 'string':
      return value.value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '');
    case 'list':
      return value.items.map((item, index) => {
        if (item.kind !== 'string') {
          throw invalid(`item ${index + 1} must be a string, got ${goTypeName(item)}`);
        }
        return item.value;
      });
    case 'other':
      throw invalid(`expected a string or a list of strings, got ${goTypeName(value)}`);
  }
}

/**
 * Splits joined key entries the way each sops key type splits its comma
 * string. sops joins the entries of a field with commas and splits them again,
 * so a list item that contains a comma yields several keys.
 */
function splitJoinedKeys(entries: string[], skipEmpty: boolean): string[] {
  const joined = entries.join(',');
  if (joined === '') {
    return [];
  }
  const parts = joined.split(',');
  return skipEmpty ? parts.map((part) => part.trim()).filter((part) => part !== '') : parts;
}

function flatKeyGroup(rule: RawCreationRule, configPath: string): CreationRuleKeyGroup {
  const group: CreationRuleKeyGroup = { azureKeyUrls: [], azureKeys: [], unsupportedKeys: [] };
  for (const name of FLAT_KEY_FIELDS) {
    const entries = keyFieldEntries(rule.keyFields[name], name, rule, configPath);
    if (name === 'azure_keyvault') {
      // sops trims each URL before parsing it. Empty parts stay, so that the
      // URL parser rejects them as sops does.
      group.azureKeyUrls = splitJoinedKeys(entries, false).map((url) => url.trim());
      continue;
    }
    // hckms and hc_vault skip empty parts, while the other types turn each part into a key.
    const skipEmpty = name === 'hckms' || name === 'hc_vault_transit_uri';
    for (const id of splitJoinedKeys(entries, skipEmpty)) {
      group.unsupportedKeys.push({ type: name, id });
    }
  }
  return group;
}

function validateAzureKey(key: AzureKeyFields & { line: number }, rule: RawCreationRule, configPath: string): void {
  const missing = [key.vaultUrl === '' ? 'vaultUrl' : undefined, key.name === '' ? 'key' : undefined].filter((field) => field !== undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      'ERR_INVALID_INPUT',
      `invalid azure_keyvault entry at line ${key.line} in ${describeRule(rule, configPath)}: ${missing.join(' and ')} missing`,
      { configPath, line: key.line, hint: 'write each entry as {vaultUrl: https://VAULT.vault.azure.net, key: NAME, version: VERSION}' },
    );
  }
}

/**
 * Flattens a `key_groups` entry: keys of `merge` groups first, then the
 * group's own, with duplicates removed as sops removes them.
 */
function groupFromKeyGroup(raw: RawKeyGroup, rule: RawCreationRule, configPath: string): CreationRuleKeyGroup {
  const azureKeys: AzureKeyFields[] = [];
  const unsupportedKeys: UnsupportedKey[] = [];
  for (const merged of raw.merge) {
    const flattened = groupFromKeyGroup(merged, rule, configPath);
    azureKeys.push(...flattened.azureKeys);
    unsupportedKeys.push(...flattened.unsupportedKeys);
  }
  for (const key of raw.azureKeys) {
    validateAzureKey(key, rule, configPath);
    azureKeys.push({ vaultUrl: key.vaultUrl, name: key.name, version: key.version });
  }
  unsupportedKeys.push(...raw.unsupportedKeys);

  // NOTE: sops looks up a missing version before it removes duplicates, so an
  // entry without version and one naming the latest version become one key
  // there. Such pairs stay two entries here.
  return {
    azureKeyUrls: [],
    azureKeys: uniqueBy(azureKeys, (key) => `${key.vaultUrl}/keys/${key.name}/${key.version}`),
    unsupportedKeys: uniqueBy(unsupportedKeys, (key) => `${key.type}/${key.id}`),
  };
}

function uniqueBy<T>(items: T[], identity: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = identity(item);
    if (seen.has(id)) {
      return false;
    }
    seen.add(id);
    return true;
  });
}

function encryptionRules(rule: RawCreationRule, configPath: string): Partial<EncryptionRules> {
  const set = RULE_FIELDS.filter(([field]) => rule[field] !== '');
  if (set.length > 1) {
    throw new ConfigError(
      'ERR_CONFLICTING_RULES',
      `${describeRule(rule, configPath)} sets ${set.map(([, name]) => name).join(' and ')}, but a rule may set only one of ${RULE_FIELDS.map(([, name]) => name).join(', ')}`,
      { configPath, line: rule.line, hint: 'keep one of them in the rule' },
    );
  }
  const rules: Partial<EncryptionRules> = { macOnlyEncrypted: rule.macOnlyEncrypted };
  for (const [field] of set) {
    rules[field] = rule[field];
  }
  return rules;
}

function buildCreationRule(raw: RawCreationRule, configPath: string): CreationRule {
  const rules = encryptionRules(raw, configPath);
  // sops reads the flat key fields only when key_groups is empty or absent.
  const keyGroups =
    raw.keyGroups.length > 0 ? raw.keyGroups.map((group) => groupFromKeyGroup(group, raw, configPath)) : [flatKeyGroup(raw, configPath)];
  const unsupportedKeyTypes = [...new Set(keyGroups.flatMap((group) => group.unsupportedKeys.map((key) => key.type)))];
  return {
    index: raw.index,
    line: raw.line,
    pathRegex: raw.pathRegex,
    keyGroups,
    shamirThreshold: raw.shamirThreshold,
    rules,
    unsupportedKeyTypes,
  };
}

/**
 * Finds the creation rule for a file: the first rule whose `path_regex` (Go
 * RE2 syntax, matched anywhere in the path) matches, or that has no
 * `path_regex`. Regexes of later rules are not compiled, so an invalid one
 * there goes unnoticed, as in sops.
 *
 * @param filePath The file as the user named it (or its `--filename-override`);
 *   relative paths are resolved against the working directory.
 * @param configDirectory The directory paths are made relative to; defaults to
 *   the directory of `config.path`.
 * @throws ConfigError ERR_INVALID_REGEX for a `path_regex` that does not
 *   compile, ERR_CONFLICTING_RULES when the matching rule sets more than one
 *   encryption rule, ERR_INVALID_INPUT for a malformed key field in it.
 */
export function creationRuleFor(config: SopsConfig, filePath: string, configDirectory?: string): CreationRuleMatch {
  if (config.creationRules === undefined) {
    return { status: 'no-rules' };
  }
  const matchedPath = pathForMatching(filePath, configDirectory ?? path.dirname(config.path));
  for (const rule of config.creationRules) {
    if (rule.pathRegex === '' || compilePathRegex(rule, config.path).test(matchedPath)) {
      return { status: 'matched', rule: buildCreationRule(rule, config.path), matchedPath };
    }
  }
  return { status: 'no-match', matchedPath };
}
