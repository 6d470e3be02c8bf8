import { ExitCode } from '@azkv/core';
import { ConfigError } from './errors.js';
import type { SopsConfig } from './types.js';

/** Store names as used with `--input-type` and `--output-type`. `json_binary` is accepted for `binary`. */
export type StoreName = 'yaml' | 'json' | 'binary' | 'json_binary' | 'dotenv' | 'ini';

/** Emit options taken from the `stores` section. */
export interface StoreOptions {
  /**
   * Indentation in spaces; undefined means the store's default (4 for YAML,
   * a tab for JSON). For JSON, 0 means one entry per line with no indentation.
   */
  indent?: number;
}

function indentError(config: SopsConfig | undefined, section: string, indentFlag: number | undefined, indent: number, requirement: string): ConfigError {
  const source = indentFlag !== undefined || config === undefined ? 'the --indent value' : `stores.${section}.indent in ${config.path}`;
  return new ConfigError('ERR_INVALID_INPUT', `invalid indentation ${indent} from ${source}: ${requirement}`, {
    configPath: config?.path ?? '',
    // sops finds the problem while it writes the output, so it exits with the
    // status for a failed write.
    exitCode: ExitCode.ErrorDumpingTree,
  });
}

/**
 * Returns the emit options for one store. `indentFlag` is the `--indent`
 * value, which replaces the config value for every store before the checks,
 * as in sops. Without a config, only the flag applies.
 *
 * @throws ConfigError when the YAML indent is negative or the JSON indent is
 *   below -1; sops rejects them only when it writes that format, so call this
 *   for the output store only.
 */
export function storeOptionsFor(config: SopsConfig | undefined, storeName: StoreName, indentFlag?: number): StoreOptions {
  switch (storeName) {
    case 'yaml': {
      const indent = indentFlag ?? config?.stores.yaml.indent ?? 0;
      if (indent < 0) {
        throw indentError(config, 'yaml', indentFlag, indent, 'YAML indentation must not be negative');
      }
      return indent > 0 ? { indent } : {};
    }
    case 'json':
    case 'binary':
    case 'json_binary': {
      const section = storeName === 'json' ? 'json' : 'json_binary';
      const configured = storeName === 'json' ? config?.stores.json.indent : config?.stores.jsonBinary.indent;
      const indent = indentFlag ?? configured ?? -1;
      if (indent < -1) {
        throw indentError(config, section, indentFlag, indent, 'JSON indentation must be -1 (a tab) or more');
      }
      return indent >= 0 ? { indent } : {};
    }
    case 'dotenv':
    case 'ini':
      // sops has no settings for these stores.
      return {};
  }
}
