import { randomBytes } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { badParameter, VaultError } from './errors.js';
import { isRecord, readJsonFile, writeJsonFile } from './files.js';
import { parseImportedRsaKey, type RsaPrivateJwk } from './rsa.js';

/** Key attributes as Key Vault stores them; times are seconds since the Unix epoch. */
export interface KeyAttributes {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  exportable: boolean;
  created: number;
  updated: number;
}

/** One version of a key, private part included. */
export interface KeyVersion {
  /** 32 lowercase hex digits. */
  version: string;
  kty: 'RSA' | 'RSA-HSM';
  keyOps: string[];
  jwk: RsaPrivateJwk;
  attributes: KeyAttributes;
  tags?: Record<string, string>;
}

/** A key and its versions, oldest first; the last one is the current version. */
export interface StoredKey {
  /** The name as first created; lookups ignore case, as in Key Vault. */
  name: string;
  versions: KeyVersion[];
}

/** Input of a create or import request. The store sets `created` and `updated`. */
export interface NewKeyVersion {
  kty: 'RSA' | 'RSA-HSM';
  keyOps: string[];
  jwk: RsaPrivateJwk;
  attributes: Omit<KeyAttributes, 'created' | 'updated'>;
  tags?: Record<string, string>;
  /** Test-only: use this version id instead of a random one. Real Key Vault never lets a client choose. */
  version?: string;
}

const KEY_NAME = /^[0-9A-Za-z-]{1,127}$/;
const VERSION = /^[0-9a-f]{32}$/;

/** Checks a key name against Key Vault's rule: 1-127 letters, digits and dashes. */
export function assertKeyName(name: string): void {
  if (!KEY_NAME.test(name)) {
    throw badParameter(`The key name '${name}' is invalid: use 1-127 letters, digits and dashes.`);
  }
}

/**
 * Keys of one vault, each persisted as `<dataDir>/keys/<lowercase name>.json`
 * with its private JWK in clear text: the emulator is a test double.
 */
export class KeyStore {
  readonly #dir: string;
  readonly #keys: Map<string, StoredKey>;
  // Writes run one after another so that an older snapshot never lands last.
  #writes: Promise<void> = Promise.resolve();

  private constructor(dir: string, keys: Map<string, StoredKey>) {
    this.#dir = dir;
    this.#keys = keys;
  }

  static async load(dataDir: string): Promise<KeyStore> {
    const dir = path.join(dataDir, 'keys');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const keys = new Map<string, StoredKey>();
    for (const entry of (await readdir(dir)).sort()) {
      if (!entry.endsWith('.json')) {
        continue;
      }
      const file = path.join(dir, entry);
      const key = parseStoredKey(await readJsonFile(file), file);
      keys.set(key.name.toLowerCase(), key);
    }
    return new KeyStore(dir, keys);
  }

  /** Returns every key, sorted by name. */
  list(): StoredKey[] {
    return [...this.#keys.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Returns the key or throws Key Vault's 404 KeyNotFound error. */
  get(name: string): StoredKey {
    const key = this.#keys.get(name.toLowerCase());
    if (key === undefined) {
      throw new VaultError(404, 'KeyNotFound', `A key named '${name}' was not found in this key vault.`);
    }
    return key;
  }

  /** Returns the given version, or the current one when `version` is empty; throws KeyNotFound otherwise. */
  getVersion(name: string, version: string): { key: StoredKey; version: KeyVersion } {
    const key = this.get(name);
    if (version === '') {
      return { key, version: key.versions[key.versions.length - 1]! };
    }
    const found = key.versions.find((item) => item.version === version.toLowerCase());
    if (found === undefined) {
      throw new VaultError(404, 'KeyNotFound', `Version '${version}' of key '${name}' was not found in this key vault.`);
    }
    return { key, version: found };
  }

  /** Adds a new current version, creating the key when the name is new, and persists it. */
  async addVersion(name: string, input: NewKeyVersion): Promise<{ key: StoredKey; version: KeyVersion }> {
    assertKeyName(name);
    const existing = this.#keys.get(name.toLowerCase());
    let versionId = randomBytes(16).toString('hex');
    if (input.version !== undefined) {
      if (!VERSION.test(input.version)) {
        throw new Error(`Invalid pinned version '${input.version}': use 32 lowercase hex digits.`);
      }
      if (existing?.versions.some((item) => item.version === input.version)) {
        throw new Error(`Key '${name}' already has version '${input.version}'.`);
      }
      versionId = input.version;
    }
    const now = Math.floor(Date.now() / 1000);
    const version: KeyVersion = {
      version: versionId,
      kty: input.kty,
      keyOps: [...input.keyOps],
      jwk: input.jwk,
      attributes: { ...input.attributes, created: now, updated: now },
      ...(input.tags === undefined ? {} : { tags: { ...input.tags } }),
    };
    const key = existing ?? { name, versions: [] };
    key.versions.push(version);
    this.#keys.set(name.toLowerCase(), key);
    await this.#persist(key);
    return { key, version };
  }

  #persist(key: StoredKey): Promise<void> {
    const file = path.join(this.#dir, `${key.name.toLowerCase()}.json`);
    const write = this.#writes.then(() => writeJsonFile(file, serializeStoredKey(key)));
    this.#writes = write.catch(() => undefined);
    return write;
  }
}

function serializeStoredKey(key: StoredKey): unknown {
  return {
    name: key.name,
    versions: key.versions.map((item) => ({
      version: item.version,
      kty: item.kty,
      key_ops: item.keyOps,
      key: item.jwk,
      attributes: item.attributes,
      ...(item.tags === undefined ? {} : { tags: item.tags }),
    })),
  };
}

function parseStoredKey(value: unknown, file: string): StoredKey {
  const fail = (detail: string): never => {
    throw new Error(`Invalid key file ${file}: ${detail}. Fix or delete the file.`);
  };
  if (!isRecord(value) || typeof value['name'] !== 'string' || !KEY_NAME.test(value['name'])) {
    return fail('expected {"name": <key name>, "versions": [...]}');
  }
  const versions = value['versions'];
  if (!Array.isArray(versions) || versions.length === 0) {
    return fail('"versions" must be a non-empty array');
  }
  return {
    name: value['name'],
    versions: versions.map((item: unknown, index): KeyVersion => {
      const where = `versions[${index}]`;
      if (!isRecord(item) || typeof item['version'] !== 'string' || !VERSION.test(item['version'])) {
        return fail(`${where}.version must be 32 lowercase hex digits`);
      }
      if (item['kty'] !== 'RSA' && item['kty'] !== 'RSA-HSM') {
        return fail(`${where}.kty must be "RSA" or "RSA-HSM"`);
      }
      const keyOps = item['key_ops'];
      if (!Array.isArray(keyOps) || !keyOps.every((op) => typeof op === 'string')) {
        return fail(`${where}.key_ops must be an array of strings`);
      }
      const attributes = item['attributes'];
      if (!isRecord(attributes) || typeof attributes['created'] !== 'number' || typeof attributes['updated'] !== 'number') {
        return fail(`${where}.attributes must contain numeric "created" and "updated"`);
      }
      const jwk = item['key'];
      if (!isRecord(jwk)) {
        return fail(`${where}.key must be a private RSA JWK`);
      }
      let parsedJwk: RsaPrivateJwk;
      try {
        parsedJwk = parseImportedRsaKey(jwk);
      } catch (error) {
        return fail(`${where}.key: ${(error as Error).message}`);
      }
      const tags = item['tags'];
      return {
        version: item['version'],
        kty: item['kty'],
        keyOps: keyOps as string[],
        jwk: parsedJwk,
        attributes: {
          enabled: attributes['enabled'] !== false,
          exportable: attributes['exportable'] === true,
          created: attributes['created'],
          updated: attributes['updated'],
          ...(typeof attributes['nbf'] === 'number' ? { nbf: attributes['nbf'] } : {}),
          ...(typeof attributes['exp'] === 'number' ? { exp: attributes['exp'] } : {}),
        },
        ...(isRecord(tags) ? { tags: tags as Record<string, string> } : {}),
      };
    }),
  };
}
