/**
 * The message authentication code of a sops file: SHA-512 over the plaintext
 * of the values in walk order, stored encrypted with the data key and with
 * `lastmodified` as additional data.
 */
import { createHash, timingSafeEqual, type Hash } from 'node:crypto';

import { ValueCipher } from './cipher.js';
import { AzkvError, DecryptionError, ExitCode, MacError } from './errors.js';
import { formatGoTimeRfc3339, goTimeFromDate, parseGoTime } from './go-time.js';

/**
 * The 32 bytes that start the hash when `mac_only_encrypted` is set (sops
 * `MACOnlyEncryptedInitialization`, the SHA-256 of the word `sops`), so that
 * such a MAC never equals the MAC over all values.
 */
export const MAC_ONLY_ENCRYPTED_INITIALIZATION: Uint8Array = Uint8Array.from([
  0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b, 0x0b, 0x97, 0x5b,
  0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
]);

/** Accumulates the MAC of a tree walk. */
export class MacHasher {
  readonly #hash: Hash = createHash('sha512');

  /** @param macOnlyEncrypted - the file's `mac_only_encrypted` setting. */
  constructor(macOnlyEncrypted: boolean) {
    if (macOnlyEncrypted) {
      this.#hash.update(MAC_ONLY_ENCRYPTED_INITIALIZATION);
    }
  }

  /** Adds the bytes of one value. */
  update(bytes: Uint8Array): void {
    this.#hash.update(bytes);
  }

  /** Returns the MAC as uppercase hexadecimal, as sops writes it. Call once. */
  digest(): string {
    return this.#hash.digest('hex').toUpperCase();
  }
}

/**
 * Formats a time for the `lastmodified` field and the MAC's additional data,
 * like Go's `Time.Format(time.RFC3339)` on a UTC time: `2006-01-02T15:04:05Z`,
 * with milliseconds dropped.
 *
 * @throws AzkvError `ERR_INVALID_INPUT` for an invalid date or a year outside 0-9999.
 */
export function formatLastModified(date: Date): string {
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
    throw new AzkvError('ERR_INVALID_INPUT', `Cannot use ${String(date)} as lastmodified: the year must be 0 to 9999.`);
  }
  return formatGoTimeRfc3339(goTimeFromDate(date));
}

/**
 * Converts a file's `lastmodified` text into the additional data of its MAC.
 * sops parses it with Go's `time.Parse(time.RFC3339, ...)` and formats it back
 * with the same layout. That drops a fraction of a second and writes a zero
 * offset as `Z`, but keeps any other offset.
 *
 * @throws AzkvError `ERR_METADATA` when the text is not an RFC 3339 time.
 */
export function normalizeLastModified(text: string): string {
  const time = parseGoTime(text);
  if (time === undefined) {
    throw new AzkvError(
      'ERR_METADATA',
      `The lastmodified value ${JSON.stringify(text)} is not an RFC 3339 time such as 2006-01-02T15:04:05Z.`,
      { exitCode: ExitCode.CouldNotReadInputFile },
    );
  }
  return formatGoTimeRfc3339(time);
}

function macAdditionalData(lastModified: string | Date): string {
  return typeof lastModified === 'string' ? normalizeLastModified(lastModified) : formatLastModified(lastModified);
}

/**
 * Encrypts a MAC for the `mac` metadata field, as a `str` value with the
 * formatted `lastModified` as additional data.
 *
 * @param mac - the uppercase hex MAC from the tree walk.
 * @param lastModified - the `lastmodified` time that is written with it.
 */
export function encryptMac(
  mac: string,
  dataKey: Uint8Array,
  lastModified: string | Date,
  cipher: ValueCipher = new ValueCipher(),
): string {
  return cipher.encrypt(mac, dataKey, macAdditionalData(lastModified));
}

/**
 * Decrypts the `mac` metadata field. A missing MAC (empty text) gives `""`,
 * as in sops.
 *
 * @throws MacError `ERR_MAC_MISMATCH` (exit status 51, as sops) when the MAC
 *   cannot be decrypted with this key and `lastModified`, or is not a string.
 */
export function decryptMac(
  encryptedMac: string,
  dataKey: Uint8Array,
  lastModified: string | Date,
  cipher: ValueCipher = new ValueCipher(),
): string {
  const additionalData = macAdditionalData(lastModified);
  let value;
  try {
    value = cipher.decrypt(encryptedMac, dataKey, additionalData);
  } catch (error) {
    if (!(error instanceof DecryptionError)) {
      throw error;
    }
    throw new MacError(
      'ERR_MAC_MISMATCH',
      `Could not decrypt the MAC with lastmodified ${additionalData}: the data key is wrong, ` +
        'or the MAC or lastmodified was changed.',
      { cause: error, hint: ignoreMacHint },
    );
  }
  if (typeof value !== 'string') {
    throw new MacError('ERR_MAC_MISMATCH', 'The stored MAC is not a string value.', { hint: ignoreMacHint });
  }
  return value;
}

const ignoreMacHint =
  'If you trust the file as it is, run the command with --ignore-mac; the next encryption writes a new MAC.';

/** Inputs of {@link verifyMac}. */
export interface VerifyMacOptions {
  /** The `mac` metadata field as stored, or `""` when the file has none. */
  storedMac: string;
  /** The MAC computed by decrypting the tree. */
  computedMac: string;
  dataKey: Uint8Array;
  /** The file's `lastmodified` text (or time). */
  lastModified: string | Date;
  cipher?: ValueCipher;
}

/**
 * Decrypts the stored MAC and compares it with the computed one in constant
 * time, as sops does before it returns any decrypted value.
 *
 * @throws MacError `ERR_MAC_NOT_FOUND` when the file has no MAC.
 * @throws MacError `ERR_MAC_MISMATCH` when the MACs differ or the stored one
 *   cannot be decrypted. Both errors exit with status 51, as in sops.
 */
export function verifyMac(options: VerifyMacOptions): void {
  const fileMac = decryptMac(options.storedMac, options.dataKey, options.lastModified, options.cipher);
  if (fileMac === '') {
    throw new MacError('ERR_MAC_NOT_FOUND', `MAC mismatch: the file has no MAC, computed ${options.computedMac}.`, {
      exitCode: ExitCode.MacMismatch,
      hint: ignoreMacHint,
    });
  }
  if (!constantTimeEqual(fileMac, options.computedMac)) {
    const displayedMac = fileMac.length > 128 ? `${fileMac.slice(0, 128)}...` : fileMac;
    throw new MacError(
      'ERR_MAC_MISMATCH',
      `MAC mismatch: the file has ${displayedMac}, computed ${options.computedMac}. ` +
        'The file was changed without its data key, or it is damaged.',
      { hint: ignoreMacHint },
    );
  }
}

function constantTimeEqual(left: string, right: string): boolean {
  const leftBytes = Buffer.from(left, 'utf8');
  const rightBytes = Buffer.from(right, 'utf8');
  // timingSafeEqual needs equal lengths; the length of a MAC is not secret.
  if (leftBytes.length !== rightBytes.length) {
    return false;
  }
  return timingSafeEqual(leftBytes, rightBytes);
}
