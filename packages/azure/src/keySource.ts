import type { KeyEntry, KeySourceFactory } from '@azkv/core';
import { parseKeyUrls, type AzureKeyId } from './keyUrl.js';
import { AZURE_KV_KEY_TYPE, AzureKeyVaultMasterKey, masterKeyFromEntry } from './masterKey.js';
import type { AzureKeyVaultOptions } from './options.js';

/** Creates Azure Key Vault master keys that share one credential and one set of clients. */
export interface AzureKeySource extends KeySourceFactory {
  readonly type: typeof AZURE_KV_KEY_TYPE;
  /** Builds a key from a stored `azure_kv` metadata entry. */
  fromEntry(entry: KeyEntry): AzureKeyVaultMasterKey;
  /** Builds a new key, created now, for a parsed key URL or a configuration entry. */
  fromKeyId(id: AzureKeyId): AzureKeyVaultMasterKey;
  /** Builds new keys from a comma-separated URL list, as `--azure-kv` takes it. */
  fromUrls(list: string): AzureKeyVaultMasterKey[];
}

/**
 * Returns the `azure_kv` key source for the metadata reader and the command
 * line. Every key it creates uses `options.credential`, or else the
 * process-wide credential of {@link getSharedCredential}, looked up at the
 * first vault request so that reading a file never needs credentials.
 */
export function azureKeySource(options: AzureKeyVaultOptions = {}): AzureKeySource {
  // One options object for all keys, so that they share their clients.
  const shared: AzureKeyVaultOptions = { ...options };
  return {
    type: AZURE_KV_KEY_TYPE,
    fromEntry: (entry) => masterKeyFromEntry(entry, shared),
    fromKeyId: (id) => new AzureKeyVaultMasterKey(id, shared),
    fromUrls: (list) => parseKeyUrls(list).map((id) => new AzureKeyVaultMasterKey(id, shared)),
  };
}
