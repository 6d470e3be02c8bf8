import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineShares, splitSecret } from '../src/shamir.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

// Shares of this data key written by sops 3.13.2's shamir.Split(secret, 3, 2).
const SECRET = '61bec946f5783fd4cea3d1b1ce407fce2b6e81fc301cc539c422015e27f6d1be';
const SOPS_SHARES = [
  '66f9f4948d56deaa44e0523dc89d7a37271c29716f850aea0439825124160c3801',
  '6f30b3f90524e628c125ccb2c2e17527338acafd8e3540845f141c40212d70a902',
  '68778e2b7d0a07564b664f3ec43c70de3ff86270d1ac8f579f0f9f4f22cdad2f03',
];

describe('shamir', () => {
  it('combines any two shares written by sops', () => {
    for (const [first, second] of [
      [0, 1],
      [0, 2],
      [1, 2],
      [2, 0],
    ] as const) {
      expect(hex(combineShares([bytes(SOPS_SHARES[first]!), bytes(SOPS_SHARES[second]!)]))).toBe(SECRET);
    }
  });

  it('writes shares in the sops layout', () => {
    const shares = splitSecret(bytes(SECRET), 3, 2);
    expect(shares.map((share) => share.length)).toEqual([33, 33, 33]);
    expect(shares.map((share) => share[32])).toEqual([1, 2, 3]);
  });

  it('round-trips random secrets at every threshold', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 4 }), (secret, threshold, extra) => {
        const shares = splitSecret(secret, threshold + extra, threshold);
        const chosen = shares.slice(extra);
        expect(hex(combineShares(chosen))).toBe(hex(secret));
      }),
      { numRuns: 200 },
    );
  });

  it('gives a wrong secret below the threshold', () => {
    const secret = new Uint8Array(randomBytes(32));
    const shares = splitSecret(secret, 3, 3);
    expect(hex(combineShares(shares.slice(0, 2)))).not.toBe(hex(secret));
  });

  it.each([
    [3, 1],
    [2, 3],
    [256, 2],
  ])('rejects %i parts with threshold %i', (parts, threshold) => {
    expect(() => splitSecret(new Uint8Array(32), parts, threshold)).toThrow(/threshold/);
  });

  it('rejects duplicate and uneven shares', () => {
    const share = bytes(SOPS_SHARES[0]!);
    expect(() => combineShares([share, share])).toThrow(/same index/);
    expect(() => combineShares([share, share.slice(1)])).toThrow(/lengths/);
    expect(() => combineShares([share])).toThrow(/at least two/);
  });
});
