/**
 * UTF-8 helpers shared by the JSON parser and emitter.
 *
 * Validity follows Unicode (and Go's `unicode/utf8`): no overlong forms, no
 * encoded surrogates, nothing above U+10FFFF.
 */

/** Decodes UTF-8 without dropping a leading byte order mark and without throwing. */
export const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

function inRange(byte: number | undefined, low: number, high: number): boolean {
  return byte !== undefined && byte >= low && byte <= high;
}

/**
 * Returns the length in bytes of the valid UTF-8 sequence that starts at
 * `offset`, or 0 when the byte there does not start a valid sequence.
 */
export function utf8SequenceLength(bytes: Uint8Array, offset: number): number {
  const lead = bytes[offset];
  if (lead === undefined) {
    return 0;
  }
  if (lead < 0x80) {
    return 1;
  }
  const second = bytes[offset + 1];
  if (lead >= 0xc2 && lead <= 0xdf) {
    return isContinuation(second) ? 2 : 0;
  }
  if (lead >= 0xe0 && lead <= 0xef) {
    // After E0 only A0..BF may follow (no overlong forms), after ED only 80..9F (no surrogates).
    const low = lead === 0xe0 ? 0xa0 : 0x80;
    const high = lead === 0xed ? 0x9f : 0xbf;
    return inRange(second, low, high) && isContinuation(bytes[offset + 2]) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    // After F0 only 90..BF may follow (no overlong forms), after F4 only 80..8F (nothing above U+10FFFF).
    const low = lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xf4 ? 0x8f : 0xbf;
    const valid = inRange(second, low, high) && isContinuation(bytes[offset + 2]) && isContinuation(bytes[offset + 3]);
    return valid ? 4 : 0;
  }
  return 0;
}

/** Returns the offset of the first byte that is not valid UTF-8, or -1 when all bytes are valid. */
export function findInvalidUtf8(bytes: Uint8Array): number {
  let offset = 0;
  while (offset < bytes.length) {
    const length = utf8SequenceLength(bytes, offset);
    if (length === 0) {
      return offset;
    }
    offset += length;
  }
  return -1;
}

/**
 * Decodes strict UTF-8. Returns undefined when the bytes are not valid UTF-8.
 * A leading byte order mark is kept as U+FEFF.
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch (error) {
    if (error instanceof TypeError) {
      return undefined;
    }
    throw error;
  }
}

/**
 * Splits bytes into runs of valid UTF-8 text and single invalid bytes, the
 * way Go's `utf8.DecodeRune` steps through a string: every byte that does not
 * start a valid sequence is one invalid unit. `onText` receives decoded runs,
 * `onInvalidByte` is called once per invalid byte.
 */
export function forEachUtf8Run(
  bytes: Uint8Array,
  onText: (text: string) => void,
  onInvalidByte: (byte: number) => void,
): void {
  let runStart = 0;
  let offset = 0;
  while (offset < bytes.length) {
    const length = utf8SequenceLength(bytes, offset);
    if (length > 0) {
      offset += length;
      continue;
    }
    if (offset > runStart) {
      onText(lenientDecoder.decode(bytes.subarray(runStart, offset)));
    }
    onInvalidByte(bytes[offset]!);
    offset += 1;
    runStart = offset;
  }
  if (offset > runStart) {
    onText(lenientDecoder.decode(bytes.subarray(runStart, offset)));
  }
}
