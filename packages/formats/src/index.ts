/**
 * @azkv/formats: the stores that read and write sops files (YAML, JSON,
 * dotenv, INI and binary), the registry that picks one by name or path, and
 * the format plugins that add stores to it.
 * Importing this module has no side effects; the default registry is built on
 * first use.
 */
export type { EmitOptions, EncryptedDocument, Store } from './store.js';
export {
  embedMetadata,
  extractMetadata,
  METADATA_KEY,
  METADATA_PREFIX,
  type EmbedOptions,
  type MetadataFlatten,
} from './embed.js';
export { flattenBranch, LIST_SEPARATOR, MAP_SEPARATOR, unflattenBranch } from './flatten.js';

export * from './json/index.js';
export * from './binary/index.js';
export * from './yaml/index.js';
export * from './ini/index.js';
export * from './dotenv/index.js';

export {
  createDefaultRegistry,
  getDefaultRegistry,
  getStore,
  listStores,
  registerStore,
  StoreRegistry,
  storeForPath,
  type DefaultStoresConfig,
  type RegisterOptions,
  type StoreRegistryOptions,
} from './registry.js';
export {
  listFormatPlugins,
  registerFormatPlugin,
  unregisterFormatPlugin,
  type FormatPlugin,
} from './plugins.js';
