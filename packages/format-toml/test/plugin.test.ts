import { readFileSync } from 'node:fs';
import {
  createDefaultRegistry,
  listFormatPlugins,
  registerFormatPlugin,
  unregisterFormatPlugin,
} from '@azkv/formats';
import { afterEach, describe, expect, it } from 'vitest';
import registerTomlFormat from '../src/hooks/init.js';
import { TomlStore, tomlFormatPlugin } from '../src/index.js';

afterEach(() => {
  for (const plugin of listFormatPlugins()) {
    unregisterFormatPlugin(plugin.name);
  }
});

describe('TOML format plugin', () => {
  it('adds toml to registries only once registered', () => {
    const before = createDefaultRegistry();

    expect(before.has('toml')).toBe(false);
    expect(before.forPath('config.toml').name).toBe('binary');

    registerFormatPlugin(tomlFormatPlugin);
    const after = createDefaultRegistry();

    expect(after.list().map((store) => store.name)).toEqual(['yaml', 'json', 'dotenv', 'ini', 'binary', 'toml']);
    expect(after.forPath('config.toml')).toBeInstanceOf(TomlStore);
    expect(after.get('toml')).toBeInstanceOf(TomlStore);
    expect(before.has('toml')).toBe(false);
  });
});

describe('oclif init hook', () => {
  it('registers the plugin, once', async () => {
    const warnings: string[] = [];
    const context = { warn: (message: string) => warnings.push(message) };
    await registerTomlFormat.call(context);
    await registerTomlFormat.call(context);

    expect(listFormatPlugins()).toEqual([tomlFormatPlugin]);
    expect(warnings).toEqual([]);
  });

  it('warns when registration fails', async () => {
    registerFormatPlugin({ name: tomlFormatPlugin.name, createStores: () => [] });
    const warnings: string[] = [];
    await registerTomlFormat.call({ warn: (message: string) => warnings.push(message) });

    expect(warnings).toEqual([
      'the TOML format is not available: a different format plugin named "@azkv/format-toml" is already registered',
    ]);
  });

  it('is declared where oclif looks for it', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string;
      oclif: { hooks: Record<string, string> };
      peerDependencies: Record<string, string>;
    };

    expect(manifest.oclif.hooks).toEqual({ init: './dist/hooks/init.js' });
    expect(tomlFormatPlugin.name).toBe(manifest.name);
    // The hook must fill the registry of the CLI's own @azkv/formats and @azkv/core.
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['@azkv/core', '@azkv/formats']);
  });
});
