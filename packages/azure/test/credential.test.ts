import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { AuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { AzkvError } from '@azkv/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CredentialChain,
  CredentialChainError,
  DEFAULT_CREDENTIAL_ORDER,
  createCredential,
  getSharedCredential,
  selectCredentialNames,
  setSharedCredential,
} from '../src/index.js';
import { DeveloperToolCredential } from '../src/credentialChain.js';

const SCOPE = 'https://vault.azure.net/.default';

async function chainFailure(credential: TokenCredential): Promise<CredentialChainError> {
  try {
    await credential.getToken(SCOPE);
  } catch (error) {
    if (error instanceof CredentialChainError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the token request to fail');
}

/** A credential that counts its calls and returns a fixed outcome. */
class ScriptedCredential implements TokenCredential {
  calls = 0;

  constructor(private readonly outcome: () => AccessToken) {}

  async getToken(): Promise<AccessToken> {
    this.calls += 1;
    return this.outcome();
  }
}

const TOKEN: AccessToken = { token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 };

afterEach(() => {
  setSharedCredential(undefined);
  vi.unstubAllEnvs();
});

describe('selectCredentialNames', () => {
  it('tries the sops chain in order when unset', () => {
    expect(selectCredentialNames({})).toEqual([
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
      'AzureCliCredential',
      'AzureDeveloperCliCredential',
      'AzurePowerShellCredential',
    ]);
  });

  it('selects the developer tools for dev', () => {
    expect(selectCredentialNames({ AZURE_TOKEN_CREDENTIALS: 'dev' })).toEqual([
      'AzureCliCredential',
      'AzureDeveloperCliCredential',
      'AzurePowerShellCredential',
    ]);
  });

  it('selects deployed-service credentials for prod', () => {
    expect(selectCredentialNames({ AZURE_TOKEN_CREDENTIALS: 'prod' })).toEqual([
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
    ]);
  });

  it.each([
    ['ManagedIdentityCredential', 'ManagedIdentityCredential'],
    ['managedidentitycredential', 'ManagedIdentityCredential'],
    ['AzureCLICredential', 'AzureCliCredential'],
    ['AzureDeveloperCLICredential', 'AzureDeveloperCliCredential'],
    ['environmentcredential', 'EnvironmentCredential'],
    ['WORKLOADIDENTITYCREDENTIAL', 'WorkloadIdentityCredential'],
    ['AzurePowerShellCredential', 'AzurePowerShellCredential'],
  ])('selects %s alone', (value, expected) => {
    expect(selectCredentialNames({ AZURE_TOKEN_CREDENTIALS: value })).toEqual([expected]);
  });

  it.each(['', 'DEV', 'Prod', 'VisualStudioCodeCredential', 'Managed Identity', 'dev,prod'])('rejects %j', (value) => {
    let caught: unknown;
    try {
      selectCredentialNames({ AZURE_TOKEN_CREDENTIALS: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AzkvError);
    const error = caught as AzkvError;
    expect(error.code).toBe('ERR_CREDENTIAL');
    expect(error.exitCode).toBe(128);
    expect(error.message).toContain(`AZURE_TOKEN_CREDENTIALS value ${JSON.stringify(value)}`);
    expect(error.message).toContain('dev, prod');
  });
});

describe('createCredential', () => {
  it('builds the chain in the selected order', () => {
    expect(createCredential({}).names).toEqual([...DEFAULT_CREDENTIAL_ORDER]);
    expect(createCredential({ AZURE_TOKEN_CREDENTIALS: 'prod' }).names).toEqual([
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
    ]);
  });

  it('names the missing tenant', async () => {
    const failure = await chainFailure(createCredential({ AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential' }));
    expect(failure.attempts).toHaveLength(1);
    expect(failure.attempts[0]?.unavailable).toBe(true);
    expect(failure.message).toContain('EnvironmentCredential: not configured: AZURE_TENANT_ID is not set');
  });

  it('names the missing client id', async () => {
    const env = { AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential', AZURE_TENANT_ID: 'tenant' };
    const failure = await chainFailure(createCredential(env));
    expect(failure.message).toContain('AZURE_CLIENT_ID is not set');
  });

  it('reports an incomplete service principal', async () => {
    const env = { AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential', AZURE_TENANT_ID: 'tenant', AZURE_CLIENT_ID: 'client' };
    const failure = await chainFailure(createCredential(env));
    expect(failure.message).toContain('none of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_USERNAME and AZURE_PASSWORD');
  });

  it('reports a user without a password', async () => {
    const env = {
      AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential',
      AZURE_TENANT_ID: 'tenant',
      AZURE_CLIENT_ID: 'client',
      AZURE_USERNAME: 'user@example.com',
      AZURE_PASSWORD: '',
    };
    const failure = await chainFailure(createCredential(env));
    expect(failure.message).toContain('AZURE_USERNAME is set but AZURE_PASSWORD is not');
  });

  it('reports an unreadable certificate file', async () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'azkv-cert-')), 'absent.pem');
    const env = {
      AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential',
      AZURE_TENANT_ID: 'tenant',
      AZURE_CLIENT_ID: 'client',
      AZURE_CLIENT_CERTIFICATE_PATH: missing,
    };
    const failure = await chainFailure(createCredential(env));
    expect(failure.attempts[0]?.unavailable).toBe(true);
    expect(failure.message).toContain(`AZURE_CLIENT_CERTIFICATE_PATH file ${JSON.stringify(missing)}`);
  });

  it('lists missing workload identity settings', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'azkv-wi-'));
    const tokenFile = path.join(directory, 'token');
    writeFileSync(tokenFile, 'assertion');
    const env = { AZURE_TOKEN_CREDENTIALS: 'WorkloadIdentityCredential', AZURE_FEDERATED_TOKEN_FILE: tokenFile };
    const failure = await chainFailure(createCredential(env));
    expect(failure.message).toContain('WorkloadIdentityCredential: not configured: AZURE_CLIENT_ID, AZURE_TENANT_ID not set');
  });

  it('rejects an invalid AZURE_TOKEN_CREDENTIALS', () => {
    expect(() => createCredential({ AZURE_TOKEN_CREDENTIALS: 'everything' })).toThrow(AzkvError);
  });
});

describe('CredentialChain', () => {
  it('moves past unavailable credentials', async () => {
    const first = new ScriptedCredential(() => {
      throw new CredentialUnavailableError('first is not configured');
    });
    const second = new ScriptedCredential(() => TOKEN);
    const chain = new CredentialChain([
      { name: 'First', credential: first },
      { name: 'Second', credential: second },
    ]);
    await expect(chain.getToken(SCOPE)).resolves.toBe(TOKEN);
    expect(first.calls).toBe(1);
  });

  it('keeps using the credential that worked', async () => {
    const first = new ScriptedCredential(() => {
      throw new CredentialUnavailableError('first is not configured');
    });
    const second = new ScriptedCredential(() => TOKEN);
    const chain = new CredentialChain([
      { name: 'First', credential: first },
      { name: 'Second', credential: second },
    ]);
    await chain.getToken(SCOPE);
    await chain.getToken(SCOPE);
    expect(first.calls).toBe(1);
    expect(second.calls).toBe(2);
  });

  it('stops at an authentication failure', async () => {
    const first = new ScriptedCredential(() => {
      throw new CredentialUnavailableError('First: not configured');
    });
    const second = new ScriptedCredential(() => {
      throw new AuthenticationError(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
    });
    const third = new ScriptedCredential(() => TOKEN);
    const chain = new CredentialChain([
      { name: 'First', credential: first },
      { name: 'Second', credential: second },
      { name: 'Third', credential: third },
    ]);

    const failure = await chainFailure(chain);
    expect(third.calls).toBe(0);
    expect(failure.attempts.map((attempt) => [attempt.name, attempt.unavailable])).toEqual([
      ['First', true],
      ['Second', false],
    ]);
    const lines = failure.message.split('\n');
    expect(lines[0]).toBe('no Azure credential could get an access token:');
    expect(lines[1]).toBe('  First: not configured');
    expect(lines[2]).toMatch(/^ {2}Second: invalid_client Status code: 401$/);
    expect(failure.message).toContain('AADSTS7000215');
    expect(failure.message).toContain('Second failed to authenticate, so the 1 credential(s) after it were not tried');
    expect(failure.message).not.toContain('test-token');
  });

  it('lists every reason when all are unavailable', async () => {
    const chain = new CredentialChain(
      ['One', 'Two', 'Three'].map((name) => ({
        name,
        credential: new ScriptedCredential(() => {
          throw new CredentialUnavailableError(`${name} reason`);
        }),
      })),
    );
    const failure = await chainFailure(chain);
    expect(failure.name).toBe('AggregateAuthenticationError');
    expect(failure.errors).toHaveLength(3);
    expect(failure.message.split('\n')).toEqual([
      'no Azure credential could get an access token:',
      '  One: One reason',
      '  Two: Two reason',
      '  Three: Three reason',
    ]);
  });
});

describe('DeveloperToolCredential', () => {
  it('reports any tool failure as unavailable', async () => {
    const tool = new DeveloperToolCredential(
      new ScriptedCredential(() => {
        throw new Error('az exited with status 1');
      }),
    );
    const rejection = tool.getToken(SCOPE);
    await expect(rejection).rejects.toBeInstanceOf(CredentialUnavailableError);
    await expect(rejection).rejects.toThrow('az exited with status 1');
  });
});

describe('shared credential', () => {
  it('is created once from process.env', () => {
    vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'EnvironmentCredential');
    const first = getSharedCredential();
    expect(first).toBeInstanceOf(CredentialChain);
    expect((first as CredentialChain).names).toEqual(['EnvironmentCredential']);
    expect(getSharedCredential()).toBe(first);
  });

  it('can be replaced and reset', () => {
    vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'EnvironmentCredential');
    const injected = new ScriptedCredential(() => TOKEN);
    setSharedCredential(injected);
    expect(getSharedCredential()).toBe(injected);
    setSharedCredential(undefined);
    expect(getSharedCredential()).not.toBe(injected);
  });

  it('reports an invalid AZURE_TOKEN_CREDENTIALS on each call', () => {
    vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'nonsense');
    expect(() => getSharedCredential()).toThrow(/invalid AZURE_TOKEN_CREDENTIALS/);
    expect(() => getSharedCredential()).toThrow(/invalid AZURE_TOKEN_CREDENTIALS/);
  });
});
