import { registerFormatPlugin } from '@azkv/formats';
import { tomlFormatPlugin } from '../plugin.js';

/** The part of oclif's hook context this hook uses. */
interface HookContext {
  warn(message: string): void;
}

/**
 * The oclif `init` hook: oclif runs it before every command of a CLI that
 * lists this package in `oclif.plugins`. It registers the TOML format plugin
 * in the `@azkv/formats` instance that the CLI itself imports, which is why
 * that package is a peer dependency.
 */
export default async function registerTomlFormat(this: HookContext): Promise<void> {
  try {
    registerFormatPlugin(tomlFormatPlugin);
  } catch (error) {
    // oclif ignores errors thrown by hooks, so without this warning the
    // format would be missing without any message.
    this.warn(`the TOML format is not available: ${error instanceof Error ? error.message : String(error)}`);
  }
}
