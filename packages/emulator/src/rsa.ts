import {
  constants,
  createPrivateKey,
  generateKeyPair,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { badParameter, VaultError } from './errors.js';

/** Encryption algorithms of Key Vault's encrypt, decrypt, wrapkey and unwrapkey operations for RSA keys. */
export const RSA_ENCRYPTION_ALGORITHMS = ['RSA-OAEP-256', 'RSA-OAEP', 'RSA1_5'] as const;

export type RsaEncryptionAlgorithm = (typeof RSA_ENCRYPTION_ALGORITHMS)[number];

/** RSA key sizes, in bits, that Key Vault creates and imports. */
export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;

/** A private RSA key as a JWK: every member base64url without padding. */
export interface RsaPrivateJwk {
  kty: 'RSA';
  n: string;
  e: string;
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
}

const PRIVATE_MEMBERS = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const generateKeyPairAsync = promisify(generateKeyPair);
const keyObjects = new WeakMap<RsaPrivateJwk, KeyObject>();

/** Generates an RSA key with public exponent 65537. */
export async function generateRsaKey(bits: number): Promise<RsaPrivateJwk> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return toPrivateJwk(privateKey.export({ format: 'jwk' }));
}

/**
 * Validates an imported JWK and returns its private RSA members. Key Vault
 * imports only keys with their private part, so a public-only JWK is rejected,
 * as is one whose members do not form a working key pair.
 */
export function parseImportedRsaKey(jwk: Record<string, unknown>): RsaPrivateJwk {
  const missing = PRIVATE_MEMBERS.filter((member) => typeof jwk[member] !== 'string' || jwk[member] === '');
  if (missing.length > 0) {
    throw badParameter(
      `The imported RSA key lacks ${missing.join(', ')}; Key Vault imports only private keys with all of n, e, d, p, q, dp, dq, qi.`,
    );
  }

  for (const member of PRIVATE_MEMBERS) {
    if (!BASE64URL.test(jwk[member] as string)) {
      throw badParameter(`The imported RSA key member '${member}' is not base64url without padding.`);
    }
  }

  const candidate = toPrivateJwk(jwk);
  const bits = rsaModulusBits(candidate);
  if (!(RSA_KEY_SIZES as readonly number[]).includes(bits)) {
    throw badParameter(`The imported RSA key has ${bits} bits; supported sizes are ${RSA_KEY_SIZES.join(', ')}.`);
  }

  let key: KeyObject;
  try {
    key = createPrivateKey({ key: { ...candidate }, format: 'jwk' });
  } catch (error) {
    throw badParameter(`The imported RSA key is invalid: ${(error as Error).message}.`);
  }
  // Node builds the key from the members without checking that they belong
  // together. A round trip through the key reveals a mismatched d, p or q.
  const probe = randomBytes(32);
  let roundTrip: Buffer | undefined;
  try {
    roundTrip = privateDecrypt(
      { key, oaepHash: 'sha256' },
      publicEncrypt({ key, oaepHash: 'sha256' }, probe),
    );
  } catch {
    roundTrip = undefined;
  }
  if (roundTrip === undefined || !roundTrip.equals(probe)) {
    throw badParameter('The imported RSA key is invalid: its private members do not match n and e.');
  }
  keyObjects.set(candidate, key);
  return candidate;
}

function toPrivateJwk(jwk: Record<string, unknown>): RsaPrivateJwk {
  const member = (name: (typeof PRIVATE_MEMBERS)[number]): string => {
    const value = jwk[name];
    if (typeof value !== 'string') {
      throw new Error(`RSA JWK member '${name}' is missing`);
    }
    return value;
  };
  return {
    kty: 'RSA',
    n: member('n'),
    e: member('e'),
    d: member('d'),
    p: member('p'),
    q: member('q'),
    dp: member('dp'),
    dq: member('dq'),
    qi: member('qi'),
  };
}

/** Returns the modulus length in bits, ignoring leading zero bytes of `n`. */
export function rsaModulusBits(jwk: Pick<RsaPrivateJwk, 'n'>): number {
  const modulus = Buffer.from(jwk.n, 'base64url');
  let start = 0;
  while (start < modulus.length && modulus[start] === 0) {
    start += 1;
  }
  if (start === modulus.length) {
    return 0;
  }
  return (modulus.length - start - 1) * 8 + (32 - Math.clz32(modulus[start]!));
}

function keyObject(jwk: RsaPrivateJwk): KeyObject {
  let key = keyObjects.get(jwk);
  if (key === undefined) {
    key = createPrivateKey({ key: { ...jwk }, format: 'jwk' });
    keyObjects.set(jwk, key);
  }
  return key;
}

function oaepHash(algorithm: 'RSA-OAEP-256' | 'RSA-OAEP'): string {
  // RSA-OAEP-256 is OAEP with SHA-256 for both the label hash and MGF1; RSA-OAEP uses SHA-1 (RFC 7518, 4.2-4.3).
  return algorithm === 'RSA-OAEP-256' ? 'sha256' : 'sha1';
}

/** Encrypts one block. Throws a BadParameter error when `plaintext` is too long for the key and padding. */
export function rsaEncrypt(jwk: RsaPrivateJwk, algorithm: RsaEncryptionAlgorithm, plaintext: Buffer): Buffer {
  const key = keyObject(jwk);
  const byteLength = Math.ceil(rsaModulusBits(jwk) / 8);
  const limit =
    algorithm === 'RSA1_5' ? byteLength - 11 : byteLength - 2 * (algorithm === 'RSA-OAEP-256' ? 32 : 20) - 2;
  if (plaintext.length > limit) {
    throw badParameter(
      `The plaintext is ${plaintext.length} bytes; ${algorithm} with a ${byteLength * 8}-bit key encrypts at most ${limit} bytes.`,
    );
  }
  if (algorithm === 'RSA1_5') {
    return publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, plaintext);
  }
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, plaintext);
}

/** Decrypts one block. Throws a BadParameter error when the ciphertext does not decrypt with this key. */
export function rsaDecrypt(jwk: RsaPrivateJwk, algorithm: RsaEncryptionAlgorithm, ciphertext: Buffer): Buffer {
  const key = keyObject(jwk);
  const byteLength = Math.ceil(rsaModulusBits(jwk) / 8);
  if (ciphertext.length !== byteLength) {
    throw badParameter(`The ciphertext is ${ciphertext.length} bytes; a ${byteLength * 8}-bit key needs exactly ${byteLength}.`);
  }
  try {
    if (algorithm === 'RSA1_5') {
      return removePkcs1Type2Padding(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext));
    }
    return privateDecrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) },
      ciphertext,
    );
  } catch (error) {
    if (error instanceof VaultError) {
      throw error;
    }
    throw badParameter(`Decryption with ${algorithm} failed: the ciphertext was not made with this key and algorithm.`);
  }
}

/**
 * Strips PKCS #1 v1.5 encryption padding (RFC 8017, 7.2.2):
 * `0x00 0x02 PS 0x00 M` with at least 8 nonzero bytes of PS.
 *
 * Node 20 refuses RSA_PKCS1_PADDING in privateDecrypt (CVE-2023-46809), so the
 * emulator decrypts without padding and checks the block itself.
 * NOTE: this check is not constant-time. That is acceptable for a loopback test
 * double; it would enable a padding oracle in a real service.
 */
function removePkcs1Type2Padding(block: Buffer): Buffer {
  if (block[0] !== 0x00 || block[1] !== 0x02) {
    throw badParameter('Decryption with RSA1_5 failed: the block does not start with 0x00 0x02.');
  }
  const separator = block.indexOf(0x00, 2);
  if (separator < 10) {
    throw badParameter('Decryption with RSA1_5 failed: the padding string is missing or shorter than 8 bytes.');
  }
  return block.subarray(separator + 1);
}
