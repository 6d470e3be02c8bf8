import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig, type RawCreationRule } from '../src/config/index.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'config');

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'azkv-config-load-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeConfig(text: string | Uint8Array): Promise<string> {
  const configPath = path.join(root, '.sops.yaml');
  await writeFile(configPath, text);
  return configPath;
}

function parseError(text: string): ConfigError {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected parseConfig to fail');
}

function rules(text: string): RawCreationRule[] {
  const config = parseConfig(text, 'test.yaml');
  expect(config.creationRules).toBeDefined();
  return config.creationRules!;
}

describe('loadConfigFile', () => {
  it('loads the team fixture', async () => {
    const config = await loadConfigFile(path.join(FIXTURES, 'team.sops.yaml'));

    expect(config.creationRules).toHaveLength(4);
    expect(config.stores).toEqual({ yaml: { indent: 2 }, json: { indent: 4 }, jsonBinary: { indent: -1 } });
    const [prod, staging] = config.creationRules!;
    expect(prod!.line).toBe(17);
    expect(prod!.encryptedRegex).toBe('^(data|stringData|password|token)$');
    expect(prod!.macOnlyEncrypted).toBe(true);
    expect(prod!.shamirThreshold).toBe(2);
    expect(prod!.keyGroups).toHaveLength(2);
    expect(prod!.keyGroups[0]!.azureKeys.map((key) => key.vaultUrl)).toEqual([
      'https://prod-kv.vault.azure.net',
      'https://prod-backup-kv.vault.azure.net/',
    ]);
    expect(staging!.keyFields.azure_keyvault?.value).toEqual({
      kind: 'string',
      value:
        'https://staging-kv.vault.azure.net/keys/sops-staging/00112233445566778899aabbccddeeff, https://staging-kv.vault.azure.net/keys/sops-staging-2',
    });
  });

  it('reports a YAML syntax error with its line', async () => {
    const configPath = path.join(FIXTURES, 'invalid-syntax.sops.yaml');

    const error = await loadConfigFile(configPath).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('ERR_PARSE');
    expect((error as ConfigError).exitCode).toBe(1);
    expect((error as ConfigError).line).toBe(4);
    expect((error as ConfigError).configPath).toBe(configPath);
    expect((error as ConfigError).message).toMatch(new RegExp(`^invalid YAML in config file ${configPath.replaceAll('.', '\\.')} at line 4, column \\d+: `));
  });

  it('lists every value of the wrong type', async () => {
    const configPath = path.join(FIXTURES, 'invalid-types.sops.yaml');

    const error = await loadConfigFile(configPath).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('ERR_INVALID_INPUT');
    expect((error as ConfigError).line).toBe(2);
    expect((error as ConfigError).message.split('\n')).toEqual([
      `invalid config file ${configPath}:`,
      '  line 2: creation_rules[0].path_regex: expected a string, got a list',
      '  line 3: creation_rules[0].shamir_threshold: expected an integer, got !!str "two"',
      '  line 4: creation_rules[1].mac_only_encrypted: expected true or false, got !!str "true"',
      '  line 5: creation_rules[1].hckms: expected a list, got !!str "region:key"',
      '  line 7: creation_rules[1].key_groups[0].azure_keyvault: expected a list, got !!str "https://kv.vault.azure.net/keys/k/v"',
      '  line 10: stores.yaml.indent: expected an integer, got !!str "2"',
    ]);
  });

  it('reads a UTF-16 file with a byte order mark', async () => {
    const text = 'creation_rules:\n  - path_regex: ü\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const configPath = await writeConfig(utf16);

    const config = await loadConfigFile(configPath);

    expect(config.creationRules?.[0]?.pathRegex).toBe('ü');
  });

  it('rejects invalid UTF-8', async () => {
    const configPath = await writeConfig(Uint8Array.from([0x61, 0x3a, 0x20, 0xc3, 0x28, 0x0a]));

    const error = await loadConfigFile(configPath).catch((caught: unknown) => caught);

    expect((error as ConfigError).code).toBe('ERR_PARSE');
    expect((error as ConfigError).message).toContain('not valid UTF-8');
  });
});

describe('parseConfig structure', () => {
  it('treats an empty file as having no rules', () => {
    const config = parseConfig('', 'test.yaml');

    expect(config).toEqual({
      path: 'test.yaml',
      creationRules: undefined,
      stores: { yaml: { indent: 0 }, json: { indent: -1 }, jsonBinary: { indent: -1 } },
    });
  });

  it('distinguishes null rules from an empty list', () => {
    expect(parseConfig('creation_rules:\n', 'test.yaml').creationRules).toBeUndefined();
    expect(parseConfig('creation_rules: ~\n', 'test.yaml').creationRules).toBeUndefined();
    expect(parseConfig('creation_rules: []\n', 'test.yaml').creationRules).toEqual([]);
  });

  it('drops null rules from the list', () => {
    const decoded = rules('creation_rules: [~, {path_regex: a}]\n');

    expect(decoded.map((rule) => [rule.index, rule.pathRegex])).toEqual([[0, 'a']]);
  });

  it('rejects a document that is not a mapping', () => {
    const error = parseError('- creation_rules\n');

    expect(error.message).toContain('line 1: document: expected a mapping, got a list');
  });

  it('ignores unknown fields', () => {
    const decoded = rules('foo: [1]\ncreation_rules:\n  - path_regex: a\n    something: {x: 1}\n');

    expect(decoded[0]!.pathRegex).toBe('a');
  });

  it('reads only the first document', () => {
    const decoded = rules('creation_rules: [{path_regex: a}]\n---\ncreation_rules: [{path_regex: b}]\n');

    expect(decoded.map((rule) => rule.pathRegex)).toEqual(['a']);
  });

  it('rejects duplicate keys, quoted or not', () => {
    const error = parseError('creation_rules: []\n"creation_rules": []\n');

    expect(error.code).toBe('ERR_PARSE');
    expect(error.line).toBe(2);
  });

  it('type-checks destination rules', () => {
    const error = parseError('destination_rules:\n  - vault_kv_version: x\n    recreation_rule: {shamir_threshold: y}\n');

    expect(error.message).toContain('line 2: destination_rules[0].vault_kv_version: expected an integer');
    expect(error.message).toContain('line 3: destination_rules[0].recreation_rule.shamir_threshold: expected an integer');
  });

  it('type-checks store sections without settings', () => {
    const error = parseError('stores:\n  dotenv: [1]\n  ini: {anything: 1}\n');

    expect(error.message).toContain('line 2: stores.dotenv: expected a mapping, got a list');
    expect(error.message).not.toContain('stores.ini');
  });

  it('reads the stores section', () => {
    const config = parseConfig('stores:\n  yaml: {indent: 2}\n  json: {indent: 0}\n  json_binary: {indent: ~}\n', 'test.yaml');

    expect(config.stores).toEqual({ yaml: { indent: 2 }, json: { indent: 0 }, jsonBinary: { indent: -1 } });
  });
});

describe('parseConfig scalars', () => {
  it('resolves integers as go-yaml does', () => {
    const thresholds = ['0o17', '017', '0x1F', '1_000', '2.9', '-2.9', '08', '+3', '1e3', '0b101', '!!int "7"'];
    const text = `creation_rules:\n${thresholds.map((value) => `  - shamir_threshold: ${value}\n`).join('')}`;

    const decoded = rules(text).map((rule) => rule.shamirThreshold);

    expect(decoded).toEqual([15, 15, 31, 1000, 2, -2, 8, 3, 1000, 5, 7]);
  });

  it('rejects a quoted integer', () => {
    const error = parseError('creation_rules:\n  - shamir_threshold: "2"\n');

    expect(error.message).toContain('expected an integer, got !!str "2"');
  });

  it('rejects integers beyond the safe range', () => {
    const error = parseError('creation_rules:\n  - shamir_threshold: 9223372036854775807\n');

    expect(error.message).toContain('creation_rules[0].shamir_threshold: expected an integer');
  });

  it('accepts YAML 1.1 words in boolean fields', () => {
    const words = ['yes', '"on"', 'True', 'off', 'N', '~'];
    const text = `creation_rules:\n${words.map((value) => `  - mac_only_encrypted: ${value}\n`).join('')}`;

    const decoded = rules(text).map((rule) => rule.macOnlyEncrypted);

    expect(decoded).toEqual([true, true, true, false, false, false]);
  });

  it('rejects a quoted true and an integer in boolean fields', () => {
    const error = parseError('creation_rules:\n  - mac_only_encrypted: "true"\n  - mac_only_encrypted: 1\n');

    expect(error.message).toContain('line 2: creation_rules[0].mac_only_encrypted: expected true or false, got !!str "true"');
    expect(error.message).toContain('line 3: creation_rules[1].mac_only_encrypted: expected true or false, got !!int "1"');
  });

  it('keeps the source text of scalars in string fields', () => {
    const decoded = rules('creation_rules:\n  - path_regex: 1.0\n    encrypted_suffix: true\n    unencrypted_regex: 0x10\n');

    expect(decoded[0]).toMatchObject({ pathRegex: '1.0', encryptedSuffix: 'true', unencryptedRegex: '0x10' });
  });

  it('types the values of key fields', () => {
    const values = ['12', '[a, 1]', '{a: b}', '2020-01-02', 'yes', '"12"', '0777', '~', '[a, ~]'];
    const text = `creation_rules:\n${values.map((value) => `  - azure_keyvault: ${value}\n`).join('')}`;

    const decoded = rules(text).map((rule) => rule.keyFields.azure_keyvault?.value);

    expect(decoded).toEqual([
      { kind: 'other', goType: 'int' },
      { kind: 'list', items: [{ kind: 'string', value: 'a' }, { kind: 'other', goType: 'int' }] },
      { kind: 'other', goType: 'map[string]interface {}' },
      { kind: 'other', goType: 'time.Time' },
      { kind: 'string', value: 'yes' },
      { kind: 'string', value: '12' },
      { kind: 'other', goType: 'int' },
      { kind: 'nil' },
      { kind: 'list', items: [{ kind: 'string', value: 'a' }, { kind: 'nil' }] },
    ]);
  });

  it('rejects a value that contradicts its tag', () => {
    const error = parseError('creation_rules:\n  - path_regex: !!int abc\n');

    expect(error.code).toBe('ERR_PARSE');
    expect(error.line).toBe(2);
    expect(error.message).toContain('the value "abc" is not a valid !!int');
  });
});

describe('parseConfig anchors', () => {
  const anchored = [
    'defaults: &d',
    '  azure_keyvault: https://d.vault.azure.net/keys/k/v',
    '  shamir_threshold: 3',
    'other: &o',
    '  shamir_threshold: 5',
    '  mac_only_encrypted: true',
    'creation_rules:',
    '  - <<: *d',
    '    path_regex: a',
    '    shamir_threshold: 1',
    '  - <<: [*o, *d]',
    '  - <<: {<<: *o, encrypted_suffix: x}',
    '  - &rule',
    '    path_regex: z',
    '  - *rule',
    '  - "<<": {shamir_threshold: 9}',
    '',
  ].join('\n');

  it('lets explicit fields win over merged ones', () => {
    const [first] = rules(anchored);

    expect(first!.shamirThreshold).toBe(1);
    expect(first!.pathRegex).toBe('a');
    expect(first!.keyFields.azure_keyvault?.value).toEqual({ kind: 'string', value: 'https://d.vault.azure.net/keys/k/v' });
  });

  it('lets the first merged mapping win', () => {
    const second = rules(anchored)[1]!;

    expect(second.shamirThreshold).toBe(5);
    expect(second.macOnlyEncrypted).toBe(true);
    expect(second.keyFields.azure_keyvault).toBeDefined();
  });

  it('follows nested merges and aliased rules', () => {
    const decoded = rules(anchored);

    expect(decoded[2]).toMatchObject({ shamirThreshold: 5, encryptedSuffix: 'x' });
    expect(decoded[3]!.pathRegex).toBe('z');
    expect(decoded[4]!.pathRegex).toBe('z');
  });

  it('treats a quoted << as an ordinary key', () => {
    expect(rules(anchored)[5]!.shamirThreshold).toBe(0);
  });

  it('rejects an unused unknown alias', () => {
    const error = parseError('unused: *nowhere\ncreation_rules: []\n');

    expect(error.code).toBe('ERR_PARSE');
    expect(error.line).toBe(1);
    expect(error.message).toContain('alias *nowhere refers to no anchor');
  });

  it('rejects an alias used before its anchor', () => {
    const error = parseError('creation_rules:\n  - path_regex: *later\n  - path_regex: &later x\n');

    expect(error.line).toBe(2);
  });

  it('rejects an alias inside its own anchor', () => {
    const error = parseError('creation_rules:\n  - key_groups: &groups\n      - merge: *groups\n');

    expect(error.code).toBe('ERR_PARSE');
    expect(error.line).toBe(3);
    expect(error.message).toContain('alias *groups is inside the value of its own anchor');
  });

  it('rejects a merge of a list of scalars', () => {
    const error = parseError('x: &x [1]\ncreation_rules:\n  - <<: *x\n');

    expect(error.message).toContain('the value of a << merge key must be a mapping or a list of mappings');
  });

  it('rejects a merge alias that names a list', () => {
    const error = parseError('a: &a {shamir_threshold: 2}\nl: &l [*a]\ncreation_rules:\n  - <<: *l\n');

    expect(error.message).toContain('the value of a << merge key must be a mapping or a list of mappings');
  });

  it('merges with an explicit !!merge tag', () => {
    const decoded = rules('creation_rules:\n  - !!merge <<: {shamir_threshold: 3}\n    !!merge path_regex: a\n');

    expect(decoded[0]).toMatchObject({ shamirThreshold: 3, pathRegex: 'a' });
  });

  it('stops exponential alias expansion', () => {
    const lines = ['l0: &l0 {merge: [{}, {}, {}, {}, {}, {}, {}, {}, {}, {}]}'];
    for (let level = 1; level <= 7; level++) {
      const previous = `*l${level - 1}`;
      lines.push(`l${level}: &l${level} {merge: [${Array<string>(10).fill(previous).join(', ')}]}`);
    }
    lines.push('creation_rules:', '  - key_groups: [*l7]', '');

    const error = parseError(lines.join('\n'));

    expect(error.message).toContain('the document expands too many aliases');
  });
});
