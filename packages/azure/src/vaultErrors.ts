import { AzkvError, ExitCode } from '@azkv/core';

/** The Key Vault key operations azkv calls, named as the key permissions that allow them. */
export type VaultOperation = 'get' | 'encrypt' | 'decrypt';

const CREDENTIAL_ERROR_NAMES = new Set([
  'AggregateAuthenticationError',
  'AuthenticationError',
  'AuthenticationRequiredError',
  'CredentialUnavailableError',
]);

const CREDENTIAL_HINT =
  'Configure one credential: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal, ' +
  'a managed or workload identity, or `az login`. AZURE_TOKEN_CREDENTIALS limits which ones are tried.';

interface HttpFailure {
  statusCode: number | undefined;
  message: string;
}

/** Reads the fields of an `@azure/core-rest-pipeline` RestError without importing that package. */
function asRestError(error: unknown): HttpFailure | undefined {
  if (!(error instanceof Error) || error.name !== 'RestError') {
    return undefined;
  }
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  return { statusCode: typeof statusCode === 'number' ? statusCode : undefined, message: error.message };
}

function reasonForStatus(operation: VaultOperation, statusCode: number, keyUrl: string): { reason: string; hint?: string } {
  switch (statusCode) {
    case 401:
      return { reason: 'the vault rejected the access token (HTTP 401)', hint: CREDENTIAL_HINT };
    case 403:
      if (operation === 'get') {
        return {
          reason: 'the identity lacks the `get` key permission (HTTP 403), which resolving the latest key version needs',
          hint: `Grant the \`get\` key permission, or name a version in the URL: ${keyUrl}VERSION`,
        };
      }
      return {
        reason: `the identity lacks the \`${operation}\` permission on the key (HTTP 403)`,
        hint: `Grant the \`${operation}\` key permission to the identity azkv runs as, for example through the Key Vault Crypto User role.`,
      };
    case 404:
      return {
        reason: operation === 'get' ? 'the key was not found in the vault (HTTP 404)' : 'the key or this version of it was not found in the vault (HTTP 404)',
        hint: 'Check the vault URL, key name and version; a deleted key must be recovered first.',
      };
    default:
      return { reason: `the vault returned HTTP ${statusCode}` };
  }
}

const ACTIONS: Record<VaultOperation, string> = {
  get: 'resolve the latest version of',
  encrypt: 'encrypt the data key with',
  decrypt: 'decrypt the data key with',
};

/**
 * Turns a failure of a vault call into an AzkvError with exit status 128
 * (sops' "could not retrieve key") whose message names the key URL and the
 * reason:
 *
 * - no credential could get a token: `ERR_CREDENTIAL`, listing each credential's reason.
 * - the vault returned 401, 403, 404 or another status: `ERR_KEY_ACCESS`, with the vault's message.
 * - the vault could not be reached: `ERR_KEY_ACCESS`, with the network error.
 *
 * An AzkvError passes through unchanged.
 */
export function toKeyAccessError(error: unknown, operation: VaultOperation, keyUrl: string): AzkvError {
  if (error instanceof AzkvError) {
    return error;
  }
  const action = `failed to ${ACTIONS[operation]} Azure Key Vault key ${keyUrl}`;
  const options = { exitCode: ExitCode.CouldNotRetrieveKey, cause: error };

  if (error instanceof Error && CREDENTIAL_ERROR_NAMES.has(error.name)) {
    return new AzkvError('ERR_CREDENTIAL', `${action}: ${error.message}`, { ...options, hint: CREDENTIAL_HINT });
  }

  const rest = asRestError(error);
  if (rest !== undefined && rest.statusCode !== undefined) {
    const { reason, hint } = reasonForStatus(operation, rest.statusCode, keyUrl);
    return new AzkvError('ERR_KEY_ACCESS', `${action}: ${reason}. The vault replied: ${rest.message}`, { ...options, hint });
  }
  if (rest !== undefined) {
    return new AzkvError('ERR_KEY_ACCESS', `${action}: the vault could not be reached: ${rest.message}`, {
      ...options,
      hint: 'Check the vault URL, DNS, proxy settings and that the vault accepts connections from this network.',
    });
  }

  const reason = error instanceof Error ? error.message : String(error);
  return new AzkvError('ERR_KEY_ACCESS', `${action}: ${reason}`, options);
}
