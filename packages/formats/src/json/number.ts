/**
 * JSON numbers as sops 3.13.2 reads and writes them.
 *
 * sops decodes numbers with Go's `json.Decoder.UseNumber` and then converts
 * each one: text that `strconv.ParseInt(text, 10, 64)` accepts becomes an int,
 * anything else a float64 from `strconv.ParseFloat`, and a float that
 * overflows is an error. Writing uses `encoding/json`, whose float format is
 * the shortest round-trip form with an exponent only below 1e-6 and from 1e21.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The JSON number grammar; the groups are the fraction and the exponent. */
export const JSON_NUMBER_PATTERN = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

/** The result of {@link convertJsonNumber}: a tree value, or the reason the number cannot be one. */
export type JsonNumberValue = { ok: true; value: bigint | number } | { ok: false; reason: string };

/**
 * Converts the text of a JSON number (already matched by
 * {@link JSON_NUMBER_PATTERN}) the way sops does: an integer within the
 * int64 range becomes a bigint (so `-0` becomes `0n`), every other number
 * becomes a float, including integers beyond int64, which lose precision as
 * they do in sops. A float beyond the float64 range is rejected, as Go's
 * `ParseFloat` rejects it. A float that underflows becomes zero.
 */
export function convertJsonNumber(text: string, isInteger: boolean): JsonNumberValue {
  if (isInteger) {
    const integer = BigInt(text);
    if (integer >= INT64_MIN && integer <= INT64_MAX) {
      return { ok: true, value: integer };
    }
  }
  // Number() rounds a decimal string correctly to the nearest double, which
  // is what Go's ParseFloat does.
  const float = Number(text);
  if (!Number.isFinite(float)) {
    return { ok: false, reason: `the number ${text} is too large for a 64-bit float` };
  }
  return { ok: true, value: float };
}

/**
 * Formats a float as Go's `encoding/json` writes a float64. Returns undefined
 * for NaN and the infinities, which JSON cannot represent.
 *
 * JavaScript's `Number.prototype.toString` already picks the shortest digits
 * that round-trip and switches to exponent form at the same bounds as Go
 * (below 1e-6 and from 1e21), with the same exponent spelling (`1e+21`,
 * `1e-7`). The only difference is negative zero, which Go writes as `-0`.
 */
export function formatGoJsonFloat(value: number): string | undefined {
  if (!Number.isFinite(value)) {
    return undefined;
  }
  if (Object.is(value, -0)) {
    return '-0';
  }
  return String(value);
}
