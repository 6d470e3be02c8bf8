import type { TokenCredential } from '@azure/core-auth';
import {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  ManagedIdentityCredential,
  type ManagedIdentityCredentialClientIdOptions,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { AzkvError, ExitCode } from '@azkv/core';
import { CredentialChain, DeveloperToolCredential, UnavailableCredential, type NamedCredential } from './credentialChain.js';
import { createEnvironmentCredential, type CredentialSettings } from './environmentCredential.js';
import type { AzureClientOptions } from './options.js';

/**
 * The credential types of sops 3.13.2's default chain (Go azidentity 1.14.0
 * `DefaultAzureCredential`), in the order they are tried. The sops
 * documentation lists the first four. Go's chain then also tries the Azure
 * Developer CLI and Azure PowerShell, and so does this one.
 */
export const DEFAULT_CREDENTIAL_ORDER = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'AzureCliCredential',
  'AzureDeveloperCliCredential',
  'AzurePowerShellCredential',
] as const;

/** A credential type of the default chain. */
export type CredentialName = (typeof DEFAULT_CREDENTIAL_ORDER)[number];

/** The environment variable that narrows the default chain. */
export const TOKEN_CREDENTIALS_ENV_VAR = 'AZURE_TOKEN_CREDENTIALS';

const DEVELOPER_CREDENTIALS: readonly CredentialName[] = ['AzureCliCredential', 'AzureDeveloperCliCredential', 'AzurePowerShellCredential'];
const DEPLOYED_CREDENTIALS: readonly CredentialName[] = ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential'];

/**
 * Returns the credential types to try, as azidentity 1.14.0 reads
 * `AZURE_TOKEN_CREDENTIALS`: unset means the whole chain, `dev` and `prod`
 * (lower case only) select the developer-tool or the deployed-service part,
 * and a type name (any letter case, Go's `AzureCLICredential` spelling
 * included) selects that type alone.
 *
 * @throws AzkvError `ERR_CREDENTIAL` for any other value, the empty string included.
 */
export function selectCredentialNames(env: NodeJS.ProcessEnv = process.env): CredentialName[] {
  const value = env[TOKEN_CREDENTIALS_ENV_VAR];
  if (value === undefined) {
    return [...DEFAULT_CREDENTIAL_ORDER];
  }
  if (value === 'dev') {
    return [...DEVELOPER_CREDENTIALS];
  }
  if (value === 'prod') {
    return [...DEPLOYED_CREDENTIALS];
  }
  const single = DEFAULT_CREDENTIAL_ORDER.find((name) => name.toLowerCase() === value.toLowerCase());
  if (single !== undefined) {
    return [single];
  }
  throw new AzkvError(
    'ERR_CREDENTIAL',
    `invalid ${TOKEN_CREDENTIALS_ENV_VAR} value ${JSON.stringify(value)}: expected dev, prod or one of ${DEFAULT_CREDENTIAL_ORDER.join(', ')}`,
    { exitCode: ExitCode.CouldNotRetrieveKey, hint: `unset ${TOKEN_CREDENTIALS_ENV_VAR} to try every credential type` },
  );
}

/** Options of {@link createCredential}. */
export interface CreateCredentialOptions {
  /** Pipeline settings for credentials that request tokens over HTTP. */
  clientOptions?: AzureClientOptions;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function createWorkloadIdentityCredential(settings: CredentialSettings): TokenCredential {
  const { env } = settings;
  const missing = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE'].filter((name) => nonEmpty(env[name]) === undefined);
  if (missing.length > 0) {
    return new UnavailableCredential(`not configured: ${missing.join(', ')} not set (the Kubernetes workload identity webhook sets them)`);
  }
  return new WorkloadIdentityCredential({
    ...settings.tokenOptions,
    clientId: env.AZURE_CLIENT_ID,
    tenantId: env.AZURE_TENANT_ID,
    tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE,
  });
}

function createManagedIdentityCredential(settings: CredentialSettings, inChain: boolean): TokenCredential {
  const clientId = nonEmpty(settings.env.AZURE_CLIENT_ID);
  // `sendProbeRequest` is read by the SDK but missing from its public type. In
  // a chain it makes an absent IMDS endpoint fail fast instead of being retried,
  // as Go probes IMDS only when other credentials follow.
  const options: ManagedIdentityCredentialClientIdOptions & { sendProbeRequest: boolean } = {
    // The retry settings of the JavaScript SDK's own DefaultAzureCredential.
    retryOptions: { maxRetries: 5, retryDelayInMs: 800 },
    ...settings.clientOptions,
    sendProbeRequest: inChain,
  };
  if (clientId !== undefined) {
    // A user-assigned identity, which Go's chain also takes from AZURE_CLIENT_ID.
    options.clientId = clientId;
  }
  try {
    // NOTE: the SDK finds the managed identity endpoint (IDENTITY_ENDPOINT,
    // IDENTITY_HEADER, MSI_ENDPOINT, IMDS_ENDPOINT) in process.env, never in
    // `env`, and keeps the first endpoint it finds for the life of the process.
    return new ManagedIdentityCredential(options);
  } catch (error) {
    return new UnavailableCredential(error instanceof Error ? error.message : String(error));
  }
}

function createNamedCredential(name: CredentialName, settings: CredentialSettings, inChain: boolean): TokenCredential {
  const tenants = { additionallyAllowedTenants: settings.tokenOptions.additionallyAllowedTenants };
  switch (name) {
    case 'EnvironmentCredential':
      return createEnvironmentCredential(settings);
    case 'WorkloadIdentityCredential':
      return createWorkloadIdentityCredential(settings);
    case 'ManagedIdentityCredential':
      return createManagedIdentityCredential(settings, inChain);
    case 'AzureCliCredential':
      return new DeveloperToolCredential(new AzureCliCredential(tenants));
    case 'AzureDeveloperCliCredential':
      return new DeveloperToolCredential(new AzureDeveloperCliCredential(tenants));
    case 'AzurePowerShellCredential':
      return new DeveloperToolCredential(new AzurePowerShellCredential(tenants));
  }
}

/**
 * Creates the credential chain sops 3.13.2 uses for Azure Key Vault, configured
 * from `env`: the types of {@link selectCredentialNames}, in that order, with
 * service principal, user and workload identity settings read from the
 * `AZURE_*` variables of `env`.
 *
 * Nothing is contacted until the first token request. When every credential
 * fails, that request throws a {@link CredentialChainError} listing each reason.
 *
 * @throws AzkvError `ERR_CREDENTIAL` for an invalid `AZURE_TOKEN_CREDENTIALS`.
 */
export function createCredential(env: NodeJS.ProcessEnv = process.env, options: CreateCredentialOptions = {}): CredentialChain {
  const names = selectCredentialNames(env);
  const clientOptions = options.clientOptions ?? {};
  const tenantList = nonEmpty(env.AZURE_ADDITIONALLY_ALLOWED_TENANTS);
  const authorityHost = nonEmpty(env.AZURE_AUTHORITY_HOST);
  const settings: CredentialSettings = {
    env,
    clientOptions,
    tokenOptions: {
      ...clientOptions,
      ...(authorityHost === undefined ? {} : { authorityHost }),
      ...(tenantList === undefined ? {} : { additionallyAllowedTenants: tenantList.split(';') }),
    },
  };

  const sources: NamedCredential[] = names.map((name) => ({
    name,
    credential: createNamedCredential(name, settings, names.length > 1),
  }));
  return new CredentialChain(sources);
}

let sharedCredential: TokenCredential | undefined;

/**
 * Returns the process-wide credential that every Azure Key Vault key uses
 * unless it was given its own: the one set with {@link setSharedCredential},
 * or else a {@link createCredential} chain built from `process.env` on first use.
 * Sharing it means each token is requested once per process.
 *
 * @throws AzkvError `ERR_CREDENTIAL` for an invalid `AZURE_TOKEN_CREDENTIALS`.
 */
export function getSharedCredential(): TokenCredential {
  sharedCredential ??= createCredential(process.env);
  return sharedCredential;
}

/**
 * Replaces the process-wide credential, for programs that authenticate their
 * own way and for tests. `undefined` drops it, so that the next
 * {@link getSharedCredential} call builds a new chain from `process.env`.
 */
export function setSharedCredential(credential: TokenCredential | undefined): void {
  sharedCredential = credential;
}
