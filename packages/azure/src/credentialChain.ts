import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { AggregateAuthenticationError, CredentialUnavailableError } from '@azure/identity';

/** A credential together with the name used for it in messages and in `AZURE_TOKEN_CREDENTIALS`. */
export interface NamedCredential {
  readonly name: string;
  readonly credential: TokenCredential;
}

/** One failed token request of a chain. */
export interface CredentialAttempt {
  readonly name: string;
  readonly error: unknown;
  /** False when the error stopped the chain, true when the chain went on to the next credential. */
  readonly unavailable: boolean;
}

/**
 * Error names with which `@azure/identity` credentials report that they cannot
 * be used here, so that a chain tries the next one. Any other error means the
 * credential applies but authentication failed, and it stops the chain.
 */
const UNAVAILABLE_ERROR_NAMES = new Set(['CredentialUnavailableError', 'AuthenticationRequiredError']);

function isUnavailable(error: unknown): boolean {
  return error instanceof Error && UNAVAILABLE_ERROR_NAMES.has(error.name);
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/** Formats one attempt as `Name: reason`, with continuation lines indented under it. */
function formatAttempt(attempt: CredentialAttempt): string {
  let reason = errorText(attempt.error).trim();
  // Most SDK messages already start with the credential name.
  if (reason.startsWith(`${attempt.name}:`)) {
    reason = reason.slice(attempt.name.length + 1).trim();
  }
  return `  ${attempt.name}: ${reason.replace(/\n/g, '\n    ')}`;
}

/**
 * Every credential of a chain failed. The message has one line per credential
 * tried, in order, each with its reason. Tokens never appear in it.
 */
export class CredentialChainError extends AggregateAuthenticationError {
  readonly attempts: readonly CredentialAttempt[];

  constructor(attempts: readonly CredentialAttempt[], skippedCount: number) {
    super(
      attempts.map((attempt) => attempt.error),
      'no Azure credential could get an access token',
    );
    this.attempts = attempts;

    const lines = ['no Azure credential could get an access token:', ...attempts.map(formatAttempt)];
    const last = attempts.at(-1);
    if (last !== undefined && !last.unavailable && skippedCount > 0) {
      lines.push(`  (${last.name} failed to authenticate, so the ${skippedCount} credential(s) after it were not tried)`);
    }
    this.message = lines.join('\n');
  }
}

/**
 * Tries credentials in order until one returns a token, as Go azidentity's
 * `ChainedTokenCredential` does. A credential that reports itself unavailable
 * passes the request on, and any other error ends the search. The first
 * credential that succeeds is used for every later request.
 */
export class CredentialChain implements TokenCredential {
  private successful: NamedCredential | undefined;

  constructor(private readonly sources: readonly NamedCredential[]) {}

  /** The credential names, in the order they are tried. */
  get names(): string[] {
    return this.sources.map((source) => source.name);
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    if (this.successful !== undefined) {
      return this.successful.credential.getToken(scopes, options);
    }

    const attempts: CredentialAttempt[] = [];
    for (const [index, source] of this.sources.entries()) {
      let token: AccessToken | null;
      try {
        token = await source.credential.getToken(scopes, options);
      } catch (error) {
        const unavailable = isUnavailable(error);
        attempts.push({ name: source.name, error, unavailable });
        if (!unavailable) {
          throw new CredentialChainError(attempts, this.sources.length - index - 1);
        }
        continue;
      }
      if (token !== null) {
        this.successful = source;
        return token;
      }
      attempts.push({ name: source.name, error: new Error('returned no token'), unavailable: true });
    }
    throw new CredentialChainError(attempts, 0);
  }
}

/**
 * A credential that could not be configured. Every token request fails with
 * the reason, marked unavailable so that a chain moves on.
 */
export class UnavailableCredential implements TokenCredential {
  constructor(readonly reason: string) {}

  async getToken(): Promise<AccessToken> {
    throw new CredentialUnavailableError(this.reason);
  }
}

/**
 * Wraps a credential that calls a developer tool (Azure CLI, Azure Developer
 * CLI, Azure PowerShell) so that any failure is reported as unavailable. Go's
 * azidentity 1.11 and later do the same inside `DefaultAzureCredential`, so a
 * broken tool never hides the credentials after it.
 */
export class DeveloperToolCredential implements TokenCredential {
  constructor(private readonly inner: TokenCredential) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    try {
      return await this.inner.getToken(scopes, options);
    } catch (error) {
      if (isUnavailable(error)) {
        throw error;
      }
      throw new CredentialUnavailableError(errorText(error), { cause: error });
    }
  }
}
