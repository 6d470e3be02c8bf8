import type { IncomingMessage, ServerResponse } from 'node:http';
import { badParameter, VaultError } from './errors.js';
import type { Identity, IdentityRegistry, KeyPermission } from './identities.js';
import {
  keyBundleJson,
  keyId,
  keyItemJson,
  parseCreateKeyRequest,
  parseImportKeyRequest,
  parseKeyOperationRequest,
} from './key-requests.js';
import { assertKeyName, type KeyStore, type KeyVersion } from './key-store.js';
import { readJsonObject, sendJson } from './http.js';
import { generateRsaKey, parseImportedRsaKey, rsaDecrypt, rsaEncrypt } from './rsa.js';
import { authenticate, challengeHeader, requirePermission, resolveVaultHost, type VaultHost } from './vault-auth.js';

/** State of the running emulator that the vault handler uses. */
export interface VaultContext {
  store: KeyStore;
  identities: IdentityRegistry;
  tenantId: string;
  signingKey: Buffer;
  /** Token audiences the vault accepts. */
  audiences: () => readonly string[];
}

// Accepted api-version values: Key Vault's numbered versions (7.0 to 7.6, as
// the Go SDK sends them) and dated ones such as 2025-07-01 (JavaScript SDK 4.10).
const API_VERSION = /^(7\.\d+|\d{4}-\d{2}-\d{2})(-preview(\.\d+)?)?$/;
const MAX_PAGE_SIZE = 25;

interface KeyOperation {
  permission: KeyPermission;
  /** The key_ops entry the key must carry. */
  keyOp: string;
  /** True when the operation uses the private key. */
  decrypts: boolean;
}

// Keyed by the lowercase path segment: Key Vault paths ignore case.
const OPERATIONS = new Map<string, KeyOperation>([
  ['encrypt', { permission: 'encrypt', keyOp: 'encrypt', decrypts: false }],
  ['decrypt', { permission: 'decrypt', keyOp: 'decrypt', decrypts: true }],
  ['wrapkey', { permission: 'wrapKey', keyOp: 'wrapKey', decrypts: false }],
  ['unwrapkey', { permission: 'unwrapKey', keyOp: 'unwrapKey', decrypts: true }],
]);

/** Outcome of one vault request, for the request log. */
export interface VaultRequestLog {
  status: number;
  clientId?: string;
  /** Key Vault error code and message of a failed request; they never contain a token or key material. */
  error?: string;
}

/**
 * Serves one Key Vault data-plane request. Authentication comes first and the
 * body is read only afterwards: the SDKs send their first request without a
 * body and expect the 401 challenge in return.
 */
export async function handleVaultRequest(
  context: VaultContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<VaultRequestLog> {
  let vault: VaultHost | undefined;
  let identity: Identity | undefined;
  try {
    vault = resolveVaultHost(request);
    identity = authenticate(request, {
      signingKey: context.signingKey,
      audiences: context.audiences(),
      identities: context.identities,
    });
    const url = new URL(request.url ?? '/', vault.origin);
    const apiVersion = url.searchParams.get('api-version');
    if (apiVersion === null || !API_VERSION.test(apiVersion)) {
      throw badParameter(
        `The api-version ${apiVersion === null ? 'parameter is missing' : `'${apiVersion}' is invalid`}; send a Key Vault version such as 7.4 or 2025-07-01.`,
      );
    }
    const body = await route(context, request, url, vault, identity);
    sendJson(response, 200, body);
    return { status: 200, clientId: identity.clientId };
  } catch (error) {
    if (!(error instanceof VaultError)) {
      throw error;
    }
    const headers: Record<string, string> =
      error.status === 401 && vault !== undefined ? { 'www-authenticate': challengeHeader(context.tenantId, vault.resource) } : {};
    sendJson(response, error.status, error.toJSON(), headers);
    const outcome: VaultRequestLog = { status: error.status, error: `${error.code}: ${error.message}` };
    if (identity !== undefined) {
      outcome.clientId = identity.clientId;
    }
    return outcome;
  }
}

async function route(
  context: VaultContext,
  request: IncomingMessage,
  url: URL,
  vault: VaultHost,
  identity: Identity,
): Promise<unknown> {
  const method = request.method ?? 'GET';
  // Empty segments stay: the SDKs address the current version as /keys/{name}/ and /keys/{name}//encrypt.
  const segments = url.pathname.split('/').slice(1).map(decodePathSegment);
  const allow = (permission: KeyPermission) => requirePermission(identity, permission, vault, context.tenantId);
  const [collection, name, third, fourth, ...rest] = segments;

  if (collection?.toLowerCase() === 'keys' && rest.length === 0) {
    if (name === undefined || name === '') {
      if (method === 'GET' && third === undefined) {
        allow('list');
        return listKeys(context, url, vault);
      }
    } else if (third === undefined || (third === '' && fourth === undefined)) {
      if (method === 'GET') {
        allow('get');
        return getKey(context, name, '', vault);
      }
      if (method === 'PUT') {
        allow('import');
        return importKey(context, name, await readJsonObject(request), vault);
      }
    } else if (fourth === undefined && method === 'GET' && third.toLowerCase() === 'versions') {
      allow('list');
      return listVersions(context, name, url, vault);
    } else if (fourth === undefined && method === 'POST' && third.toLowerCase() === 'create') {
      allow('create');
      return createKey(context, name, await readJsonObject(request), vault);
    } else if (fourth === undefined && method === 'GET') {
      allow('get');
      return getKey(context, name, third, vault);
    } else if (method === 'POST') {
      const operation = OPERATIONS.get((fourth ?? third).toLowerCase());
      const version = fourth === undefined ? '' : third;
      if (operation !== undefined) {
        allow(operation.permission);
        return runKeyOperation(context, name, version, operation, await readJsonObject(request), vault);
      }
    }
  }
  throw new VaultError(501, 'NotImplemented', `The azkv emulator does not implement ${method} ${url.pathname}.`);
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badParameter(`The path segment '${segment}' is not valid percent-encoding.`);
  }
}

function getKey(context: VaultContext, name: string, version: string, vault: VaultHost): unknown {
  const found = context.store.getVersion(name, version);
  if (!found.version.attributes.enabled) {
    throw new VaultError(403, 'Forbidden', 'Operation get is not allowed on a disabled key.', 'KeyDisabled');
  }
  return keyBundleJson(vault.origin, found.key, found.version);
}

async function createKey(context: VaultContext, name: string, body: Record<string, unknown>, vault: VaultHost) {
  assertKeyName(name);
  const parsed = parseCreateKeyRequest(body);
  const jwk = await generateRsaKey(parsed.keySize);
  const { key, version } = await context.store.addVersion(name, { ...parsed, jwk });
  return keyBundleJson(vault.origin, key, version);
}

async function importKey(context: VaultContext, name: string, body: Record<string, unknown>, vault: VaultHost) {
  assertKeyName(name);
  const parsed = parseImportKeyRequest(body);
  const jwk = parseImportedRsaKey(parsed.jwk);
  const { key, version } = await context.store.addVersion(name, {
    kty: parsed.kty,
    keyOps: parsed.keyOps,
    jwk,
    attributes: parsed.attributes,
    ...(parsed.tags === undefined ? {} : { tags: parsed.tags }),
  });
  return keyBundleJson(vault.origin, key, version);
}

function listKeys(context: VaultContext, url: URL, vault: VaultHost): unknown {
  const items = context.store
    .list()
    .map((key) => keyItemJson(vault.origin, key, key.versions[key.versions.length - 1]!, false));
  return page(items, url, vault);
}

function listVersions(context: VaultContext, name: string, url: URL, vault: VaultHost): unknown {
  const key = context.store.get(name);
  return page(
    key.versions.map((version) => keyItemJson(vault.origin, key, version, true)),
    url,
    vault,
  );
}

/** Returns one page of a list and the `nextLink` to the next, with `$skiptoken` as the offset. */
function page(items: unknown[], url: URL, vault: VaultHost): { value: unknown[]; nextLink: string | null } {
  const sizeText = url.searchParams.get('maxresults');
  const size = sizeText === null ? MAX_PAGE_SIZE : Number(sizeText);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badParameter(`maxresults '${sizeText}' is invalid; use a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  const skipText = url.searchParams.get('$skiptoken') ?? '0';
  const skip = Number(skipText);
  if (!Number.isInteger(skip) || skip < 0) {
    throw badParameter(`$skiptoken '${skipText}' is invalid; pass the nextLink of the previous page unchanged.`);
  }
  const value = items.slice(skip, skip + size);
  if (skip + size >= items.length) {
    return { value, nextLink: null };
  }
  const next = new URL(url.pathname, vault.origin);
  next.searchParams.set('api-version', url.searchParams.get('api-version') ?? '');
  next.searchParams.set('$skiptoken', String(skip + size));
  next.searchParams.set('maxresults', String(size));
  return { value, nextLink: next.toString() };
}

function runKeyOperation(
  context: VaultContext,
  name: string,
  versionId: string,
  operation: KeyOperation,
  body: Record<string, unknown>,
  vault: VaultHost,
): unknown {
  const { key, version } = context.store.getVersion(name, versionId);
  assertUsable(version, operation.keyOp, operation.decrypts);
  const { algorithm, value } = parseKeyOperationRequest(body);
  const result = operation.decrypts ? rsaDecrypt(version.jwk, algorithm, value) : rsaEncrypt(version.jwk, algorithm, value);
  return { kid: keyId(vault.origin, key, version), value: result.toString('base64url') };
}

function assertUsable(version: KeyVersion, keyOp: string, decrypts: boolean): void {
  if (!version.attributes.enabled) {
    throw new VaultError(403, 'Forbidden', `Operation ${keyOp} is not allowed on a disabled key.`, 'KeyDisabled');
  }
  if (!version.keyOps.includes(keyOp)) {
    throw new VaultError(
      403,
      'Forbidden',
      `Operation ${keyOp} is not allowed on this key; its key_ops are ${version.keyOps.join(', ')}.`,
      'KeyOperationForbidden',
    );
  }
  const now = Math.floor(Date.now() / 1000);
  const { nbf, exp } = version.attributes;
  if (nbf !== undefined && now < nbf) {
    throw new VaultError(403, 'Forbidden', `Operation ${keyOp} is not allowed before the key's nbf time.`, 'KeyNotYetValid');
  }
  // NOTE: the emulator lets an expired key still decrypt and unwrap, so data
  // protected before expiry stays readable; only encrypt and wrapKey stop at exp.
  if (!decrypts && exp !== undefined && now >= exp) {
    throw new VaultError(403, 'Forbidden', `Operation ${keyOp} is not allowed on an expired key.`, 'KeyExpired');
  }
}
