import { stat } from 'node:fs/promises';
import path from 'node:path';

/** The only config file name the lookup accepts. */
export const CONFIG_FILE_NAME = '.sops.yaml';

/** A common misspelling that the lookup reports in a warning but never loads. */
export const ALTERNATE_CONFIG_FILE_NAME = '.sops.yml';

/** The environment variable that sops 3.13.2 reads as the default of `--config`. */
export const CONFIG_PATH_ENV = 'SOPS_CONFIG';

/** Number of directories the lookup checks: the start directory and up to 99 parents, as in sops. */
const MAX_LOOKUP_DEPTH = 100;

/** The result of searching for a config file. */
export interface ConfigFileLookup {
  /** The config file found, joined onto the start directory (relative when the start is relative). */
  path?: string;
  /** Set when a `.sops.yml` file was seen on the way. sops prints it once per process. */
  warning?: string;
}

/** The config file to use, chosen from `--config`, SOPS_CONFIG and the search. */
export interface ConfigFileLocation {
  /** Undefined when no config file applies, which is not an error. */
  path: string | undefined;
  warning: string | undefined;
  /**
   * True when the user named the file with `--config` or SOPS_CONFIG. A named
   * file that cannot be read is an error, while a missing found file is not.
   */
  explicit: boolean;
}

async function pathExists(candidate: string): Promise<boolean> {
  try {
    await stat(candidate);
    return true;
  } catch {
    // sops treats every stat error, permission errors included, as a missing
    // file and keeps walking up.
    return false;
  }
}

function alternateNameWarning(alternatePath: string, configPath: string | undefined): string {
  const ignored = `ignoring ${JSON.stringify(alternatePath)}: the config file must be named ${JSON.stringify(CONFIG_FILE_NAME)}`;
  return configPath === undefined ? ignored : `${ignored}; using ${JSON.stringify(configPath)} instead`;
}

/**
 * Searches `startDirectory` and its parents for `.sops.yaml`, checking at most
 * 100 directories, and returns the first one found. A `.sops.yml` file seen
 * before that (or when none is found) produces a warning and is never used.
 * sops starts at the working directory and joins `..` to the start path, so
 * pass `.` to get the same relative paths in results and warnings.
 */
export async function findConfigFile(startDirectory: string): Promise<ConfigFileLookup> {
  let directory = startDirectory;
  let alternatePath: string | undefined;

  for (let depth = 0; depth < MAX_LOOKUP_DEPTH; depth++) {
    const candidate = path.join(directory, CONFIG_FILE_NAME);
    if (await pathExists(candidate)) {
      if (alternatePath === undefined) {
        return { path: candidate };
      }
      return { path: candidate, warning: alternateNameWarning(alternatePath, candidate) };
    }

    if (alternatePath === undefined) {
      const alternate = path.join(directory, ALTERNATE_CONFIG_FILE_NAME);
      if (await pathExists(alternate)) {
        alternatePath = alternate;
      }
    }
    directory = path.join(directory, '..');
  }

  return alternatePath === undefined ? {} : { warning: alternateNameWarning(alternatePath, undefined) };
}

export interface LocateConfigOptions {
  /** The `--config` value; undefined when the flag was not given. */
  configFlag?: string;
  /** Environment to read SOPS_CONFIG from; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The directory the search starts in; defaults to `.` (the working directory). */
  startDirectory?: string;
}

/**
 * Chooses the config file as sops 3.13.2 does: the `--config` value, else
 * SOPS_CONFIG, else the search of {@link findConfigFile}. An empty value
 * counts as unset, so `--config ''` falls back to the search.
 */
export async function locateConfigFile(options: LocateConfigOptions = {}): Promise<ConfigFileLocation> {
  const env = options.env ?? process.env;
  const named = options.configFlag ?? env[CONFIG_PATH_ENV] ?? '';
  if (named !== '') {
    return { path: named, warning: undefined, explicit: true };
  }

  const found = await findConfigFile(options.startDirectory ?? '.');
  return { path: found.path, warning: found.warning, explicit: false };
}
