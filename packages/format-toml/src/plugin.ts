import type { FormatPlugin } from '@azkv/formats';
import { createTomlStore } from './store.js';

/**
 * The format plugin that adds the `toml` store (files ending in `.toml`) to
 * every registry built by `createDefaultRegistry` once it is registered with
 * `registerFormatPlugin`. It takes no settings from `.sops.yaml`.
 */
export const tomlFormatPlugin: FormatPlugin = {
  name: '@azkv/format-toml',
  createStores: () => [createTomlStore()],
};
