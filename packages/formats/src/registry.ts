import { AzkvError } from '@azkv/core';
import { createBinaryStore } from './binary/index.js';
import { createDotenvStore } from './dotenv/index.js';
import { createIniStore } from './ini/index.js';
import { createJsonStore } from './json/index.js';
import { addPluginStores, listFormatPlugins, type FormatPlugin } from './plugins.js';
import type { Store } from './store.js';
import { createYamlStore } from './yaml/index.js';

/** Options of {@link StoreRegistry.register}. */
export interface RegisterOptions {
  /**
   * Replace a store registered under the same name, and take over any of the
   * store's extensions that another store has claimed. Without it, either
   * conflict throws.
   */
  replace?: boolean;
}

/** Options of the {@link StoreRegistry} constructor. */
export interface StoreRegistryOptions {
  /**
   * The name of the store that {@link StoreRegistry.forPath} returns for a
   * path with no registered extension (sops uses `binary`). Without it, such
   * a path throws.
   */
  fallback?: string;
}

const STORE_METHODS = ['loadPlainFile', 'loadEncryptedFile', 'emitPlainFile', 'emitEncryptedFile'] as const;

function invalidStore(message: string): AzkvError {
  return new AzkvError('ERR_INVALID_INPUT', message);
}

/**
 * Validates a store before registration: a name without whitespace, the four
 * Store methods, and extensions without a leading dot or path separators.
 */
function validateStore(store: Store): void {
  const name: unknown = store?.name;
  if (typeof name !== 'string' || name === '' || /\s/.test(name)) {
    throw invalidStore(`cannot register a store with the name ${JSON.stringify(name)}: use a non-empty name without spaces`);
  }
  for (const method of STORE_METHODS) {
    if (typeof store[method] !== 'function') {
      throw invalidStore(`cannot register the store "${name}": it has no ${method}() method`);
    }
  }
  if (!Array.isArray(store.extensions)) {
    throw invalidStore(`cannot register the store "${name}": extensions must be an array of strings`);
  }
  for (const extension of store.extensions as unknown[]) {
    if (typeof extension !== 'string' || extension === '' || extension.startsWith('.') || /[/\\]/.test(extension)) {
      throw invalidStore(
        `cannot register the store "${name}": invalid extension ${JSON.stringify(extension)}; ` +
          'write it without the leading dot, for example "toml"',
      );
    }
  }
}

/**
 * The stores the CLI can use, found by name (`--input-type`,
 * `--output-type`) or by the file name.
 */
export class StoreRegistry {
  private readonly stores = new Map<string, Store>();
  /** Extension (without the dot) to the name of the store that claims it. */
  private readonly extensionOwners = new Map<string, string>();
  private readonly fallback: string | undefined;

  constructor(options: StoreRegistryOptions = {}) {
    this.fallback = options.fallback;
  }

  /**
   * Adds a store. Throws AzkvError ERR_INVALID_INPUT for an invalid store,
   * and, unless `options.replace` is set, when its name or one of its
   * extensions is already registered. A failed call changes nothing.
   */
  register(store: Store, options: RegisterOptions = {}): void {
    validateStore(store);
    const replace = options.replace === true;
    if (!replace && this.stores.has(store.name)) {
      throw invalidStore(`a store named "${store.name}" is already registered; pass { replace: true } to replace it`);
    }
    for (const extension of store.extensions) {
      const owner = this.extensionOwners.get(extension);
      if (!replace && owner !== undefined && owner !== store.name) {
        throw invalidStore(
          `cannot register the store "${store.name}": the extension ".${extension}" belongs to the store "${owner}"; ` +
            'pass { replace: true } to take it over',
        );
      }
    }

    for (const [extension, owner] of this.extensionOwners) {
      if (owner === store.name) {
        this.extensionOwners.delete(extension);
      }
    }
    for (const extension of store.extensions) {
      this.extensionOwners.set(extension, store.name);
    }
    this.stores.set(store.name, store);
  }

  /** Tells whether a store with this exact name is registered. */
  has(name: string): boolean {
    return this.stores.has(name);
  }

  /**
   * Returns the store with this exact (case-sensitive) name. Throws
   * AzkvError ERR_UNKNOWN_FORMAT listing the registered names.
   */
  get(name: string): Store {
    const store = this.stores.get(name);
    if (store === undefined) {
      throw new AzkvError('ERR_UNKNOWN_FORMAT', `unknown format ${JSON.stringify(name)}: use one of ${this.describeNames()}`);
    }
    return store;
  }

  /**
   * Returns the store for a file path by its ending, as sops'
   * `FormatForPath` does: the path must end with `.` plus a registered
   * extension, compared case-sensitively (`secrets.JSON` is not JSON), and
   * the longest matching extension wins. Any other path gets the fallback
   * store. Throws AzkvError ERR_UNKNOWN_FORMAT when nothing matches and
   * there is no fallback.
   */
  forPath(path: string): Store {
    let match: { extension: string; owner: string } | undefined;
    for (const [extension, owner] of this.extensionOwners) {
      if (path.endsWith(`.${extension}`) && (match === undefined || extension.length > match.extension.length)) {
        match = { extension, owner };
      }
    }
    if (match !== undefined) {
      return this.get(match.owner);
    }
    if (this.fallback !== undefined && this.stores.has(this.fallback)) {
      return this.get(this.fallback);
    }
    throw new AzkvError(
      'ERR_UNKNOWN_FORMAT',
      `no format is registered for the file ${JSON.stringify(path)}: choose one of ${this.describeNames()} with --input-type`,
    );
  }

  /** Returns the registered stores in registration order. */
  list(): Store[] {
    return [...this.stores.values()];
  }

  private describeNames(): string {
    const names = [...this.stores.keys()].sort();
    return names.length === 0 ? '(no formats are registered)' : names.join(', ');
  }
}

/** Store settings from the `stores` section of `.sops.yaml`. */
export interface DefaultStoresConfig {
  yaml?: { indent?: number };
  json?: { indent?: number };
  /** The binary store's JSON envelope; `stores.json_binary` in `.sops.yaml`. */
  jsonBinary?: { indent?: number };
}

/**
 * Creates a registry with the sops built-in stores (yaml, json, dotenv, ini,
 * and binary as the fallback for unknown file endings) configured with
 * `config`, followed by the stores of every registered format plugin in
 * plugin registration order. The CLI builds one per run, so that
 * `.sops.yaml` settings apply.
 *
 * Throws AzkvError ERR_INVALID_INPUT naming the plugin when a plugin fails
 * to create its stores, or when one of them takes a name or extension that
 * is already registered and the plugin did not set `replaceExisting`.
 */
export function createDefaultRegistry(config: DefaultStoresConfig = {}): StoreRegistry {
  const registry = new StoreRegistry({ fallback: 'binary' });
  registry.register(createYamlStore(config.yaml ?? {}));
  registry.register(createJsonStore(config.json ?? {}));
  registry.register(createDotenvStore());
  registry.register(createIniStore());
  registry.register(createBinaryStore(config.jsonBinary ?? {}));
  for (const plugin of listFormatPlugins()) {
    addPluginStores(registry, plugin, config);
  }
  return registry;
}

let defaultRegistry: StoreRegistry | undefined;
/** The plugins whose stores the default registry already contains. */
const defaultRegistryPlugins = new Set<FormatPlugin>();

/**
 * Returns the process-wide registry with the built-in stores in their
 * default configuration, creating it on first use. Plugins registered after
 * it was created are added on the next call. Importing the package
 * registers nothing.
 */
export function getDefaultRegistry(): StoreRegistry {
  if (defaultRegistry === undefined) {
    const plugins = listFormatPlugins();
    defaultRegistry = createDefaultRegistry();
    for (const plugin of plugins) {
      defaultRegistryPlugins.add(plugin);
    }
  }
  for (const plugin of listFormatPlugins()) {
    if (!defaultRegistryPlugins.has(plugin)) {
      addPluginStores(defaultRegistry, plugin, {});
      defaultRegistryPlugins.add(plugin);
    }
  }
  return defaultRegistry;
}

/** Registers a store in the {@link getDefaultRegistry | default registry}. */
export function registerStore(store: Store, options: RegisterOptions = {}): void {
  getDefaultRegistry().register(store, options);
}

/** Returns a store of the default registry by name; see {@link StoreRegistry.get}. */
export function getStore(name: string): Store {
  return getDefaultRegistry().get(name);
}

/** Returns the default registry's store for a file path; see {@link StoreRegistry.forPath}. */
export function storeForPath(path: string): Store {
  return getDefaultRegistry().forPath(path);
}

/** Returns the stores of the default registry in registration order. */
export function listStores(): Store[] {
  return getDefaultRegistry().list();
}
