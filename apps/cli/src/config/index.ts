export { CONFIG_ERROR_EXIT_CODE, ConfigError, NO_MATCHING_CREATION_RULE_MESSAGE, noMatchingCreationRuleError } from './errors.js';
export type { ConfigErrorOptions } from './errors.js';
export {
  ALTERNATE_CONFIG_FILE_NAME,
  CONFIG_FILE_NAME,
  CONFIG_PATH_ENV,
  findConfigFile,
  locateConfigFile,
} from './lookup.js';
export type { ConfigFileLocation, ConfigFileLookup, LocateConfigOptions } from './lookup.js';
export { loadConfigFile, parseConfig } from './load.js';
export { creationRuleFor, pathForMatching } from './rules.js';
export { storeOptionsFor } from './stores.js';
export type { StoreName, StoreOptions } from './stores.js';
export { FLAT_KEY_FIELDS } from './types.js';
export type * from './types.js';
