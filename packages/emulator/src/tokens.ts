import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRecord } from './files.js';

/** Claims the emulator puts in an access token; named as in Microsoft Entra v1 access tokens. */
export interface TokenClaims {
  aud: string;
  iss: string;
  tid: string;
  /** Client id of the identity. */
  appid: string;
  /** Object id of the identity. */
  oid: string;
  sub: string;
  idtyp: 'app';
  ver: '1.0';
  /** Seconds since the Unix epoch. */
  iat: number;
  nbf: number;
  exp: number;
}

/** Outcome of {@link verifyToken}: the claims, or the reason the token is rejected. */
export type TokenCheck = { valid: true; claims: TokenClaims } | { valid: false; reason: string };

// Tokens are compact JWS with HS256, signed with the secret in instance.json.
// Real Entra tokens are RS256; no client inspects a managed identity token, so
// the algorithm only has to let the vault detect forged and altered tokens.
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

// Real Key Vault tolerates a few minutes of clock difference on exp and nbf.
const CLOCK_SKEW_SECONDS = 300;

function sign(input: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(input).digest();
}

/** Encodes and signs `claims` as a JWT. */
export function signToken(claims: TokenClaims, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign(`${HEADER}.${payload}`, key).toString('base64url');
  return `${HEADER}.${payload}.${signature}`;
}

/**
 * Checks the signature, lifetime and audience of a token. `now` is in seconds
 * since the Unix epoch; `audiences` lists the accepted `aud` values.
 */
export function verifyToken(token: string, key: Buffer, audiences: readonly string[], now: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return { valid: false, reason: 'the token is not a JWT (expected three dot-separated parts)' };
  }

  const [header, payload, signature] = parts as [string, string, string];
  const expected = sign(`${header}.${payload}`, key);
  const actual = Buffer.from(signature, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { valid: false, reason: 'the token signature is invalid' };
  }
  if (header !== HEADER) {
    return { valid: false, reason: 'the token header is not {"alg":"HS256","typ":"JWT"}' };
  }

  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { valid: false, reason: 'the token payload is not JSON' };
  }
  if (!isTokenClaims(claims)) {
    return { valid: false, reason: 'the token lacks one of the claims aud, appid, oid, nbf, exp' };
  }

  if (claims.exp + CLOCK_SKEW_SECONDS <= now) {
    return { valid: false, reason: `the token expired at ${new Date(claims.exp * 1000).toISOString()}` };
  }
  if (claims.nbf - CLOCK_SKEW_SECONDS > now) {
    return { valid: false, reason: `the token is not valid before ${new Date(claims.nbf * 1000).toISOString()}` };
  }
  if (!audiences.includes(normalizeResource(claims.aud))) {
    return { valid: false, reason: `the token audience '${claims.aud}' is not one of ${audiences.join(', ')}` };
  }
  return { valid: true, claims };
}

/** Drops one trailing slash, so that `https://vault.azure.net/` and `https://vault.azure.net` match. */
export function normalizeResource(resource: string): string {
  return resource.endsWith('/') ? resource.slice(0, -1) : resource;
}

function isTokenClaims(value: unknown): value is TokenClaims {
  return (
    isRecord(value) &&
    typeof value['aud'] === 'string' &&
    typeof value['appid'] === 'string' &&
    typeof value['oid'] === 'string' &&
    typeof value['nbf'] === 'number' &&
    typeof value['exp'] === 'number'
  );
}
