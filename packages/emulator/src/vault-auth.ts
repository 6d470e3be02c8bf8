import type { IncomingMessage } from 'node:http';
import { VaultError } from './errors.js';
import type { Identity, IdentityRegistry, KeyPermission } from './identities.js';
import { verifyToken } from './tokens.js';

/** The public Key Vault resource; tokens for it are accepted by every vault host. */
export const PUBLIC_VAULT_RESOURCE = 'https://vault.azure.net';

/** Target of a vault request, derived from its Host header. */
export interface VaultHost {
  /** `https://<host>[:port]`, the origin of key ids in responses. */
  origin: string;
  /** The resource announced in the challenge for this host. */
  resource: string;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', 'vault.localhost']);

/**
 * Maps the Host header to the origin and challenge resource. A name under
 * `vault.localhost` announces `https://vault.localhost:<port>`: the Go SDK
 * requires the request host to end with the challenge resource's host
 * (port included). Other loopback names announce the public Key Vault resource,
 * which the JavaScript SDK accepts with `disableChallengeResourceVerification`.
 * Throws a 400 VaultError for hosts the emulator's certificate does not cover.
 */
export function resolveVaultHost(request: IncomingMessage): VaultHost {
  const header = request.headers.host;
  if (header === undefined || header === '') {
    throw new VaultError(400, 'BadParameter', 'The request has no Host header.');
  }
  let url: URL;
  try {
    url = new URL(`https://${header}`);
  } catch {
    throw new VaultError(400, 'BadParameter', `The Host header '${header}' is invalid.`);
  }
  const hostname = url.hostname.toLowerCase();
  const port = url.port === '' ? '' : `:${url.port}`;
  const origin = `https://${hostname}${port}`;
  if (hostname.endsWith('.vault.localhost')) {
    return { origin, resource: `https://vault.localhost${port}` };
  }
  if (LOOPBACK_NAMES.has(hostname)) {
    return { origin, resource: PUBLIC_VAULT_RESOURCE };
  }
  throw new VaultError(
    400,
    'BadParameter',
    `The emulator serves the hosts 127.0.0.1, [::1], localhost and *.vault.localhost, not '${hostname}'.`,
  );
}

/** Formats the `WWW-Authenticate` value of a 401 response as Key Vault sends it. */
export function challengeHeader(tenantId: string, resource: string): string {
  return `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="${resource}"`;
}

/**
 * Checks the bearer token of a request and returns the identity it was issued to.
 * Throws a 401 VaultError when the token is missing or invalid, and a 403 one
 * when it names an identity that no longer exists.
 */
export function authenticate(
  request: IncomingMessage,
  options: { signingKey: Buffer; audiences: readonly string[]; identities: IdentityRegistry },
): Identity {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) {
    throw new VaultError(401, 'Unauthorized', 'The request has no Bearer token in its Authorization header.');
  }
  const check = verifyToken(match[1]!, options.signingKey, options.audiences, Math.floor(Date.now() / 1000));
  if (!check.valid) {
    throw new VaultError(401, 'Unauthorized', `The access token was rejected: ${check.reason}.`);
  }
  const identity = options.identities.find({ clientId: check.claims.appid });
  if (identity === undefined) {
    throw new VaultError(
      403,
      'Forbidden',
      `The application 'appid=${check.claims.appid}' has no access policy on this key vault.`,
      'AccessDenied',
    );
  }
  return identity;
}

/** Throws Key Vault's 403 Forbidden error when `identity` lacks `permission`. */
export function requirePermission(identity: Identity, permission: KeyPermission, vault: VaultHost, tenantId: string): void {
  if (identity.permissions.includes(permission)) {
    return;
  }
  throw new VaultError(
    403,
    'Forbidden',
    `The user, group or application 'appid=${identity.clientId};oid=${identity.objectId};iss=https://sts.windows.net/${tenantId}/' ` +
      `does not have keys ${permission} permission on key vault '${new URL(vault.origin).host}'.`,
    'AccessDenied',
  );
}
