import type { TokenCredential } from '@azure/core-auth';
import type { CryptographyClientOptions } from '@azure/keyvault-keys';

/**
 * HTTP pipeline settings passed to the Key Vault clients and to the credentials
 * that request tokens over HTTP. Programs normally need none of them. Tests use
 * `tlsOptions.ca` to trust a local emulator's certificate authority in-process,
 * because Node reads `NODE_EXTRA_CA_CERTS` only when the process starts.
 */
export type AzureClientOptions = Pick<
  CryptographyClientOptions,
  'additionalPolicies' | 'httpClient' | 'proxyOptions' | 'retryOptions' | 'tlsOptions' | 'userAgentOptions'
>;

/** Settings shared by every Azure Key Vault master key of one key source. */
export interface AzureKeyVaultOptions {
  /**
   * The credential for every vault request. Defaults to the process-wide
   * credential of {@link getSharedCredential}, created on first use.
   */
  credential?: TokenCredential;
  /** Pipeline settings for the Key Vault clients. */
  clientOptions?: AzureClientOptions;
}
