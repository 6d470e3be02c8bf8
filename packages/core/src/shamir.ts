import { randomBytes } from 'node:crypto';
import { AzkvError } from './errors.js';

/**
 * Shamir's secret sharing over GF(2^8) in the form sops uses for files with
 * several key groups: the field is the AES field (reduction polynomial
 * x^8 + x^4 + x^3 + x + 1), share `i` (0-based) is evaluated at x = i + 1,
 * and each share is the y bytes followed by that one x byte. Any
 * implementation of this layout can combine shares written by sops, because
 * interpolation at 0 does not depend on how the random coefficients were made.
 */

/** Multiplies in GF(2^8) without branches or table look-ups that depend on the data. */
function multiply(a: number, b: number): number {
  let accumulator = 0;
  for (let bit = 7; bit >= 0; bit -= 1) {
    const aOrZero = -((b >> bit) & 1) & a;
    const reduction = -(accumulator >> 7) & 0x1b;
    accumulator = (aOrZero ^ reduction ^ (accumulator << 1)) & 0xff;
  }
  return accumulator;
}

/** Returns a^254, the multiplicative inverse of a non-zero element. */
function inverse(a: number): number {
  let result = 1;
  let base = a;
  for (let exponent = 254; exponent > 0; exponent >>= 1) {
    if ((exponent & 1) === 1) {
      result = multiply(result, base);
    }
    base = multiply(base, base);
  }
  return result;
}

function evaluate(coefficients: Uint8Array, x: number): number {
  let result = 0;
  for (let index = coefficients.length - 1; index >= 0; index -= 1) {
    result = multiply(result, x) ^ coefficients[index]!;
  }
  return result;
}

/**
 * Splits a secret into `parts` shares of which any `threshold` recover it.
 * Throws for a threshold below 2 or above `parts`, or more than 255 parts.
 */
export function splitSecret(secret: Uint8Array, parts: number, threshold: number): Uint8Array[] {
  if (!Number.isInteger(parts) || !Number.isInteger(threshold) || threshold < 2 || threshold > parts || parts > 255) {
    throw new AzkvError(
      'ERR_INVALID_INPUT',
      `cannot split the data key into ${parts} key groups with threshold ${threshold}: the threshold must be at least 2 and at most the number of groups (255 at most)`,
    );
  }
  if (secret.length === 0) {
    throw new AzkvError('ERR_INVALID_INPUT', 'cannot split an empty secret');
  }

  const shares = Array.from({ length: parts }, (_, index) => {
    const share = new Uint8Array(secret.length + 1);
    share[secret.length] = index + 1;
    return share;
  });
  for (let position = 0; position < secret.length; position += 1) {
    const coefficients = new Uint8Array(randomBytes(threshold));
    coefficients[0] = secret[position]!;
    for (const [index, share] of shares.entries()) {
      share[position] = evaluate(coefficients, index + 1);
    }
    coefficients.fill(0);
  }
  return shares;
}

/**
 * Recovers the secret from at least two shares by Lagrange interpolation at
 * x = 0. With fewer shares than the threshold the result is a wrong secret,
 * not an error; sops' MAC check catches that. Throws for malformed shares.
 */
export function combineShares(shares: readonly Uint8Array[]): Uint8Array {
  if (shares.length < 2) {
    throw new AzkvError('ERR_INVALID_INPUT', 'at least two key group shares are needed to recover the data key');
  }
  const length = shares[0]!.length;
  if (length < 2 || shares.some((share) => share.length !== length)) {
    throw new AzkvError('ERR_INVALID_INPUT', 'the key group shares have different or too small lengths');
  }
  const xs = shares.map((share) => share[length - 1]!);
  if (new Set(xs).size !== xs.length || xs.includes(0)) {
    throw new AzkvError('ERR_INVALID_INPUT', 'two key group shares have the same index');
  }

  // The Lagrange basis at 0 depends only on the x values.
  const basis = xs.map((xi, i) => {
    let value = 1;
    xs.forEach((xj, j) => {
      if (i !== j) {
        value = multiply(value, multiply(xj, inverse(xi ^ xj)));
      }
    });
    return value;
  });

  const secret = new Uint8Array(length - 1);
  for (let position = 0; position < secret.length; position += 1) {
    let value = 0;
    shares.forEach((share, i) => {
      value ^= multiply(share[position]!, basis[i]!);
    });
    secret[position] = value;
  }
  return secret;
}
