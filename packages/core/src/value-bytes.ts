/**
 * The bytes sops encrypts and hashes for each kind of leaf (sops `ToBytes` and
 * `aes.Cipher.Encrypt`), and the typed values it reads back from them.
 */
import { AzkvError, ExitCode } from './errors.js';
import { formatGoFloat, isGoInt, parseGoBool, parseGoFloat, parseGoInt } from './go-number.js';
import { marshalGoTime, parseGoTime } from './go-time.js';
import { Comment, FloatValue, Timestamp } from './tree.js';

/** The `type:` field of an `ENC[...]` value. */
export type SopsValueType = 'str' | 'int' | 'float' | 'bool' | 'bytes' | 'time' | 'comment';

/** Every type name that sops 3.13.2 can decrypt. */
export const SOPS_VALUE_TYPES: readonly SopsValueType[] = ['str', 'int', 'float', 'bytes', 'bool', 'time', 'comment'];

/** A leaf or comment that can be encrypted. `null` is never encrypted. */
export type PlainValue = string | bigint | number | FloatValue | boolean | Uint8Array | Timestamp | Comment;

/** A decrypted value. Floats come back as plain numbers, not as {@link FloatValue}. */
export type DecryptedValue = string | bigint | number | boolean | Uint8Array | Timestamp | Comment;

/** A value as sops encrypts it: its type name and its exact bytes. */
export interface EncodedValue {
  type: SopsValueType;
  bytes: Uint8Array;
}

const utf8Encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF, which is part of the value.
const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// A UTF-16 surrogate without its partner cannot be written as UTF-8, so
// encoding it would silently replace it with U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unsupported(path: string, message: string, hint?: string): AzkvError {
  return new AzkvError('ERR_UNSUPPORTED_VALUE', `The value at path "${path}" is not supported by the sops format: ${message}`, {
    exitCode: ExitCode.ErrorEncryptingTree,
    ...(hint === undefined ? {} : { hint }),
  });
}

function encodeText(text: string, path: string): Uint8Array {
  if (LONE_SURROGATE.test(text)) {
    throw unsupported(path, 'the text contains an unpaired UTF-16 surrogate, which has no UTF-8 form.');
  }
  return utf8Encoder.encode(text);
}

/**
 * Encodes a value as sops does before encrypting or hashing it.
 *
 * - strings and comment text: UTF-8;
 * - `bigint`: decimal, limited to Go's int64 like sops' `int`;
 * - `number` and {@link FloatValue}: Go's `FormatFloat(v, 'f', -1, 64)`
 *   (a `FloatValue` encodes its value, never its source text);
 * - `boolean`: `True` or `False`;
 * - {@link Timestamp}: Go's `Time.MarshalText` of the parsed text;
 * - `Uint8Array`: the bytes as they are, typed `str`, because sops turns byte
 *   leaves into strings before encrypting them (and cannot decrypt type `bytes`).
 *
 * @param path - the value's path (its additional data), used in error messages only.
 * @throws AzkvError `ERR_UNSUPPORTED_VALUE` for an integer outside int64, a
 *   timestamp Go cannot read or write, or text with an unpaired surrogate.
 */
export function encodeValue(value: PlainValue, path: string): EncodedValue {
  if (typeof value === 'string') {
    return { type: 'str', bytes: encodeText(value, path) };
  }
  if (typeof value === 'bigint') {
    if (!isGoInt(value)) {
      throw unsupported(
        path,
        'the integer is outside the 64-bit range that sops supports.',
        'Quote the number to store it as a string.',
      );
    }
    return { type: 'int', bytes: utf8Encoder.encode(value.toString()) };
  }
  if (typeof value === 'number') {
    return { type: 'float', bytes: utf8Encoder.encode(formatGoFloat(value)) };
  }
  if (typeof value === 'boolean') {
    return { type: 'bool', bytes: utf8Encoder.encode(value ? 'True' : 'False') };
  }
  if (value instanceof Uint8Array) {
    return { type: 'str', bytes: value };
  }
  if (value instanceof FloatValue) {
    return { type: 'float', bytes: utf8Encoder.encode(formatGoFloat(value.value)) };
  }
  if (value instanceof Timestamp) {
    const parsed = parseGoTime(value.text);
    const text = parsed === undefined ? undefined : marshalGoTime(parsed);
    if (text === undefined) {
      throw unsupported(path, 'the timestamp is not an RFC 3339 time that Go can read and write back.');
    }
    return { type: 'time', bytes: utf8Encoder.encode(text) };
  }
  if (value instanceof Comment) {
    return { type: 'comment', bytes: encodeText(value.value, path) };
  }
  throw unsupported(path, `values of type ${describeType(value)} are not supported.`);
}

/** Names the JavaScript type of an unexpected value for error messages, never its content. */
export function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'object') {
    return (value as object).constructor?.name ?? 'object';
  }
  return typeof value;
}

/**
 * Reports whether sops skips encryption of the value and writes an empty
 * string instead (sops `isEmpty`): the empty string, empty bytes and a
 * comment with empty text.
 */
export function isEmptyValue(value: PlainValue): boolean {
  if (typeof value === 'string') {
    return value === '';
  }
  if (value instanceof Uint8Array) {
    return value.length === 0;
  }
  if (value instanceof Comment) {
    return value.value === '';
  }
  return false;
}

/**
 * Decodes decrypted bytes into the typed value, as sops' cipher does with Go's
 * `strconv` functions and `Time.UnmarshalText`. A `str` whose bytes are not
 * valid UTF-8 comes back as a `Uint8Array`, so that its bytes (and the MAC
 * over them) stay exact.
 *
 * @returns the value, or `undefined` when the bytes are not valid for the type.
 */
export function decodeValue(type: SopsValueType, bytes: Uint8Array): DecryptedValue | undefined {
  switch (type) {
    case 'str':
      return decodeUtf8(bytes) ?? bytes;
    case 'bytes':
      return bytes;
    case 'comment': {
      // Go keeps invalid UTF-8 in a comment string; JavaScript cannot, so such a
      // comment is rejected rather than changed.
      const text = decodeUtf8(bytes);
      return text === undefined ? undefined : new Comment(text);
    }
    default: {
      const text = decodeUtf8(bytes);
      return text === undefined ? undefined : decodeScalarText(type, text);
    }
  }
}

function decodeScalarText(type: 'int' | 'float' | 'bool' | 'time', text: string): DecryptedValue | undefined {
  switch (type) {
    case 'int':
      return parseGoInt(text);
    case 'float':
      return parseGoFloat(text);
    case 'bool':
      return parseGoBool(text);
    case 'time': {
      const parsed = parseGoTime(text);
      const canonical = parsed === undefined ? undefined : marshalGoTime(parsed);
      return canonical === undefined ? undefined : new Timestamp(canonical);
    }
  }
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
