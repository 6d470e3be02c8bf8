import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, findConfigFile, loadConfigFile, locateConfigFile } from '../src/config/index.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'azkv-config-lookup-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function makeDirectory(...parts: string[]): Promise<string> {
  const directory = path.join(root, ...parts);
  await mkdir(directory, { recursive: true });
  return directory;
}

/** Creates `levels` nested directories below the root and returns them, outermost first. */
async function makeDeepTree(levels: number): Promise<string[]> {
  const directories = [root];
  for (let level = 1; level <= levels; level++) {
    directories.push(path.join(directories[level - 1]!, 'd'));
  }
  await mkdir(directories[levels]!, { recursive: true });
  return directories;
}

describe('findConfigFile', () => {
  it('finds the file in the start directory', async () => {
    await writeFile(path.join(root, '.sops.yaml'), 'creation_rules: []\n');

    const result = await findConfigFile(root);

    expect(result).toEqual({ path: path.join(root, '.sops.yaml') });
  });

  it('walks up to an ancestor directory', async () => {
    const start = await makeDirectory('a', 'b', 'c');
    await writeFile(path.join(root, 'a', '.sops.yaml'), '');

    const result = await findConfigFile(start);

    expect(result.path).toBe(path.join(root, 'a', '.sops.yaml'));
    expect(result.warning).toBeUndefined();
  });

  it('prefers the nearest file', async () => {
    const start = await makeDirectory('a', 'b');
    await writeFile(path.join(root, '.sops.yaml'), '');
    await writeFile(path.join(root, 'a', 'b', '.sops.yaml'), '');

    const result = await findConfigFile(start);

    expect(result.path).toBe(path.join(start, '.sops.yaml'));
  });

  it('keeps a relative start relative', async () => {
    const start = await makeDirectory('a', 'b');
    await writeFile(path.join(root, '.sops.yaml'), '');
    const relativeStart = path.relative(process.cwd(), start);

    const result = await findConfigFile(relativeStart);

    expect(result.path).toBe(path.join(relativeStart, '..', '..', '.sops.yaml'));
    expect(path.isAbsolute(result.path!)).toBe(false);
  });

  it('warns about .sops.yml below .sops.yaml', async () => {
    const start = await makeDirectory('project');
    await writeFile(path.join(start, '.sops.yml'), 'creation_rules: []\n');
    await writeFile(path.join(root, '.sops.yaml'), '');

    const result = await findConfigFile(start);

    expect(result.path).toBe(path.join(root, '.sops.yaml'));
    expect(result.warning).toContain(JSON.stringify(path.join(start, '.sops.yml')));
    expect(result.warning).toContain('must be named ".sops.yaml"');
    expect(result.warning).toContain(`using ${JSON.stringify(path.join(root, '.sops.yaml'))}`);
  });

  it('prefers .sops.yaml over .sops.yml in one directory', async () => {
    await writeFile(path.join(root, '.sops.yml'), '');
    await writeFile(path.join(root, '.sops.yaml'), '');

    const result = await findConfigFile(root);

    expect(result).toEqual({ path: path.join(root, '.sops.yaml') });
  });

  it('reports only the nearest .sops.yml', async () => {
    const start = await makeDirectory('a', 'b');
    await writeFile(path.join(root, 'a', '.sops.yml'), '');
    await writeFile(path.join(start, '.sops.yml'), '');
    await writeFile(path.join(root, '.sops.yaml'), '');

    const result = await findConfigFile(start);

    expect(result.warning).toContain(JSON.stringify(path.join(start, '.sops.yml')));
    expect(result.warning).not.toContain(JSON.stringify(path.join(root, 'a', '.sops.yml')));
  });

  it('checks at most 100 directories', async () => {
    // The search from the deepest of 101 levels stays inside the temporary
    // tree, so files elsewhere on the machine cannot change the result.
    const directories = await makeDeepTree(100);
    await writeFile(path.join(root, '.sops.yaml'), '');

    const fromDeepest = await findConfigFile(directories[100]!);
    const fromOneLevelHigher = await findConfigFile(directories[99]!);

    expect(fromDeepest).toEqual({});
    expect(fromOneLevelHigher.path).toBe(path.join(directories[99]!, ...Array<string>(99).fill('..'), '.sops.yaml'));
  });

  it('warns about .sops.yml when nothing is found', async () => {
    const directories = await makeDeepTree(100);
    await writeFile(path.join(directories[50]!, '.sops.yml'), '');

    const result = await findConfigFile(directories[100]!);

    expect(result.path).toBeUndefined();
    expect(result.warning).toContain('.sops.yml"');
    expect(result.warning).not.toContain('using');
  });

  it('finds a .sops.yaml directory', async () => {
    await makeDirectory('.sops.yaml');

    const result = await findConfigFile(root);

    expect(result.path).toBe(path.join(root, '.sops.yaml'));
    const error = await loadConfigFile(result.path!).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('ERR_IO');
    expect((error as ConfigError).message).toContain('it is a directory');
  });
});

describe('locateConfigFile', () => {
  it('uses --config over SOPS_CONFIG', async () => {
    const result = await locateConfigFile({ configFlag: 'flag.yaml', env: { SOPS_CONFIG: 'env.yaml' }, startDirectory: root });

    expect(result).toEqual({ path: 'flag.yaml', warning: undefined, explicit: true });
  });

  it('uses SOPS_CONFIG without --config', async () => {
    const result = await locateConfigFile({ env: { SOPS_CONFIG: 'env.yaml' }, startDirectory: root });

    expect(result).toEqual({ path: 'env.yaml', warning: undefined, explicit: true });
  });

  it('searches when --config is empty', async () => {
    await writeFile(path.join(root, '.sops.yaml'), '');

    const result = await locateConfigFile({ configFlag: '', env: { SOPS_CONFIG: 'env.yaml' }, startDirectory: root });

    expect(result).toEqual({ path: path.join(root, '.sops.yaml'), warning: undefined, explicit: false });
  });

  it('searches when SOPS_CONFIG is empty', async () => {
    await writeFile(path.join(root, '.sops.yaml'), '');

    const result = await locateConfigFile({ env: { SOPS_CONFIG: '' }, startDirectory: root });

    expect(result.path).toBe(path.join(root, '.sops.yaml'));
    expect(result.explicit).toBe(false);
  });

  it('returns no path when the search finds nothing', async () => {
    const directories = await makeDeepTree(100);

    const result = await locateConfigFile({ env: {}, startDirectory: directories[100]! });

    expect(result).toEqual({ path: undefined, warning: undefined, explicit: false });
  });

  it('returns a missing named file', async () => {
    const missing = path.join(root, 'missing.yaml');

    const result = await locateConfigFile({ configFlag: missing, env: {} });
    const error = await loadConfigFile(result.path!).catch((caught: unknown) => caught);

    expect(result.explicit).toBe(true);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('ERR_IO');
    expect((error as ConfigError).exitCode).toBe(1);
    expect((error as ConfigError).message).toBe(`failed to read config file ${missing}: the file does not exist`);
  });
});
