import { badParameter } from './errors.js';
import { isRecord } from './files.js';
import type { KeyVersion, NewKeyVersion, StoredKey } from './key-store.js';
import { RSA_ENCRYPTION_ALGORITHMS, RSA_KEY_SIZES, type RsaEncryptionAlgorithm } from './rsa.js';

/** Key operations Key Vault allows on RSA keys. */
const RSA_KEY_OPERATIONS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey', 'import', 'export'];
/** key_ops of an RSA key created or imported without them, as Key Vault assigns. */
const DEFAULT_RSA_KEY_OPERATIONS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'];

/** Recovery settings reported in key attributes; those of a vault with soft delete and no purge protection. */
const RECOVERY_LEVEL = 'Recoverable+Purgeable';
const RECOVERABLE_DAYS = 90;

/** Parameters of a create key request (`POST /keys/{name}/create`). */
export interface CreateKeyRequest {
  kty: 'RSA' | 'RSA-HSM';
  keySize: number;
  keyOps: string[];
  attributes: NewKeyVersion['attributes'];
  tags?: Record<string, string>;
}

export function parseCreateKeyRequest(body: Record<string, unknown>): CreateKeyRequest {
  const kty = body['kty'];
  if (kty === undefined) {
    throw badParameter("The request lacks 'kty'; the emulator creates keys of type RSA and RSA-HSM.");
  }
  if (kty !== 'RSA' && kty !== 'RSA-HSM') {
    throw badParameter(`Key type ${JSON.stringify(kty)} is not supported by the emulator; use RSA or RSA-HSM.`);
  }
  const keySize = body['key_size'] ?? 2048;
  if (typeof keySize !== 'number' || !(RSA_KEY_SIZES as readonly number[]).includes(keySize)) {
    throw badParameter(`key_size ${JSON.stringify(keySize)} is invalid; use one of ${RSA_KEY_SIZES.join(', ')}.`);
  }
  const exponent = body['public_exponent'];
  if (exponent !== undefined && exponent !== null && exponent !== 65537) {
    throw badParameter(`public_exponent ${JSON.stringify(exponent)} is not supported by the emulator; use 65537.`);
  }
  rejectReleasePolicy(body);
  return {
    kty,
    keySize,
    keyOps: parseKeyOps(body['key_ops'], 'key_ops'),
    attributes: parseAttributes(body['attributes']),
    ...parseTags(body['tags']),
  };
}

/** Parameters of an import key request (`PUT /keys/{name}`). */
export interface ImportKeyRequest {
  kty: 'RSA' | 'RSA-HSM';
  jwk: Record<string, unknown>;
  keyOps: string[];
  attributes: NewKeyVersion['attributes'];
  tags?: Record<string, string>;
}

export function parseImportKeyRequest(body: Record<string, unknown>): ImportKeyRequest {
  const jwk = body['key'];
  if (!isRecord(jwk)) {
    throw badParameter("The request lacks 'key', the JSON web key to import.");
  }
  if (jwk['kty'] !== 'RSA' && jwk['kty'] !== 'RSA-HSM') {
    throw badParameter(`Key type ${JSON.stringify(jwk['kty'])} is not supported by the emulator; import RSA keys.`);
  }
  // The REST reference names the flag "hsm"; @azure/keyvault-keys 4.10 sends "Hsm".
  const hsm = body['hsm'] ?? body['Hsm'];
  if (hsm !== undefined && hsm !== null && typeof hsm !== 'boolean') {
    throw badParameter(`hsm ${JSON.stringify(hsm)} must be true or false.`);
  }
  rejectReleasePolicy(body);
  return {
    kty: hsm === true || jwk['kty'] === 'RSA-HSM' ? 'RSA-HSM' : 'RSA',
    jwk,
    keyOps: parseKeyOps(jwk['key_ops'], 'key.key_ops'),
    attributes: parseAttributes(body['attributes']),
    ...parseTags(body['tags']),
  };
}

/** Parameters of an encrypt, decrypt, wrapkey or unwrapkey request. */
export interface KeyOperationRequest {
  algorithm: RsaEncryptionAlgorithm;
  value: Buffer;
}

export function parseKeyOperationRequest(body: Record<string, unknown>): KeyOperationRequest {
  const algorithm = body['alg'];
  if (!(RSA_ENCRYPTION_ALGORITHMS as readonly unknown[]).includes(algorithm)) {
    throw badParameter(
      `Algorithm ${JSON.stringify(algorithm)} is not supported for RSA keys; use ${RSA_ENCRYPTION_ALGORITHMS.join(', ')}.`,
    );
  }
  const value = body['value'];
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]*={0,2}$/.test(value)) {
    throw badParameter("'value' must be a base64url string.");
  }
  return { algorithm: algorithm as RsaEncryptionAlgorithm, value: Buffer.from(value, 'base64url') };
}

function parseKeyOps(value: unknown, field: string): string[] {
  if (value === undefined || value === null) {
    return [...DEFAULT_RSA_KEY_OPERATIONS];
  }
  if (!Array.isArray(value) || !value.every((item) => RSA_KEY_OPERATIONS.includes(item as string))) {
    throw badParameter(`${field} ${JSON.stringify(value)} is invalid; allowed operations are ${RSA_KEY_OPERATIONS.join(', ')}.`);
  }
  return [...new Set(value as string[])];
}

function parseAttributes(value: unknown): NewKeyVersion['attributes'] {
  if (value === undefined || value === null) {
    return { enabled: true, exportable: false };
  }
  if (!isRecord(value)) {
    throw badParameter("'attributes' must be an object.");
  }
  const { enabled, nbf, exp, exportable } = value;
  if (enabled !== undefined && enabled !== null && typeof enabled !== 'boolean') {
    throw badParameter(`attributes.enabled ${JSON.stringify(enabled)} must be true or false.`);
  }
  for (const [name, time] of [['nbf', nbf], ['exp', exp]] as const) {
    if (time !== undefined && time !== null && !Number.isInteger(time)) {
      throw badParameter(`attributes.${name} ${JSON.stringify(time)} must be whole seconds since the Unix epoch.`);
    }
  }
  if (exportable === true) {
    throw badParameter('Exportable keys need a release policy, which the emulator does not support.');
  }
  return {
    enabled: enabled !== false,
    exportable: false,
    ...(typeof nbf === 'number' ? { nbf } : {}),
    ...(typeof exp === 'number' ? { exp } : {}),
  };
}

function parseTags(value: unknown): { tags?: Record<string, string> } {
  if (value === undefined || value === null) {
    return {};
  }
  if (!isRecord(value) || !Object.values(value).every((item) => typeof item === 'string')) {
    throw badParameter("'tags' must be an object of string values.");
  }
  return { tags: { ...(value as Record<string, string>) } };
}

function rejectReleasePolicy(body: Record<string, unknown>): void {
  if (body['release_policy'] !== undefined && body['release_policy'] !== null) {
    throw badParameter('Key release policies are not supported by the emulator.');
  }
}

/** Returns the key identifier: `<origin>/keys/<name>` plus `/<version>` when given. */
export function keyId(origin: string, key: StoredKey, version?: KeyVersion): string {
  return version === undefined ? `${origin}/keys/${key.name}` : `${origin}/keys/${key.name}/${version.version}`;
}

function attributesJson(version: KeyVersion): Record<string, unknown> {
  const { enabled, nbf, exp, created, updated, exportable } = version.attributes;
  return {
    enabled,
    ...(nbf === undefined ? {} : { nbf }),
    ...(exp === undefined ? {} : { exp }),
    created,
    updated,
    recoveryLevel: RECOVERY_LEVEL,
    recoverableDays: RECOVERABLE_DAYS,
    exportable,
  };
}

/** Builds a KeyBundle as Key Vault returns it: the public JWK only, never the private members. */
export function keyBundleJson(origin: string, key: StoredKey, version: KeyVersion): Record<string, unknown> {
  return {
    key: {
      kid: keyId(origin, key, version),
      kty: version.kty,
      key_ops: version.keyOps,
      n: version.jwk.n,
      e: version.jwk.e,
    },
    attributes: attributesJson(version),
    ...(version.tags === undefined ? {} : { tags: version.tags }),
  };
}

/** Builds a KeyItem of a list response; `withVersion` selects the versioned kid of a versions listing. */
export function keyItemJson(origin: string, key: StoredKey, version: KeyVersion, withVersion: boolean): Record<string, unknown> {
  return {
    kid: keyId(origin, key, withVersion ? version : undefined),
    attributes: attributesJson(version),
    ...(version.tags === undefined ? {} : { tags: version.tags }),
  };
}
