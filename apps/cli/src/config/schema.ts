import type { FieldDecoder, GoStyleDecoder, YamlNode } from './yaml-decoder.js';
import type { AzureKeyFields, FlatKeyField, RawCreationRule, RawKeyGroup, StoresConfig, UnsupportedKey } from './types.js';

/**
 * The layout of `.sops.yaml` in sops 3.13.2 (`config/config.go`): field names
 * and Go field types. Every section is decoded, even those azkv does not use
 * (`destination_rules`, `aws_profile`, the `kms` context), because a type
 * error anywhere makes sops reject the whole file.
 */

/** The decoded contents of a config file, before any rule is chosen. */
export interface DecodedConfig {
  creationRules: RawCreationRule[] | undefined;
  stores: StoresConfig;
}

/** Returns the `stores` defaults of sops' NewStoresConfig: JSON indent -1, YAML indent 0. */
export function defaultStoresConfig(): StoresConfig {
  return { yaml: { indent: 0 }, json: { indent: -1 }, jsonBinary: { indent: -1 } };
}

type StringField<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T];

/** Creates a field decoder that stores a Go string field into `target[field]` unless the value is null or invalid. */
function stringInto<T>(decoder: GoStyleDecoder, target: T, field: StringField<T>): FieldDecoder {
  return (node, path) => {
    const value = decoder.string(node, path);
    if (value !== undefined) {
      (target[field] as string) = value;
    }
  };
}

/** Decodes a field only to record its type errors. */
function checkString(decoder: GoStyleDecoder): FieldDecoder {
  return (node, path) => {
    decoder.string(node, path);
  };
}

function decodeStringList(decoder: GoStyleDecoder, node: YamlNode, path: string): string[] | undefined {
  const list = decoder.list(node, path, (item, itemPath) => decoder.string(item, itemPath));
  return list === undefined ? undefined : (list ?? []);
}

function decodeKeyGroup(decoder: GoStyleDecoder, node: YamlNode, path: string): RawKeyGroup | undefined {
  const group: RawKeyGroup = { line: decoder.lineOf(node) ?? 0, merge: [], azureKeys: [], unsupportedKeys: [] };
  const byType = new Map<string, UnsupportedKey[]>();
  const addUnsupported = (type: string, ids: string[]): void => {
    byType.set(type, ids.map((id) => ({ type, id })));
  };

  /** Decodes a list of objects named by one field, such as `gcp_kms: [{resource_id: ...}]`. `extraFields` are only type-checked. */
  const objectList = (type: string, idField: string, extraFields: readonly string[]): FieldDecoder => {
    return (listNode, listPath) => {
      const ids = decoder.list(listNode, listPath, (item, itemPath) => {
        const entry = { id: '' };
        const fields: Record<string, FieldDecoder> = { [idField]: stringInto(decoder, entry, 'id') };
        for (const extra of extraFields) {
          fields[extra] = extra === 'context' ? (value, valuePath) => decoder.checkStringMap(value, valuePath) : checkString(decoder);
        }
        return decoder.struct(item, itemPath, fields) ? entry.id : undefined;
      });
      if (ids !== undefined) {
        addUnsupported(type, ids ?? []);
      }
    };
  };

  /** Decodes a list of strings such as `pgp: [FINGERPRINT]`. With `splitCommas`, each entry is split on commas, as sops splits age recipients. */
  const stringList = (type: string, splitCommas: boolean): FieldDecoder => {
    return (listNode, listPath) => {
      const entries = decodeStringList(decoder, listNode, listPath);
      if (entries === undefined) {
        return;
      }
      if (!splitCommas) {
        addUnsupported(type, entries);
        return;
      }
      const recipients = entries.filter((entry) => entry !== '').flatMap((entry) => entry.split(','));
      addUnsupported(type, recipients);
    };
  };

  const decoded = decoder.struct(node, path, {
    merge: (value, valuePath) => {
      const merged = decoder.list(value, valuePath, (item, itemPath) => decodeKeyGroup(decoder, item, itemPath));
      if (merged !== undefined) {
        group.merge = merged ?? [];
      }
    },
    kms: objectList('kms', 'arn', ['role', 'context', 'aws_profile']),
    gcp_kms: objectList('gcp_kms', 'resource_id', []),
    hckms: objectList('hckms', 'key_id', []),
    azure_keyvault: (value, valuePath) => {
      const keys = decoder.list(value, valuePath, (item, itemPath) => {
        const key: AzureKeyFields & { line: number } = { vaultUrl: '', name: '', version: '', line: decoder.lineOf(item) ?? 0 };
        const fields = {
          vaultUrl: stringInto(decoder, key, 'vaultUrl'),
          key: stringInto(decoder, key, 'name'),
          version: stringInto(decoder, key, 'version'),
        };
        return decoder.struct(item, itemPath, fields) ? key : undefined;
      });
      if (keys !== undefined) {
        group.azureKeys = keys ?? [];
      }
    },
    hc_vault: stringList('hc_vault', false),
    age: stringList('age', true),
    pgp: stringList('pgp', false),
  });
  if (!decoded) {
    return undefined;
  }

  // sops adds a group's keys in this order, whatever the order in the file.
  for (const type of ['age', 'pgp', 'kms', 'gcp_kms', 'hckms', 'hc_vault']) {
    group.unsupportedKeys.push(...(byType.get(type) ?? []));
  }
  return group;
}

function decodeCreationRule(decoder: GoStyleDecoder, node: YamlNode, path: string): RawCreationRule | undefined {
  const rule: RawCreationRule = {
    index: 0,
    line: decoder.lineOf(node) ?? 0,
    pathRegex: '',
    keyFields: {},
    keyGroups: [],
    shamirThreshold: 0,
    unencryptedSuffix: '',
    encryptedSuffix: '',
    unencryptedRegex: '',
    encryptedRegex: '',
    unencryptedCommentRegex: '',
    encryptedCommentRegex: '',
    macOnlyEncrypted: false,
  };
  const keyField = (field: FlatKeyField): FieldDecoder => {
    return (value, valuePath) => {
      rule.keyFields[field] = { value: decoder.any(value, valuePath), line: decoder.lineOf(value) ?? rule.line };
    };
  };

  const decoded = decoder.struct(node, path, {
    path_regex: stringInto(decoder, rule, 'pathRegex'),
    kms: keyField('kms'),
    aws_profile: checkString(decoder),
    age: keyField('age'),
    pgp: keyField('pgp'),
    gcp_kms: keyField('gcp_kms'),
    // Unlike its siblings, hckms is a Go []string, so a plain string is a type error.
    hckms: (value, valuePath) => {
      const keys = decoder.list(value, valuePath, (item, itemPath) => decoder.string(item, itemPath));
      if (keys !== undefined) {
        rule.keyFields.hckms = {
          value: keys === null ? { kind: 'nil' } : { kind: 'list', items: keys.map((key) => ({ kind: 'string', value: key })) },
          line: decoder.lineOf(value) ?? rule.line,
        };
      }
    },
    azure_keyvault: keyField('azure_keyvault'),
    hc_vault_transit_uri: keyField('hc_vault_transit_uri'),
    key_groups: (value, valuePath) => {
      const groups = decoder.list(value, valuePath, (item, itemPath) => decodeKeyGroup(decoder, item, itemPath));
      if (groups !== undefined) {
        rule.keyGroups = groups ?? [];
      }
    },
    shamir_threshold: (value, valuePath) => {
      rule.shamirThreshold = decoder.int(value, valuePath) ?? rule.shamirThreshold;
    },
    unencrypted_suffix: stringInto(decoder, rule, 'unencryptedSuffix'),
    encrypted_suffix: stringInto(decoder, rule, 'encryptedSuffix'),
    unencrypted_regex: stringInto(decoder, rule, 'unencryptedRegex'),
    encrypted_regex: stringInto(decoder, rule, 'encryptedRegex'),
    unencrypted_comment_regex: stringInto(decoder, rule, 'unencryptedCommentRegex'),
    encrypted_comment_regex: stringInto(decoder, rule, 'encryptedCommentRegex'),
    mac_only_encrypted: (value, valuePath) => {
      rule.macOnlyEncrypted = decoder.bool(value, valuePath) ?? rule.macOnlyEncrypted;
    },
  });
  return decoded ? rule : undefined;
}

/** Type-checks a destination rule. azkv has no `publish` command, so nothing is kept. */
function checkDestinationRule(decoder: GoStyleDecoder, node: YamlNode, path: string): true | undefined {
  const decoded = decoder.struct(node, path, {
    path_regex: checkString(decoder),
    s3_bucket: checkString(decoder),
    s3_prefix: checkString(decoder),
    gcs_bucket: checkString(decoder),
    gcs_prefix: checkString(decoder),
    vault_path: checkString(decoder),
    vault_address: checkString(decoder),
    vault_kv_mount_name: checkString(decoder),
    vault_kv_version: (value, valuePath) => {
      decoder.int(value, valuePath);
    },
    recreation_rule: (value, valuePath) => {
      decodeCreationRule(decoder, value, valuePath);
    },
    omit_extensions: (value, valuePath) => {
      decoder.bool(value, valuePath);
    },
  });
  return decoded ? true : undefined;
}

function indentSection(decoder: GoStyleDecoder, section: { indent: number }): FieldDecoder {
  return (node, path) => {
    decoder.struct(node, path, {
      indent: (value, valuePath) => {
        section.indent = decoder.int(value, valuePath) ?? section.indent;
      },
    });
  };
}

/**
 * Decodes the document root of a `.sops.yaml` file. Type errors are left in
 * `decoder.errors` for the caller to report.
 */
export function decodeConfigDocument(decoder: GoStyleDecoder, root: YamlNode): DecodedConfig {
  const config: DecodedConfig = { creationRules: undefined, stores: defaultStoresConfig() };

  decoder.struct(root, '', {
    creation_rules: (value, valuePath) => {
      const rules = decoder.list(value, valuePath, (item, itemPath) => decodeCreationRule(decoder, item, itemPath));
      if (rules !== undefined) {
        config.creationRules = rules ?? undefined;
      }
    },
    destination_rules: (value, valuePath) => {
      decoder.list(value, valuePath, (item, itemPath) => checkDestinationRule(decoder, item, itemPath));
    },
    stores: (value, valuePath) => {
      decoder.struct(value, valuePath, {
        dotenv: (section, sectionPath) => decoder.struct(section, sectionPath, {}),
        ini: (section, sectionPath) => decoder.struct(section, sectionPath, {}),
        json_binary: indentSection(decoder, config.stores.jsonBinary),
        json: indentSection(decoder, config.stores.json),
        yaml: indentSection(decoder, config.stores.yaml),
      });
    },
  });

  config.creationRules?.forEach((rule, index) => {
    rule.index = index;
  });
  return config;
}
