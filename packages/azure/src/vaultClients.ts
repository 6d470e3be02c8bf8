import type { TokenCredential } from '@azure/core-auth';
import { CryptographyClient, KeyClient, type KeyVaultKey } from '@azure/keyvault-keys';
import { getSharedCredential } from './credential.js';
import { shouldDisableChallengeResourceVerification } from './loopback.js';
import type { AzureKeyVaultOptions } from './options.js';

/** A key to call the vault with: `version` may be empty, which the service takes as the latest one. */
export interface VaultKeyRef {
  vaultUrl: string;
  name: string;
  version: string;
}

/**
 * Key Vault clients for the keys of one key source. Clients are created on
 * first use and kept, so that each vault's authentication challenge is
 * handled once. The credential is resolved once, at the first request.
 */
export class VaultClients {
  private credential: TokenCredential | undefined;
  private readonly keyClients = new Map<string, KeyClient>();
  private readonly cryptographyClients = new Map<string, CryptographyClient>();

  constructor(private readonly options: AzureKeyVaultOptions) {}

  private getCredential(): TokenCredential {
    this.credential ??= this.options.credential ?? getSharedCredential();
    return this.credential;
  }

  private clientOptions(vaultUrl: string) {
    return {
      ...this.options.clientOptions,
      disableChallengeResourceVerification: shouldDisableChallengeResourceVerification(vaultUrl),
    };
  }

  /** Returns the client for key-management calls (`get`) on a vault. */
  keyClient(vaultUrl: string): KeyClient {
    const url = serviceVaultUrl(vaultUrl);
    let client = this.keyClients.get(url);
    if (client === undefined) {
      client = new KeyClient(url, this.getCredential(), this.clientOptions(url));
      this.keyClients.set(url, client);
    }
    return client;
  }

  /**
   * Returns a client that sends every `encrypt` and `decrypt` call to the
   * vault. Built from a key identifier, the SDK client would first download
   * the key (a `get` call sops never makes, needing a permission sops does not
   * need) to try the operation locally. Built from a key record without key
   * material, it calls the vault directly, as sops does.
   */
  cryptographyClient(key: VaultKeyRef): CryptographyClient {
    const vaultUrl = serviceVaultUrl(key.vaultUrl);
    const id = key.version === '' ? `${vaultUrl}/keys/${key.name}` : `${vaultUrl}/keys/${key.name}/${key.version}`;
    let client = this.cryptographyClients.get(id);
    if (client === undefined) {
      const remoteOnly: KeyVaultKey = {
        id,
        name: key.name,
        properties: { id, name: key.name, vaultUrl, ...(key.version === '' ? {} : { version: key.version }) },
      };
      client = new CryptographyClient(remoteOnly, this.getCredential(), this.clientOptions(vaultUrl));
      this.cryptographyClients.set(id, client);
    }
    return client;
  }
}

/**
 * Returns the vault URL to send requests to. sops stores `vault_url` as
 * written, and a configuration file may give one with a trailing slash. The
 * stored text keeps that slash, but requests drop it.
 */
function serviceVaultUrl(vaultUrl: string): string {
  return vaultUrl.replace(/\/+$/, '');
}

const clientsByOptions = new WeakMap<AzureKeyVaultOptions, VaultClients>();

/** Returns the clients shared by every key created with the same options object. */
export function vaultClientsFor(options: AzureKeyVaultOptions): VaultClients {
  let clients = clientsByOptions.get(options);
  if (clients === undefined) {
    clients = new VaultClients(options);
    clientsByOptions.set(options, clients);
  }
  return clients;
}
