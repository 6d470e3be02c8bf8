/**
 * @azkv/format-toml: a TOML store for azkv, and the format plugin that adds
 * it to the `@azkv/formats` registry. Importing this module registers
 * nothing; call `registerFormatPlugin(tomlFormatPlugin)`, or list the package
 * in the CLI's `oclif.plugins`, whose `init` hook does that.
 */
export { createTomlStore, TomlStore } from './store.js';
export { tomlFormatPlugin } from './plugin.js';
export { parseTomlDocument, TOML_VERSION } from './load.js';
export { formatTomlDocument } from './emit.js';
