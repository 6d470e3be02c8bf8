import {
  AzkvError,
  ExitCode,
  formatGoTimeRfc3339,
  goTimeFromDate,
  parseGoTime,
  type KeyEntry,
  type MasterKey,
} from '@azkv/core';
import { formatKeyUrl, parseKeyUrl, type AzureKeyId } from './keyUrl.js';
import type { AzureKeyVaultOptions } from './options.js';
import { vaultClientsFor, type VaultClients } from './vaultClients.js';
import { toKeyAccessError } from './vaultErrors.js';

/** The metadata section of Azure Key Vault keys (`azkv.KeyTypeIdentifier` in sops). */
export const AZURE_KV_KEY_TYPE = 'azure_kv';

/**
 * The algorithm sops 3.13.2 passes to the vault's `encrypt` and `decrypt`
 * operations: RSA-OAEP with SHA-256 and MGF1-SHA-256.
 */
export const WRAP_ALGORITHM = 'RSA-OAEP-256';

/** The fields of a key as stored in a file. */
export interface AzureKeyVaultMasterKeyInit extends AzureKeyId {
  /** Creation time in Go's RFC 3339 form. Defaults to now, in UTC with second precision. */
  createdAt?: string;
  /** The wrapped data key as stored in `enc`. Empty until {@link AzureKeyVaultMasterKey.encrypt}. */
  encryptedKey?: string;
}

/**
 * Decodes unpadded base64url as Go's `base64.RawURLEncoding.DecodeString`:
 * line breaks are ignored, padding and characters of other alphabets are
 * rejected. Returns undefined for invalid text.
 */
function decodeRawBase64Url(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9_-]*$/.test(compact) || compact.length % 4 === 1) {
    return undefined;
  }
  return new Uint8Array(Buffer.from(compact, 'base64url'));
}

/**
 * A sops master key held in Azure Key Vault (metadata type `azure_kv`). The
 * data key is wrapped by the vault's `encrypt` operation with RSA-OAEP-256 and
 * stored as unpadded base64url, so files stay readable by sops 3.13.2.
 */
export class AzureKeyVaultMasterKey implements MasterKey {
  readonly type = AZURE_KV_KEY_TYPE;
  readonly usable = true;
  readonly vaultUrl: string;
  readonly name: string;
  readonly createdAt: string;
  private currentVersion: string | undefined;
  private currentEncryptedKey: string;
  private versionLookup: Promise<string> | undefined;
  private readonly clients: VaultClients;

  /**
   * @param init - the key. A missing version is resolved by {@link encrypt}.
   * @param options - credential and client settings. Keys created with the
   *   same options object share their Key Vault clients.
   */
  constructor(init: AzureKeyVaultMasterKeyInit, options: AzureKeyVaultOptions = {}) {
    this.vaultUrl = init.vaultUrl;
    this.name = init.name;
    this.currentVersion = init.version === '' ? undefined : init.version;
    this.createdAt = init.createdAt ?? formatGoTimeRfc3339(goTimeFromDate(new Date()));
    this.currentEncryptedKey = init.encryptedKey ?? '';
    this.clients = vaultClientsFor(options);
  }

  /**
   * Creates a key from a key URL (see {@link parseKeyUrl}).
   *
   * @throws AzkvError `ERR_KEY_URL` for an invalid URL.
   */
  static fromUrl(url: string, options: AzureKeyVaultOptions = {}): AzureKeyVaultMasterKey {
    return new AzureKeyVaultMasterKey(parseKeyUrl(url), options);
  }

  /** The key version, or undefined while a versionless key is not yet resolved. */
  get version(): string | undefined {
    return this.currentVersion;
  }

  /** The wrapped data key as stored in `enc`, or the empty string before encryption. */
  get encryptedKey(): string {
    return this.currentEncryptedKey;
  }

  /** The key URL as sops prints it: `VAULT/keys/NAME/VERSION`. */
  get description(): string {
    return formatKeyUrl({ vaultUrl: this.vaultUrl, name: this.name, version: this.currentVersion });
  }

  /**
   * Returns the key version. A key without one gets the vault's latest
   * version, which needs the `get` key permission. The result is kept, so the
   * vault is called at most once per key.
   *
   * @throws AzkvError exit status 128 when the vault call fails. For HTTP 403
   *   the message says that the `get` permission or a versioned URL is needed.
   */
  async resolveVersion(): Promise<string> {
    if (this.currentVersion !== undefined) {
      return this.currentVersion;
    }
    this.versionLookup ??= this.fetchLatestVersion();
    try {
      this.currentVersion = await this.versionLookup;
    } catch (error) {
      this.versionLookup = undefined;
      throw error;
    }
    return this.currentVersion;
  }

  private async fetchLatestVersion(): Promise<string> {
    const keyUrl = this.description;
    let version: string | undefined;
    try {
      const key = await this.clients.keyClient(this.vaultUrl).getKey(this.name);
      version = key.properties.version;
    } catch (error) {
      throw toKeyAccessError(error, 'get', keyUrl);
    }
    if (version === undefined || version === '') {
      throw new AzkvError('ERR_KEY_ACCESS', `failed to resolve the latest version of Azure Key Vault key ${keyUrl}: the vault returned a key without a version`, {
        exitCode: ExitCode.CouldNotRetrieveKey,
      });
    }
    return version;
  }

  /**
   * Wraps the data key with the vault's `encrypt` operation and keeps the
   * result for {@link toEntry}. A versionless key is resolved first, so that
   * the stored entry names the version that wrapped the data key.
   *
   * @throws AzkvError exit status 128 naming the key URL when a vault call fails.
   */
  async encrypt(dataKey: Uint8Array): Promise<void> {
    const version = await this.resolveVersion();
    const client = this.clients.cryptographyClient({ vaultUrl: this.vaultUrl, name: this.name, version });
    let wrapped: Uint8Array;
    try {
      const result = await client.encrypt({ algorithm: WRAP_ALGORITHM, plaintext: dataKey });
      wrapped = result.result;
    } catch (error) {
      throw toKeyAccessError(error, 'encrypt', this.description);
    }
    // sops writes base64.RawURLEncoding: base64url without padding.
    this.currentEncryptedKey = Buffer.from(wrapped).toString('base64url');
  }

  /**
   * Unwraps the stored data key with the vault's `decrypt` operation, always
   * with the stored version. When the stored version is empty, the vault uses
   * its latest version, as it does for sops.
   *
   * @throws AzkvError exit status 128 naming the key URL and the reason: a
   *   missing permission (403), a missing key or version (404), a rejected
   *   token (401), the credentials that failed, or an invalid `enc` value.
   */
  async decrypt(): Promise<Uint8Array> {
    const keyUrl = this.description;
    const ciphertext = decodeRawBase64Url(this.currentEncryptedKey);
    if (ciphertext === undefined || ciphertext.length === 0) {
      const problem = this.currentEncryptedKey === '' ? 'is empty' : 'is not unpadded base64url';
      throw new AzkvError('ERR_METADATA', `cannot decrypt the data key with Azure Key Vault key ${keyUrl}: its enc value ${problem}`, {
        exitCode: ExitCode.CouldNotRetrieveKey,
        hint: 'The azure_kv entry of the file was changed or damaged; decrypt with another master key and rotate.',
      });
    }

    const client = this.clients.cryptographyClient({ vaultUrl: this.vaultUrl, name: this.name, version: this.currentVersion ?? '' });
    try {
      const { result } = await client.decrypt({ algorithm: WRAP_ALGORITHM, ciphertext });
      // The SDK returns a Buffer, and callers get a plain view of the same bytes.
      return new Uint8Array(result.buffer, result.byteOffset, result.byteLength);
    } catch (error) {
      throw toKeyAccessError(error, 'decrypt', keyUrl);
    }
  }

  /** Returns the metadata entry in the field order of sops' `azkvkey` struct. */
  toEntry(): KeyEntry {
    return [
      ['vault_url', this.vaultUrl],
      ['name', this.name],
      ['version', this.currentVersion ?? ''],
      ['created_at', this.createdAt],
      ['enc', this.currentEncryptedKey],
    ];
  }
}

function entryField(entry: KeyEntry, field: string): string {
  const found = entry.find(([name]) => name === field);
  if (found === undefined) {
    return '';
  }
  const value = found[1];
  if (typeof value !== 'string') {
    throw new AzkvError('ERR_METADATA', `invalid ${AZURE_KV_KEY_TYPE} entry: field '${field}' must be a single value, not a mapping`);
  }
  return value;
}

/**
 * Reads a stored `azure_kv` entry as sops 3.13.2 does: missing fields are
 * empty, unknown fields are ignored, and `created_at` must be an RFC 3339
 * time stamp. The time stamp is kept in the form Go writes it back.
 *
 * @throws AzkvError `ERR_METADATA` for a missing or invalid `created_at`.
 */
export function masterKeyFromEntry(entry: KeyEntry, options: AzureKeyVaultOptions = {}): AzureKeyVaultMasterKey {
  const vaultUrl = entryField(entry, 'vault_url');
  const name = entryField(entry, 'name');
  const createdAtText = entryField(entry, 'created_at');
  // sops reads created_at with time.Parse(time.RFC3339) and writes it back
  // with Time.Format(time.RFC3339).
  const createdAt = parseGoTime(createdAtText);
  if (createdAt === undefined) {
    throw new AzkvError(
      'ERR_METADATA',
      `invalid ${AZURE_KV_KEY_TYPE} entry for ${vaultUrl}/keys/${name}: created_at ${JSON.stringify(createdAtText)} is not an RFC 3339 time stamp such as 2006-01-02T15:04:05Z`,
    );
  }
  return new AzureKeyVaultMasterKey(
    {
      vaultUrl,
      name,
      version: entryField(entry, 'version'),
      createdAt: formatGoTimeRfc3339(createdAt),
      encryptedKey: entryField(entry, 'enc'),
    },
    options,
  );
}
