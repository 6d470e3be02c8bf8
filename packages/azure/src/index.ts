export { parseKeyUrl, parseKeyUrls, formatKeyUrl, keyUrlsFromEnv, trimGoSpace, KEY_URLS_ENV_VAR, type AzureKeyId } from './keyUrl.js';
export {
  AzureKeyVaultMasterKey,
  masterKeyFromEntry,
  AZURE_KV_KEY_TYPE,
  WRAP_ALGORITHM,
  type AzureKeyVaultMasterKeyInit,
} from './masterKey.js';
export { azureKeySource, type AzureKeySource } from './keySource.js';
export {
  createCredential,
  getSharedCredential,
  setSharedCredential,
  selectCredentialNames,
  DEFAULT_CREDENTIAL_ORDER,
  TOKEN_CREDENTIALS_ENV_VAR,
  type CredentialName,
  type CreateCredentialOptions,
} from './credential.js';
export { CredentialChain, CredentialChainError, type CredentialAttempt, type NamedCredential } from './credentialChain.js';
export { isLoopbackVaultUrl, shouldDisableChallengeResourceVerification } from './loopback.js';
export { toKeyAccessError, type VaultOperation } from './vaultErrors.js';
export type { AzureClientOptions, AzureKeyVaultOptions } from './options.js';
