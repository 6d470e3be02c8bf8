/**
 * The value cipher of the sops format: AES-256-GCM with a 32-byte random IV
 * per value and the value's path as additional data, written as
 * `ENC[AES256_GCM,data:<base64>,iv:<base64>,tag:<base64>,type:<type>]`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { DATA_KEY_BYTES } from './data-key.js';
import { AzkvError, DecryptionError } from './errors.js';
import {
  SOPS_VALUE_TYPES,
  decodeValue,
  encodeValue,
  isEmptyValue,
  type DecryptedValue,
  type PlainValue,
  type SopsValueType,
} from './value-bytes.js';

/** Length of the IV sops generates for every value. */
export const IV_LENGTH = 32;
const TAG_LENGTH = 16;

/** The fields of an `ENC[...]` string, decoded from base64. */
export interface EncryptedValueParts {
  data: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  /** The type name exactly as written; it may be one sops does not know. */
  type: string;
}

// The pattern of sops 3.13.2 (aes/cipher.go): anchored at the start only, with
// greedy fields. `[^\n]` stands for Go's `.`, which matches any character but a
// newline, while JavaScript's `.` also stops at `\r`, U+2028 and U+2029.
const ENCRYPTED_VALUE = /^ENC\[AES256_GCM,data:([^\n]+),iv:([^\n]+),tag:([^\n]+),type:([^\n]+)\]/;

// Go's base64.StdEncoding: padding required, `\r` and `\n` ignored anywhere.
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  if (!STANDARD_BASE64.test(compact)) {
    return undefined;
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Splits an `ENC[AES256_GCM,...]` string into its decoded fields.
 *
 * @returns the fields, or `undefined` if the text does not match the sops
 *   pattern or a field is not valid standard base64.
 */
export function parseEncryptedValue(text: string): EncryptedValueParts | undefined {
  const match = ENCRYPTED_VALUE.exec(text);
  if (match === null) {
    return undefined;
  }
  const data = decodeBase64(match[1] ?? '');
  const iv = decodeBase64(match[2] ?? '');
  const tag = decodeBase64(match[3] ?? '');
  if (data === undefined || iv === undefined || tag === undefined) {
    return undefined;
  }
  return { data, iv, tag, type: match[4] ?? '' };
}

/** Reports whether `text` has the form of a sops-encrypted value. */
export function isEncryptedValue(text: string): boolean {
  return parseEncryptedValue(text) !== undefined;
}

function checkDataKey(dataKey: Uint8Array): void {
  if (!(dataKey instanceof Uint8Array) || dataKey.length !== DATA_KEY_BYTES) {
    const length = dataKey instanceof Uint8Array ? `${dataKey.length} bytes` : 'not a byte array';
    throw new AzkvError('ERR_INVALID_INPUT', `The data key must be ${DATA_KEY_BYTES} bytes long, but it is ${length}.`);
  }
}

function isKnownType(type: string): type is SopsValueType {
  return (SOPS_VALUE_TYPES as readonly string[]).includes(type);
}

/**
 * Encrypts and decrypts single values. One instance belongs to one command
 * run, because it keeps the IV of every value it decrypted, like sops' cipher
 * stash. An unchanged value written back at the same path then gets the same
 * IV and the same ciphertext, so an edited file changes only where values
 * changed.
 *
 * Unlike sops, the stash is keyed by the exact plaintext bytes and type, not by
 * the typed value. An integer read from `007` is written as `7`, and sops would
 * reuse the IV for those different bytes. This class draws a new IV instead,
 * because one GCM nonce must never protect two different plaintexts under one key.
 */
export class ValueCipher {
  readonly #stash = new Map<string, Uint8Array>();

  /**
   * Encrypts `value` with `dataKey`, using `additionalData` (the value's path,
   * see the walk) as GCM additional data.
   *
   * @returns the `ENC[...]` string, or `""` for an empty string, empty bytes or
   *   an empty comment, which sops never encrypts.
   * @throws AzkvError `ERR_INVALID_INPUT` for a data key that is not 32 bytes,
   *   `ERR_UNSUPPORTED_VALUE` for a value sops cannot encrypt (see {@link encodeValue}).
   */
  encrypt(value: PlainValue, dataKey: Uint8Array, additionalData: string): string {
    checkDataKey(dataKey);
    if (isEmptyValue(value)) {
      return '';
    }
    const { type, bytes } = encodeValue(value, additionalData);
    const iv = this.#stash.get(stashKey(type, additionalData, bytes)) ?? randomBytes(IV_LENGTH);

    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(Buffer.from(additionalData, 'utf8'));
    const data = Buffer.concat([cipher.update(bytes), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `ENC[AES256_GCM,data:${encodeBase64(data)},iv:${encodeBase64(iv)},tag:${encodeBase64(tag)},type:${type}]`;
  }

  /**
   * Decrypts an `ENC[...]` string that was encrypted with `additionalData`.
   * An empty string decrypts to `""`.
   *
   * Every failure after the format check raises the same message, naming only
   * the path. A wrong key, a changed value, IV, tag or path, and a plaintext
   * that is not valid for its type cannot be distinguished from the error.
   *
   * @throws DecryptionError if the text is not a valid `ENC[...]` value, has an
   *   unknown type, or fails authentication or type conversion.
   */
  decrypt(text: string, dataKey: Uint8Array, additionalData: string): DecryptedValue {
    checkDataKey(dataKey);
    if (text === '') {
      return '';
    }
    const parts = parseEncryptedValue(text);
    if (parts === undefined) {
      throw new DecryptionError(
        `The value at path "${additionalData}" is not a sops-encrypted value: ` +
          'expected ENC[AES256_GCM,data:...,iv:...,tag:...,type:...] with base64 fields.',
      );
    }
    if (!isKnownType(parts.type)) {
      const displayedType = parts.type.length > 40 ? `${parts.type.slice(0, 40)}...` : parts.type;
      throw new DecryptionError(
        `The value at path "${additionalData}" has the unknown type ${JSON.stringify(displayedType)}; ` +
          `known types are ${SOPS_VALUE_TYPES.join(', ')}.`,
      );
    }

    // Like Go's gcm.Open, the tag is the last 16 bytes of data followed by tag,
    // whatever the split between the two fields.
    const sealed = Buffer.concat([parts.data, parts.tag]);
    if (parts.iv.length === 0 || sealed.length < TAG_LENGTH) {
      throw authenticationFailed(additionalData);
    }
    const plaintext = openGcm(dataKey, parts.iv, sealed, additionalData);
    const value = plaintext === undefined ? undefined : decodeValue(parts.type, plaintext);
    if (plaintext === undefined || value === undefined) {
      throw authenticationFailed(additionalData);
    }
    this.#stash.set(stashKey(parts.type, additionalData, plaintext), parts.iv);
    return value;
  }

  /** Forgets every stashed IV, so that later encryptions draw fresh IVs. */
  clearStash(): void {
    this.#stash.clear();
  }
}

function stashKey(type: SopsValueType, additionalData: string, plaintext: Uint8Array): string {
  return JSON.stringify([type, additionalData, encodeBase64(plaintext)]);
}

function openGcm(dataKey: Uint8Array, iv: Uint8Array, sealed: Buffer, additionalData: string): Uint8Array | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, iv);
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
    const opened = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_LENGTH)), decipher.final()]);
    return new Uint8Array(opened);
  } catch {
    // NOTE: Node 20 rejects GCM IVs longer than 128 bytes, which Go accepts;
    // sops itself only writes 32-byte IVs.
    return undefined;
  }
}

function authenticationFailed(additionalData: string): DecryptionError {
  return new DecryptionError(
    `Could not decrypt the value at path "${additionalData}": the data key is wrong, ` +
      'or the value, its IV, tag, type or path was changed.',
  );
}
