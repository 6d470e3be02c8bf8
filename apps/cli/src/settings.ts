import path from 'node:path';
import { AzkvError, ExitCode, type EncryptionRules, type KeyGroup } from '@azkv/core';
import type { AzureKeySource } from '@azkv/azure';
import { createDefaultRegistry, type Store, type StoreRegistry } from '@azkv/formats';
import {
  creationRuleFor,
  loadConfigFile,
  locateConfigFile,
  noMatchingCreationRuleError,
  storeOptionsFor,
  type SopsConfig,
  type StoreName,
  type StoreOptions,
} from './config/index.js';
import { selectStores, type StorePair } from './operations/stores.js';
import { checkOutputFlags, readInput, type CommandInput } from './runtime.js';

/** The `.sops.yaml` in effect for one run, if any. */
export interface LoadedConfig {
  config: SopsConfig | undefined;
  warning: string | undefined;
}

/**
 * Finds and reads `.sops.yaml` as sops does: `--config`, then `SOPS_CONFIG`,
 * then a search from the working directory upwards. A missing file is fine
 * unless the user named it.
 */
export async function loadSopsConfig(configFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const location = await locateConfigFile({ ...(configFlag === undefined ? {} : { configFlag }), env, startDirectory: '.' });
  if (location.path === undefined) {
    return { config: undefined, warning: location.warning };
  }
  return { config: await loadConfigFile(location.path), warning: location.warning };
}

const STORE_CONFIG_NAMES: Readonly<Record<string, StoreName>> = { yaml: 'yaml', json: 'json', binary: 'binary' };

/**
 * Builds the store registry with the `stores` settings of `.sops.yaml` and
 * `--indent`. An invalid indentation is ignored here and reported by
 * {@link checkStoreOptions} for the store that writes the output, so that, as
 * in sops, it only fails when that store is used.
 */
export function createRegistry(config: SopsConfig | undefined, indentFlag: number | undefined): StoreRegistry {
  const optionsFor = (name: StoreName): StoreOptions => {
    try {
      return storeOptionsFor(config, name, indentFlag);
    } catch {
      return {};
    }
  };
  return createDefaultRegistry({ yaml: optionsFor('yaml'), json: optionsFor('json'), jsonBinary: optionsFor('binary') });
}

/** Throws the configuration error of the store that is about to write output, if it has one. */
export function checkStoreOptions(store: Store, config: SopsConfig | undefined, indentFlag: number | undefined): void {
  const name = STORE_CONFIG_NAMES[store.name];
  if (name !== undefined) {
    storeOptionsFor(config, name, indentFlag);
  }
}

/** The command line settings that decide what `encrypt` does. */
export interface EncryptFlags {
  azureKv: string | undefined;
  rules: Partial<EncryptionRules>;
  macOnlyEncrypted: boolean;
  /** `--shamir-secret-sharing-threshold`; wins over the creation rule's. */
  shamirThreshold?: number | undefined;
}

/** The keys and rules of one encryption, merged from the flags and the matching creation rule. */
export interface EncryptSettings {
  keyGroups: KeyGroup[];
  shamirThreshold: number;
  rules: Partial<EncryptionRules>;
}

const RULE_NAMES = [
  'unencryptedSuffix',
  'encryptedSuffix',
  'unencryptedRegex',
  'encryptedRegex',
  'unencryptedCommentRegex',
  'encryptedCommentRegex',
] as const;

/**
 * Merges the flags with the creation rule for `fileName`, as sops'
 * `getEncryptConfig` does: each encryption rule given as a flag wins over the
 * config's, and keys from the command line (or `SOPS_AZURE_KEYVAULT_URLS`)
 * replace the rule's keys. A config with creation rules that match nothing
 * is an error even when keys are given, as in sops.
 */
export function resolveEncryptSettings(
  flags: EncryptFlags,
  loaded: LoadedConfig,
  fileName: string,
  azure: AzureKeySource,
): EncryptSettings {
  const match = loaded.config === undefined ? { status: 'no-rules' as const } : creationRuleFor(loaded.config, path.resolve(fileName));
  if (match.status === 'no-match') {
    throw noMatchingCreationRuleError(loaded.config!.path, match.matchedPath);
  }
  const rule = match.status === 'matched' ? match.rule : undefined;

  const rules: Partial<EncryptionRules> = {};
  for (const name of RULE_NAMES) {
    const value = flags.rules[name] ?? rule?.rules[name];
    if (value !== undefined && value !== '') {
      rules[name] = value;
    }
  }
  rules.macOnlyEncrypted = flags.macOnlyEncrypted || rule?.rules.macOnlyEncrypted === true;

  const shamirThreshold = flags.shamirThreshold ?? rule?.shamirThreshold ?? 0;
  if (flags.azureKv !== undefined && flags.azureKv !== '') {
    return { keyGroups: [azure.fromUrls(flags.azureKv)], shamirThreshold, rules };
  }
  if (rule === undefined) {
    throw new AzkvError(
      'ERR_NO_KEYS',
      'no master key given: the config file was not found or has no creation rules, and no key was given on the command line',
      {
        exitCode: ExitCode.ErrorGeneric,
        hint: 'pass --azure-kv https://VAULT.vault.azure.net/keys/NAME/VERSION, set SOPS_AZURE_KEYVAULT_URLS, or add a creation rule with azure_keyvault to .sops.yaml',
      },
    );
  }
  if (rule.unsupportedKeyTypes.length > 0) {
    throw new AzkvError(
      'ERR_NO_KEYS',
      `the creation rule at line ${rule.line} of ${loaded.config!.path} uses ${rule.unsupportedKeyTypes.join(', ')} keys, which azkv cannot encrypt with`,
      { exitCode: ExitCode.ErrorGeneric, hint: 'use sops for files that need those key types, or give only azure_keyvault keys to azkv' },
    );
  }

  const keyGroups = rule.keyGroups.map((group) => [
    ...group.azureKeyUrls.flatMap((url) => azure.fromUrls(url)),
    ...group.azureKeys.map((key) => azure.fromKeyId({ vaultUrl: key.vaultUrl, name: key.name, ...(key.version === '' ? {} : { version: key.version }) })),
  ]);
  return { keyGroups, shamirThreshold, rules };
}

/** The flags that every file command shares (see `fileFlags`). */
export interface FileCommandFlags {
  'in-place': boolean;
  output?: string | undefined;
  'filename-override'?: string | undefined;
  'input-type'?: string | undefined;
  'output-type'?: string | undefined;
  config?: string | undefined;
  indent?: number | undefined;
}

/** Everything a file command has prepared before it encrypts or decrypts. */
export interface PreparedFileCommand {
  input: CommandInput;
  loaded: LoadedConfig;
  stores: StorePair;
}

/**
 * Runs the steps every file command starts with, in sops' order: check the
 * output flags, read the input, load `.sops.yaml`, and choose the stores.
 * Configuration warnings go to `warn`.
 */
export async function prepareFileCommand(
  file: string | undefined,
  flags: FileCommandFlags,
  options: { requireFilenameOverride: boolean; warn: (message: string) => void },
): Promise<PreparedFileCommand> {
  checkOutputFlags({ inPlace: flags['in-place'], output: flags.output });
  const input = await readInput({
    file,
    inPlace: flags['in-place'],
    filenameOverride: flags['filename-override'],
    requireFilenameOverride: options.requireFilenameOverride,
  });

  const loaded = await loadSopsConfig(flags.config);
  if (loaded.warning !== undefined) {
    options.warn(loaded.warning);
  }
  const registry = createRegistry(loaded.config, flags.indent);
  const stores = selectStores(registry, input.formatName, flags['input-type'], flags['output-type']);
  return { input, loaded, stores };
}
