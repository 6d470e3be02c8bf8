import { readFileSync } from 'node:fs';
import type { TokenCredential } from '@azure/core-auth';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  UsernamePasswordCredential,
  type MultiTenantTokenCredentialOptions,
} from '@azure/identity';
import { UnavailableCredential } from './credentialChain.js';
import type { AzureClientOptions } from './options.js';

/** Settings from which every credential of the chain is built. */
export interface CredentialSettings {
  /** The variables to read `AZURE_*` settings from. */
  env: NodeJS.ProcessEnv;
  /** Pipeline settings as given by the caller. */
  clientOptions: AzureClientOptions;
  /** Pipeline settings plus the authority host and additionally allowed tenants from `env`. */
  tokenOptions: MultiTenantTokenCredentialOptions;
}

function variable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function checkCertificateFile(certificatePath: string): UnavailableCredential | undefined {
  // Go's EnvironmentCredential reads the file when it is built, so a missing
  // file makes the credential unavailable rather than failing the chain.
  try {
    readFileSync(certificatePath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new UnavailableCredential(`cannot read the AZURE_CLIENT_CERTIFICATE_PATH file ${JSON.stringify(certificatePath)}: ${reason}`);
  }
  return undefined;
}

/**
 * Creates the service principal or user credential that Go azidentity 1.14.0's
 * `EnvironmentCredential` builds from the environment, checked in this order:
 *
 * 1. `AZURE_CLIENT_SECRET`: a client secret.
 * 2. `AZURE_CLIENT_CERTIFICATE_PATH` (with `AZURE_CLIENT_CERTIFICATE_PASSWORD`
 *    and `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN`): a client certificate.
 * 3. `AZURE_USERNAME` and `AZURE_PASSWORD`: a user's password.
 *
 * Each needs `AZURE_TENANT_ID` and `AZURE_CLIENT_ID`. Empty variables count as
 * unset. Without a complete configuration the result reports itself unavailable,
 * naming what is missing.
 */
export function createEnvironmentCredential(settings: CredentialSettings): TokenCredential {
  const { env, tokenOptions } = settings;
  const tenantId = variable(env, 'AZURE_TENANT_ID');
  if (tenantId === undefined) {
    return new UnavailableCredential('not configured: AZURE_TENANT_ID is not set');
  }
  const clientId = variable(env, 'AZURE_CLIENT_ID');
  if (clientId === undefined) {
    return new UnavailableCredential('not configured: AZURE_CLIENT_ID is not set');
  }

  const clientSecret = variable(env, 'AZURE_CLIENT_SECRET');
  if (clientSecret !== undefined) {
    return new ClientSecretCredential(tenantId, clientId, clientSecret, tokenOptions);
  }

  const certificatePath = variable(env, 'AZURE_CLIENT_CERTIFICATE_PATH');
  if (certificatePath !== undefined) {
    const unreadable = checkCertificateFile(certificatePath);
    if (unreadable !== undefined) {
      return unreadable;
    }
    // NOTE: the JavaScript SDK reads PEM files only, where Go also reads PKCS#12.
    const sendChain = (env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN ?? '').toLowerCase();
    return new ClientCertificateCredential(
      tenantId,
      clientId,
      { certificatePath, certificatePassword: variable(env, 'AZURE_CLIENT_CERTIFICATE_PASSWORD') },
      { ...tokenOptions, sendCertificateChain: sendChain === '1' || sendChain === 'true' },
    );
  }

  const username = variable(env, 'AZURE_USERNAME');
  if (username !== undefined) {
    const password = variable(env, 'AZURE_PASSWORD');
    if (password === undefined) {
      return new UnavailableCredential('not configured: AZURE_USERNAME is set but AZURE_PASSWORD is not');
    }
    return new UsernamePasswordCredential(tenantId, clientId, username, password, tokenOptions);
  }

  return new UnavailableCredential(
    'not configured: AZURE_TENANT_ID and AZURE_CLIENT_ID are set, but none of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_USERNAME and AZURE_PASSWORD',
  );
}
