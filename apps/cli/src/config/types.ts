import type { EncryptionRules } from '@azkv/core';

/**
 * A value decoded into a Go `interface{}` field, reduced to what sops reads
 * from it. Creation rules declare their flat key fields (`azure_keyvault`,
 * `pgp`, ...) this way, so a field may hold a string, a list or anything else.
 */
export type GoValue =
  | { kind: 'nil' }
  | { kind: 'string'; value: string }
  | { kind: 'list'; items: GoValue[] }
  /** Any other value; `goType` is the type name Go's `%T` prints, such as `int` or `bool`. */
  | { kind: 'other'; goType: string };

/** A flat key field of a creation rule with the line it starts on (1-based). */
export interface RawKeyField {
  value: GoValue;
  line: number;
}

/** An `azure_keyvault` entry of a key group, as the `{vaultUrl, key, version}` object sops reads. */
export interface AzureKeyFields {
  vaultUrl: string;
  /** The key name (the `key` field in the config file). */
  name: string;
  /** The key version; the empty string means the latest version, which sops looks up when it encrypts. */
  version: string;
}

/** A key of a type azkv cannot create, kept so the CLI can name it in an error. */
export interface UnsupportedKey {
  /** The config field that names the key: `pgp`, `age`, `kms`, `gcp_kms`, `hckms`, `hc_vault` or `hc_vault_transit_uri`. */
  type: string;
  /** The key's identity as written: fingerprint, recipient, ARN, resource ID, key ID or URI. */
  id: string;
}

/** A `key_groups` entry as decoded, before `merge` is flattened. */
export interface RawKeyGroup {
  line: number;
  merge: RawKeyGroup[];
  azureKeys: Array<AzureKeyFields & { line: number }>;
  /** Keys of other types, in the order sops adds them to a group. */
  unsupportedKeys: UnsupportedKey[];
}

/** The sops creation rule field names of the flat key fields, in the order sops adds their keys to the group. */
export const FLAT_KEY_FIELDS = ['age', 'pgp', 'kms', 'gcp_kms', 'hckms', 'azure_keyvault', 'hc_vault_transit_uri'] as const;

export type FlatKeyField = (typeof FLAT_KEY_FIELDS)[number];

/**
 * A creation rule as decoded. sops parses the key fields and checks the
 * encryption rules only for the rule that matches, so those checks happen in
 * `creationRuleFor`, not when the file is loaded.
 */
export interface RawCreationRule {
  /** Position in `creation_rules`, starting at 0. */
  index: number;
  line: number;
  /** Empty when the rule has no `path_regex`, which makes it match every file. */
  pathRegex: string;
  keyFields: Partial<Record<FlatKeyField, RawKeyField>>;
  keyGroups: RawKeyGroup[];
  shamirThreshold: number;
  unencryptedSuffix: string;
  encryptedSuffix: string;
  unencryptedRegex: string;
  encryptedRegex: string;
  unencryptedCommentRegex: string;
  encryptedCommentRegex: string;
  macOnlyEncrypted: boolean;
}

/**
 * Per-store settings of the `stores` section with sops' defaults: YAML indent
 * 0 means the default of 4, JSON indent -1 means indentation with a tab.
 */
export interface StoresConfig {
  yaml: { indent: number };
  json: { indent: number };
  /** The `json_binary` section, which sops applies to the binary store. */
  jsonBinary: { indent: number };
}

/** A loaded `.sops.yaml` file. */
export interface SopsConfig {
  /** The config file path as passed to `loadConfigFile`. */
  path: string;
  /**
   * The creation rules in file order, or undefined when the file has no
   * `creation_rules` list (absent or null). sops then treats the file as if
   * there were no config for choosing keys. An empty list is not undefined:
   * it matches no file.
   */
  creationRules: RawCreationRule[] | undefined;
  stores: StoresConfig;
}

/** One key group of a matching creation rule. */
export interface CreationRuleKeyGroup {
  /**
   * Key URLs (`https://VAULT/keys/NAME[/VERSION]`) from the flat
   * `azure_keyvault` field, split on commas as sops splits them and trimmed.
   * An entry may still be empty or malformed; the URL parser must reject it.
   */
  azureKeyUrls: string[];
  /**
   * Keys given as objects in `key_groups`, with `merge` groups first. Fields
   * are kept verbatim (a trailing slash on `vaultUrl` stays) because sops
   * stores them that way in the file metadata.
   */
  azureKeys: AzureKeyFields[];
  unsupportedKeys: UnsupportedKey[];
}

/** The settings of the creation rule that matches a file. */
export interface CreationRule {
  /** Position in `creation_rules`, starting at 0. */
  index: number;
  line: number;
  pathRegex: string;
  /** One group for the flat key fields, or one per `key_groups` entry. */
  keyGroups: CreationRuleKeyGroup[];
  /** 0 when the rule sets none; sops then requires all key groups. */
  shamirThreshold: number;
  /**
   * The encryption rules the config sets: at most one of the six key and
   * comment rules, and `macOnlyEncrypted` always. The default unencrypted
   * suffix is not applied here because command line flags take precedence
   * over the config, field by field.
   */
  rules: Partial<EncryptionRules>;
  /** The distinct `UnsupportedKey.type` values of all groups, in first-seen order. */
  unsupportedKeyTypes: string[];
}

/**
 * The outcome of looking up the creation rule for a file. `no-rules` means
 * that the config has no `creation_rules` list, so sops proceeds as if there
 * were no config file. `no-match` means that it has one but no rule matches.
 * sops 3.13.2 then fails the encrypt, edit, rotate and set operations, even
 * when keys are given on the command line. `matchedPath` is the path the
 * regexes were matched against.
 */
export type CreationRuleMatch =
  | { status: 'matched'; rule: CreationRule; matchedPath: string }
  | { status: 'no-rules' }
  | { status: 'no-match'; matchedPath: string };
