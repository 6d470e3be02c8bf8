import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  creationRuleFor,
  loadConfigFile,
  NO_MATCHING_CREATION_RULE_MESSAGE,
  noMatchingCreationRuleError,
  parseConfig,
  pathForMatching,
  type CreationRule,
  type SopsConfig,
} from '../src/config/index.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'config');

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'azkv-config-rules-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function configAt(text: string, ...directory: string[]): Promise<SopsConfig> {
  const configDirectory = path.join(root, ...directory);
  await mkdir(configDirectory, { recursive: true });
  const configPath = path.join(configDirectory, '.sops.yaml');
  await writeFile(configPath, text);
  return loadConfigFile(configPath);
}

function matched(config: SopsConfig, filePath: string): CreationRule {
  const result = creationRuleFor(config, filePath);
  if (result.status !== 'matched') {
    throw new Error(`expected a matching rule for ${filePath}, got ${result.status}`);
  }
  return result.rule;
}

function ruleError(config: SopsConfig, filePath: string): ConfigError {
  try {
    creationRuleFor(config, filePath);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected creationRuleFor to fail');
}

describe('pathForMatching', () => {
  it('makes paths below the config directory relative', () => {
    expect(pathForMatching('/repo/secrets/a.yaml', '/repo')).toBe('secrets/a.yaml');
    expect(pathForMatching('/repo/x/../secrets/./a.yaml', '/repo/')).toBe('secrets/a.yaml');
  });

  it('keeps other paths absolute', () => {
    expect(pathForMatching('/elsewhere/a.yaml', '/repo')).toBe('/elsewhere/a.yaml');
    expect(pathForMatching('/repository/a.yaml', '/repo')).toBe('/repository/a.yaml');
  });

  it('never shortens paths for a config in the root directory', () => {
    expect(pathForMatching('/secrets/a.yaml', '/')).toBe('/secrets/a.yaml');
  });

  it('resolves relative paths against the working directory', () => {
    expect(pathForMatching('a.yaml', process.cwd())).toBe('a.yaml');
  });
});

describe('creationRuleFor matching', () => {
  const ordered = [
    'creation_rules:',
    '  - path_regex: \\.dev\\.yaml$',
    '    azure_keyvault: https://dev.vault.azure.net/keys/k/1',
    '  - path_regex: ^secrets/',
    '    azure_keyvault: https://secrets.vault.azure.net/keys/k/2',
    '  - azure_keyvault: https://any.vault.azure.net/keys/k/3',
    '',
  ].join('\n');

  it('picks the first rule that matches', async () => {
    const config = await configAt(ordered);

    expect(matched(config, path.join(root, 'secrets', 'app.dev.yaml')).index).toBe(0);
    expect(matched(config, path.join(root, 'secrets', 'app.yaml')).index).toBe(1);
  });

  it('matches a rule without path_regex last', async () => {
    const config = await configAt(ordered);

    const rule = matched(config, path.join(root, 'other', 'app.yaml'));

    expect(rule.index).toBe(2);
    expect(rule.pathRegex).toBe('');
    expect(rule.keyGroups[0]!.azureKeyUrls).toEqual(['https://any.vault.azure.net/keys/k/3']);
  });

  it('matches relative to the config directory', async () => {
    const config = await configAt(ordered, 'repo');
    const inside = path.join(root, 'repo', 'secrets', 'app.yaml');
    const outside = path.join(root, 'secrets', 'app.yaml');

    const insideResult = creationRuleFor(config, inside);
    const outsideResult = creationRuleFor(config, outside);

    expect(insideResult).toMatchObject({ status: 'matched', matchedPath: path.join('secrets', 'app.yaml'), rule: { index: 1 } });
    expect(outsideResult).toMatchObject({ status: 'matched', matchedPath: outside, rule: { index: 2 } });
  });

  it('accepts file paths relative to the working directory', async () => {
    const config = await configAt(ordered);
    const relative = path.relative(process.cwd(), path.join(root, 'secrets', 'app.yaml'));

    expect(matched(config, relative).index).toBe(1);
  });

  it('uses a given config directory', async () => {
    const config = await configAt(ordered);

    const result = creationRuleFor(config, path.join(root, 'x', 'secrets', 'a.yaml'), path.join(root, 'x'));

    expect(result).toMatchObject({ status: 'matched', matchedPath: path.join('secrets', 'a.yaml') });
  });

  it('matches the team fixture', async () => {
    await mkdir(path.join(root, 'team'));
    await copyFile(path.join(FIXTURES, 'team.sops.yaml'), path.join(root, 'team', '.sops.yaml'));
    const config = await loadConfigFile(path.join(root, 'team', '.sops.yaml'));
    const file = (name: string): string => path.join(root, 'team', name);

    expect(matched(config, file('environments/PROD/api.YML')).index).toBe(0);
    expect(matched(config, file('environments/staging/api.json')).index).toBe(1);
    expect(matched(config, file('environments/prod/notes.txt')).index).toBe(3);
    expect(matched(config, file('local/.env')).index).toBe(2);
  });
});

describe('creationRuleFor regex syntax', () => {
  async function matches(pattern: string, relativePath: string): Promise<boolean> {
    const config = await configAt(`creation_rules:\n  - path_regex: '${pattern}'\n`);
    return creationRuleFor(config, path.join(root, relativePath)).status === 'matched';
  }

  it('supports the (?i) flag', async () => {
    expect(await matches('(?i)^PROD/.*\\.YAML$', 'prod/a.yaml')).toBe(true);
    expect(await matches('^PROD/', 'prod/a.yaml')).toBe(false);
  });

  it('matches anywhere in the path', async () => {
    expect(await matches('secret', 'a/my-secrets/b.yaml')).toBe(true);
  });

  it('reads \\z as the end of text', async () => {
    // JavaScript reads \z as a literal "z" outside Unicode mode.
    expect(await matches('\\.yaml\\z', 'a.yaml')).toBe(true);
    expect(await matches('\\.yaml\\z', 'a.yamlz')).toBe(false);
  });

  it('supports \\Q...\\E quoting and POSIX classes', async () => {
    expect(await matches('^\\Qa+b\\E/[[:digit:]]+\\.json$', 'a+b/42.json')).toBe(true);
    expect(await matches('^\\Qa+b\\E/[[:digit:]]+\\.json$', 'aab/42.json')).toBe(false);
  });

  it('supports Unicode classes without a flag', async () => {
    expect(await matches('^\\p{Greek}+\\.yaml$', 'αβγ.yaml')).toBe(true);
  });

  it('rejects lookahead, which only JavaScript supports', async () => {
    const config = await configAt("creation_rules:\n  - path_regex: 'prod(?=/)'\n");

    const error = ruleError(config, path.join(root, 'prod', 'a.yaml'));

    expect(error.code).toBe('ERR_INVALID_REGEX');
    expect(error.line).toBe(2);
    expect(error.message).toBe(
      `invalid path_regex in creation rule 1 (line 2) of ${config.path}: error parsing regexp: invalid or unsupported Perl syntax: \`(?=\``,
    );
  });

  it('ignores an invalid regex after the matching rule', async () => {
    const config = await configAt("creation_rules:\n  - path_regex: ''\n  - path_regex: '(unclosed'\n");

    expect(matched(config, path.join(root, 'a.yaml')).index).toBe(0);
  });
});

describe('creationRuleFor outcomes', () => {
  it('reports no rules for a config without creation_rules', async () => {
    const config = await configAt('stores:\n  yaml: {indent: 2}\n');

    expect(creationRuleFor(config, path.join(root, 'a.yaml'))).toEqual({ status: 'no-rules' });
  });

  it('reports no match for an empty rule list', async () => {
    const config = await configAt('creation_rules: []\n');

    expect(creationRuleFor(config, path.join(root, 'a.yaml'))).toEqual({ status: 'no-match', matchedPath: 'a.yaml' });
  });

  it('builds the no-match error with the sops message', async () => {
    const config = await configAt('creation_rules:\n  - path_regex: ^prod/\n');

    const result = creationRuleFor(config, path.join(root, 'dev', 'a.yaml'));
    const error = noMatchingCreationRuleError(config.path, result.status === 'no-match' ? result.matchedPath : '');

    expect(result.status).toBe('no-match');
    expect(error.message).toBe(NO_MATCHING_CREATION_RULE_MESSAGE);
    expect(error.message).toBe('error loading config: no matching creation rules found');
    expect(error.exitCode).toBe(1);
    expect(error.hint).toContain(`'${path.join('dev', 'a.yaml')}'`);
    expect(error.hint).toContain(config.path);
  });

  it('returns the encryption rules that are set', async () => {
    const config = await configAt('creation_rules:\n  - encrypted_regex: ^data$\n    mac_only_encrypted: yes\n    shamir_threshold: 2\n');

    const rule = matched(config, path.join(root, 'a.yaml'));

    expect(rule.rules).toEqual({ encryptedRegex: '^data$', macOnlyEncrypted: true });
    expect(rule.shamirThreshold).toBe(2);
  });

  it('rejects conflicting rules in the matching rule only', async () => {
    const text = [
      'creation_rules:',
      '  - path_regex: ^a',
      '    encrypted_suffix: _enc',
      '    unencrypted_regex: ^x$',
      '  - unencrypted_suffix: _plain',
      '',
    ].join('\n');
    const config = await configAt(text);

    const error = ruleError(config, path.join(root, 'a.yaml'));
    const other = matched(config, path.join(root, 'b.yaml'));

    expect(error.code).toBe('ERR_CONFLICTING_RULES');
    expect(error.exitCode).toBe(1);
    expect(error.line).toBe(2);
    expect(error.message).toContain('sets encrypted_suffix and unencrypted_regex');
    expect(other.rules).toEqual({ unencryptedSuffix: '_plain', macOnlyEncrypted: false });
  });
});

describe('creationRuleFor keys', () => {
  it('splits and trims a key string', async () => {
    const config = await configAt(
      'creation_rules:\n  - azure_keyvault: " https://a.vault.azure.net/keys/k/1 ,,https://b.vault.azure.net/keys/k ,"\n',
    );

    const rule = matched(config, path.join(root, 'a.yaml'));

    expect(rule.keyGroups).toEqual([
      { azureKeyUrls: ['https://a.vault.azure.net/keys/k/1', 'https://b.vault.azure.net/keys/k'], azureKeys: [], unsupportedKeys: [] },
    ]);
    expect(rule.unsupportedKeyTypes).toEqual([]);
  });

  it('reads a key list and splits items on commas', async () => {
    const text = 'creation_rules:\n  - azure_keyvault:\n      - https://a.vault.azure.net/keys/k/1\n      - " https://b.vault.azure.net/keys/k/2,https://c.vault.azure.net/keys/k/3"\n';
    const config = await configAt(text);

    const rule = matched(config, path.join(root, 'a.yaml'));

    expect(rule.keyGroups[0]!.azureKeyUrls).toEqual([
      'https://a.vault.azure.net/keys/k/1',
      'https://b.vault.azure.net/keys/k/2',
      'https://c.vault.azure.net/keys/k/3',
    ]);
  });

  it('keeps empty list items for the URL parser to reject', async () => {
    const config = await configAt('creation_rules:\n  - azure_keyvault: ["", https://a.vault.azure.net/keys/k/1]\n');

    expect(matched(config, path.join(root, 'a.yaml')).keyGroups[0]!.azureKeyUrls).toEqual(['', 'https://a.vault.azure.net/keys/k/1']);
  });

  it('rejects a key field that is not a string or list', async () => {
    const config = await configAt('creation_rules:\n  - path_regex: x\n  - azure_keyvault: 12\n  - azure_keyvault: [https://a/keys/k, 3]\n');

    const numberError = ruleError(config, path.join(root, 'a.yaml'));

    expect(numberError.code).toBe('ERR_INVALID_INPUT');
    expect(numberError.line).toBe(3);
    expect(numberError.message).toBe(
      `invalid azure_keyvault in creation rule 2 (line 3) of ${config.path}: expected a string or a list of strings, got int`,
    );
    expect(matched(config, path.join(root, 'x.yaml')).index).toBe(0);
  });

  it('rejects a non-string item in a key list', async () => {
    const config = await configAt('creation_rules:\n  - pgp: [ABCDEF, 3]\n');

    const error = ruleError(config, path.join(root, 'a.yaml'));

    expect(error.message).toContain('invalid pgp in creation rule 1 (line 2)');
    expect(error.message).toContain('item 2 must be a string, got int');
  });

  it('returns keys of other types as unsupported', async () => {
    const text = [
      'creation_rules:',
      '  - pgp: FP1, FP2',
      '    age: [age1one]',
      '    kms: arn:aws:kms:eu-west-1:1:key/a',
      '    gcp_kms: projects/p/locations/l/keyRings/r/cryptoKeys/k',
      '    hckms: ["eu:1", ""]',
      '    hc_vault_transit_uri: https://vault:8200/v1/transit/keys/k,',
      '    azure_keyvault: https://a.vault.azure.net/keys/k/1',
      '',
    ].join('\n');
    const config = await configAt(text);

    const rule = matched(config, path.join(root, 'a.yaml'));

    expect(rule.keyGroups[0]!.unsupportedKeys).toEqual([
      { type: 'age', id: 'age1one' },
      { type: 'pgp', id: 'FP1' },
      { type: 'pgp', id: 'FP2' },
      { type: 'kms', id: 'arn:aws:kms:eu-west-1:1:key/a' },
      { type: 'gcp_kms', id: 'projects/p/locations/l/keyRings/r/cryptoKeys/k' },
      { type: 'hckms', id: 'eu:1' },
      { type: 'hc_vault_transit_uri', id: 'https://vault:8200/v1/transit/keys/k' },
    ]);
    expect(rule.unsupportedKeyTypes).toEqual(['age', 'pgp', 'kms', 'gcp_kms', 'hckms', 'hc_vault_transit_uri']);
    expect(rule.keyGroups[0]!.azureKeyUrls).toEqual(['https://a.vault.azure.net/keys/k/1']);
  });
});

describe('creationRuleFor key groups', () => {
  const groups = [
    'creation_rules:',
    '  - azure_keyvault: https://ignored.vault.azure.net/keys/k/1',
    '    shamir_threshold: 1',
    '    key_groups:',
    '      - azure_keyvault:',
    '          - vaultUrl: https://a.vault.azure.net/',
    '            key: k1',
    '            version: v1',
    '          - {vaultUrl: https://a.vault.azure.net/, key: k1, version: v1}',
    '          - {vaultUrl: https://a.vault.azure.net, key: k2}',
    '        pgp: [FP]',
    '        merge:',
    '          - azure_keyvault: [{vaultUrl: https://m.vault.azure.net, key: mk, version: ""}]',
    '          - age: ["age1x,age1y"]',
    '            kms: [{arn: "arn:aws:kms:k", context: {team: a}}]',
    '      - hc_vault: [https://vault:8200/v1/transit/keys/v]',
    '        merge:',
    '          - azure_keyvault: [{vaultUrl: https://b.vault.azure.net, key: kb, version: vb}]',
    '',
  ].join('\n');

  it('puts merged keys first and removes duplicates', async () => {
    const config = await configAt(groups);

    const rule = matched(config, path.join(root, 'a.yaml'));

    expect(rule.keyGroups[0]!.azureKeys).toEqual([
      { vaultUrl: 'https://m.vault.azure.net', name: 'mk', version: '' },
      { vaultUrl: 'https://a.vault.azure.net/', name: 'k1', version: 'v1' },
      { vaultUrl: 'https://a.vault.azure.net', name: 'k2', version: '' },
    ]);
    expect(rule.keyGroups[0]!.azureKeyUrls).toEqual([]);
  });

  it('ignores flat key fields when key_groups is set', async () => {
    const config = await configAt(groups);

    const rule = matched(config, path.join(root, 'a.yaml'));

    expect(rule.keyGroups).toHaveLength(2);
    expect(rule.keyGroups.flatMap((group) => group.azureKeyUrls)).toEqual([]);
    expect(rule.shamirThreshold).toBe(1);
  });

  it('lists unsupported keys of each group', async () => {
    const config = await configAt(groups);

    const rule = matched(config, path.join(root, 'a.yaml'));

    expect(rule.keyGroups[0]!.unsupportedKeys).toEqual([
      { type: 'age', id: 'age1x' },
      { type: 'age', id: 'age1y' },
      { type: 'kms', id: 'arn:aws:kms:k' },
      { type: 'pgp', id: 'FP' },
    ]);
    expect(rule.keyGroups[1]).toEqual({
      azureKeyUrls: [],
      azureKeys: [{ vaultUrl: 'https://b.vault.azure.net', name: 'kb', version: 'vb' }],
      unsupportedKeys: [{ type: 'hc_vault', id: 'https://vault:8200/v1/transit/keys/v' }],
    });
    expect(rule.unsupportedKeyTypes).toEqual(['age', 'kms', 'pgp', 'hc_vault']);
  });

  it('falls back to flat fields for an empty key_groups', async () => {
    const config = await configAt('creation_rules:\n  - key_groups: []\n    azure_keyvault: https://a.vault.azure.net/keys/k/1\n');

    const rule = matched(config, path.join(root, 'a.yaml'));

    expect(rule.keyGroups).toEqual([{ azureKeyUrls: ['https://a.vault.azure.net/keys/k/1'], azureKeys: [], unsupportedKeys: [] }]);
  });

  it('rejects an Azure entry without vaultUrl or key', async () => {
    const config = await configAt('creation_rules:\n  - key_groups:\n      - azure_keyvault:\n          - {version: v1}\n');

    const error = ruleError(config, path.join(root, 'a.yaml'));

    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.line).toBe(4);
    expect(error.message).toContain('vaultUrl and key missing');
  });

  it('reads the key groups of the team fixture', async () => {
    const text = await readFile(path.join(FIXTURES, 'team.sops.yaml'), 'utf8');
    const config = parseConfig(text, path.join(root, '.sops.yaml'));

    const rule = matched(config, path.join(root, 'environments', 'prod', 'db.yaml'));

    expect(rule.shamirThreshold).toBe(2);
    expect(rule.rules).toEqual({ encryptedRegex: '^(data|stringData|password|token)$', macOnlyEncrypted: true });
    expect(rule.keyGroups.map((group) => group.azureKeys.map((key) => `${key.vaultUrl}|${key.name}|${key.version}`))).toEqual([
      ['https://prod-kv.vault.azure.net|sops-prod|0123456789abcdef0123456789abcdef', 'https://prod-backup-kv.vault.azure.net/|sops-prod|'],
      [
        'https://prod-kv.vault.azure.net|sops-prod|0123456789abcdef0123456789abcdef',
        'https://breakglass-kv.vault.azure.net|sops-breakglass|fedcba9876543210fedcba9876543210',
      ],
    ]);
  });
});
