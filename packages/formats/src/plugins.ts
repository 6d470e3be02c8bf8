import { AzkvError } from '@azkv/core';
import type { DefaultStoresConfig, StoreRegistry } from './registry.js';
import type { Store } from './store.js';

/**
 * A package that adds file formats. Once registered with
 * {@link registerFormatPlugin}, its stores are part of every registry that
 * `createDefaultRegistry` builds afterwards, and of the default registry.
 */
export interface FormatPlugin {
  /** A unique name, usually the npm package name (`@azkv/format-toml`). */
  readonly name: string;
  /**
   * Creates the plugin's stores for one registry. `config` contains the store
   * settings of that registry (from `.sops.yaml` and `--indent` in the CLI),
   * which a plugin may ignore. Called once per registry.
   */
  createStores(config: DefaultStoresConfig): Store[];
  /**
   * Lets the plugin's stores replace a store that is already registered
   * under the same name, built-in stores included, and take over its
   * extensions. Without it, such a conflict throws.
   */
  readonly replaceExisting?: boolean;
}

// Process-wide, so that a plugin registered by the host program (the CLI's
// oclif hook) reaches every registry built later in the same process.
const plugins: FormatPlugin[] = [];

function invalidPlugin(message: string, hint?: string): AzkvError {
  return new AzkvError('ERR_INVALID_INPUT', message, hint === undefined ? {} : { hint });
}

/**
 * Registers a format plugin for the whole process. Registering the same
 * plugin object again does nothing, so a host may call this more than once.
 * Throws AzkvError ERR_INVALID_INPUT when the plugin has no name or no
 * `createStores` function, or when another plugin object has the same name.
 */
export function registerFormatPlugin(plugin: FormatPlugin): void {
  const name: unknown = plugin?.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalidPlugin(`cannot register a format plugin with the name ${JSON.stringify(name)}: use a non-empty name`);
  }
  if (typeof plugin.createStores !== 'function') {
    throw invalidPlugin(`cannot register the format plugin "${name}": it has no createStores() function`);
  }
  const existing = plugins.find((candidate) => candidate.name === name);
  if (existing === plugin) {
    return;
  }
  if (existing !== undefined) {
    throw invalidPlugin(
      `a different format plugin named "${name}" is already registered`,
      'two copies of the plugin package are probably installed; remove one, or call unregisterFormatPlugin() first',
    );
  }
  plugins.push(plugin);
}

/** Removes a format plugin by name. Returns false when none was registered. Registries built before keep its stores. */
export function unregisterFormatPlugin(name: string): boolean {
  const index = plugins.findIndex((plugin) => plugin.name === name);
  if (index === -1) {
    return false;
  }
  plugins.splice(index, 1);
  return true;
}

/** Returns the registered format plugins in registration order. */
export function listFormatPlugins(): readonly FormatPlugin[] {
  return [...plugins];
}

/**
 * Registers the stores of one plugin in `registry`. Errors from the plugin
 * and registration conflicts are rethrown as AzkvError ERR_INVALID_INPUT
 * naming the plugin, because the user has to fix or remove the plugin.
 */
export function addPluginStores(registry: StoreRegistry, plugin: FormatPlugin, config: DefaultStoresConfig): void {
  let stores: Store[];
  try {
    stores = plugin.createStores(config);
  } catch (error) {
    throw pluginFailure(plugin, 'could not create its stores', error);
  }
  if (!Array.isArray(stores)) {
    throw invalidPlugin(`the format plugin "${plugin.name}" returned no array of stores from createStores()`);
  }
  for (const store of stores) {
    try {
      registry.register(store, { replace: plugin.replaceExisting === true });
    } catch (error) {
      throw pluginFailure(plugin, `could not register the store "${String(store?.name)}"`, error);
    }
  }
}

function pluginFailure(plugin: FormatPlugin, failedStep: string, error: unknown): AzkvError {
  const reason = error instanceof Error ? error.message : String(error);
  return new AzkvError('ERR_INVALID_INPUT', `the format plugin "${plugin.name}" ${failedStep}: ${reason}`, {
    cause: error,
    hint: 'update or uninstall the plugin package',
  });
}
