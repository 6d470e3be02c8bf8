import { AzkvError, ExitCode, type AzkvErrorCode } from '@azkv/core';

/**
 * Exit status for an unreadable or invalid config file. sops 3.13.2 defines
 * ErrorReadingConfig (5) but never uses it: every config error passes through
 * its generic error path and exits with 1, so azkv does the same.
 */
export const CONFIG_ERROR_EXIT_CODE: number = ExitCode.ErrorGeneric;

/** The message sops 3.13.2 prints when a config has creation rules but none matches the file. */
export const NO_MATCHING_CREATION_RULE_MESSAGE = 'error loading config: no matching creation rules found';

export interface ConfigErrorOptions {
  configPath: string;
  /** 1-based line in the config file, when the error has one position. */
  line?: number;
  exitCode?: number;
  hint?: string;
  cause?: unknown;
}

/**
 * An error in a `.sops.yaml` file or in the rule chosen from it. The message
 * names the config file, and the line where one applies.
 */
export class ConfigError extends AzkvError {
  readonly configPath: string;
  readonly line: number | undefined;

  constructor(code: AzkvErrorCode, message: string, options: ConfigErrorOptions) {
    super(code, message, {
      exitCode: options.exitCode ?? CONFIG_ERROR_EXIT_CODE,
      hint: options.hint,
      cause: options.cause,
    });
    this.name = 'ConfigError';
    this.configPath = options.configPath;
    this.line = options.line;
  }
}

/**
 * Creates the error for a config whose creation rules match no file. The
 * message is sops' own, so scripts that look for it keep working. The hint
 * names the config file and the path that was matched.
 */
export function noMatchingCreationRuleError(configPath: string, matchedPath: string): ConfigError {
  return new ConfigError('ERR_USAGE', NO_MATCHING_CREATION_RULE_MESSAGE, {
    configPath,
    hint: `no path_regex in ${configPath} matches '${matchedPath}'; add a rule that matches it, or a last rule without path_regex`,
  });
}
