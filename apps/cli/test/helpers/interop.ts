import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Emulator, KeyReference } from '@azkv/emulator';

/** Returns the sops interop fixtures folder, which the shared vitest setup sets. */
export function fixturesDir(): string {
  const dir = process.env.AZKV_INTEROP_FIXTURES;
  if (dir === undefined || dir === '') {
    throw new Error('AZKV_INTEROP_FIXTURES is not set: run the tests through vitest with scripts/test-setup.mjs');
  }
  return dir;
}

/** The store names used by the fixtures manifest, which are also `--input-type` values. */
export type FixtureFormat = 'yaml' | 'json' | 'ini' | 'dotenv';

export interface FixtureEntry {
  name: string;
  format: FixtureFormat;
  mac_ok: boolean;
  azkv: string;
  original: string;
  expected: string;
}

export interface FixtureManifest {
  key_name: string;
  /** The placeholder vault URL written in every fixture. */
  vault_url: string;
  key_version: string;
  fixtures: FixtureEntry[];
}

/** One leaf or comment of a fixture, in sops walk order. */
export interface ExpectedValue {
  path: Array<string | number>;
  type: 'str' | 'int' | 'float' | 'bool' | 'bytes' | 'comment';
  plaintext: string;
  encrypted: boolean;
}

export interface ExpectedFile {
  sops_version_in_file: string;
  mac_ok: boolean;
  values: ExpectedValue[];
  /** The exact `sops decrypt` output, where the sops functional tests assert one. */
  decrypted_output?: string;
}

function readJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(path.join(fixturesDir(), relativePath), 'utf8')) as T;
}

export function loadManifest(): FixtureManifest {
  return readJson<FixtureManifest>('manifest.json');
}

export function loadExpected(entry: FixtureEntry): ExpectedFile {
  return readJson<ExpectedFile>(entry.expected);
}

/** Reads a fixture file (`azkv/...` or `original/...`) as text. */
export function readFixtureText(relativePath: string): string {
  return readFileSync(path.join(fixturesDir(), relativePath), 'utf8');
}

/**
 * Imports the fixtures' RSA key into the emulator under its recorded name and
 * version, so that the `azure_kv` entries of the fixtures name an existing key.
 */
export async function importInteropKey(emulator: Emulator): Promise<KeyReference> {
  const manifest = loadManifest();
  const body = readJson<Record<string, unknown>>('keys/interop-key.import-request.json');
  return emulator.importKey(manifest.key_name, body, { version: manifest.key_version });
}

/** The `vault_url` field of the `azure_kv` entry as each store writes it. Group 1 is everything before the URL. */
const VAULT_URL_FIELDS: Record<FixtureFormat, RegExp> = {
  yaml: /^(\s*-?\s*vault_url: )(\S+)$/gm,
  json: /^(\s*"vault_url": ")([^"]+)(?=",?$)/gm,
  ini: /^(azure_kv__list_\d+__map_vault_url\s*= )(\S+)$/gm,
  dotenv: /^(sops_azure_kv__list_\d+__map_vault_url=)(\S+)$/gm,
};

/**
 * Replaces the `vault_url` of every `azure_kv` entry (the flattened key for
 * INI and dotenv) with `vaultUrl`. Throws when the text has no such field, so
 * that a changed fixture layout fails loudly instead of reaching another host.
 */
export function pointAtVault(text: string, format: FixtureFormat, vaultUrl: string): string {
  let replaced = 0;
  const result = text.replace(VAULT_URL_FIELDS[format], (_match, prefix: string) => {
    replaced++;
    return `${prefix}${vaultUrl}`;
  });
  if (replaced === 0) {
    throw new Error(`no azure_kv vault_url field found in the ${format} fixture`);
  }
  return result;
}
