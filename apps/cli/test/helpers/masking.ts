import type { FixtureFormat } from './interop.js';

/** An `ENC[...]` value; group 1 is its type. */
const ENCRYPTED_VALUE = /ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]*,tag:[A-Za-z0-9+/=]*,type:([a-z]+)\]/g;
/** An RFC 3339 time stamp in UTC, as sops writes `lastmodified` and `created_at`. */
const TIME_STAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/;
/** The wrapped data key of an `azure_kv` entry: unpadded base64url, 342 characters for RSA-2048. */
const WRAPPED_KEY = /^(.*(?<![A-Za-z])enc"?\s*[:=]\s*"?)[A-Za-z0-9_-]{40,}/;

/**
 * Replaces what changes on every encryption with placeholders, so that two
 * encryptions of the same document compare equal. These are each `ENC[...]`
 * payload (its type stays), the time stamps of `lastmodified` and
 * `created_at` (their quoting stays), and the wrapped data key of `azure_kv`
 * entries. Occurrences of `vaultUrl` become `placeholderUrl`.
 */
export function maskEncryptedText(text: string, vaultUrl?: string, placeholderUrl?: string): string {
  let masked = text.replace(ENCRYPTED_VALUE, (_match, type: string) => `ENC[…,type:${type}]`);
  if (vaultUrl !== undefined && placeholderUrl !== undefined) {
    masked = masked.split(vaultUrl).join(placeholderUrl);
  }
  return masked
    .split('\n')
    .map((line) => {
      if (/(?<![A-Za-z])(lastmodified|created_at)(?![A-Za-z])/.test(line)) {
        return line.replace(TIME_STAMP, '<time>');
      }
      return line.replace(WRAPPED_KEY, '$1<enc>');
    })
    .join('\n');
}

/** An encrypted file cut into its data part and its metadata part. */
export interface EncryptedParts {
  data: string;
  metadata: string;
}

/**
 * Splits an encrypted file where each store puts its metadata: the `sops:` key
 * of YAML, the `"sops"` member of JSON, the `[sops]` section of INI, and the
 * `sops_` lines of dotenv.
 */
export function splitEncrypted(text: string, format: FixtureFormat): EncryptedParts {
  if (format === 'dotenv') {
    // Each line keeps its line break, so that both parts end as the file does.
    const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    return {
      data: lines.filter((line) => !line.startsWith('sops_')).join(''),
      metadata: lines.filter((line) => line.startsWith('sops_')).join(''),
    };
  }
  const marker = { yaml: /^sops:$/m, json: /^\s*"sops": \{$/m, ini: /^\[sops\]$/m }[format];
  const match = marker.exec(text);
  if (match === null) {
    throw new Error(`no sops metadata found in the ${format} text`);
  }
  return { data: text.slice(0, match.index), metadata: text.slice(match.index) };
}

/**
 * Removes the `pgp` entries from a metadata part, for comparing a sops file
 * that also has a PGP key with what azkv writes for the `azure_kv` key alone.
 */
export function dropPgpEntries(metadata: string, format: FixtureFormat): string {
  const lines = metadata.split('\n');
  const keptLines: string[] = [];
  let inPgp = false;
  for (const line of lines) {
    switch (format) {
      case 'yaml': {
        // The block runs from `    pgp:` to the next line indented by 4 spaces or less.
        if (/^ {4}pgp:/.test(line)) {
          inPgp = true;
          continue;
        }
        if (inPgp && /^ {0,4}\S/.test(line)) {
          inPgp = false;
        }
        break;
      }
      case 'json': {
        if (/^\t\t"pgp": \[/.test(line)) {
          inPgp = true;
          continue;
        }
        if (inPgp) {
          inPgp = !/^\t\t\],?$/.test(line);
          continue;
        }
        break;
      }
      case 'ini': {
        // A multi-line PGP message is one `"""`-quoted value.
        if (line.startsWith('pgp__')) {
          inPgp = line.includes('"""') && !line.trimEnd().endsWith('-----"""');
          continue;
        }
        if (inPgp) {
          inPgp = !line.endsWith('"""');
          continue;
        }
        break;
      }
      case 'dotenv':
        if (line.startsWith('sops_pgp__')) {
          continue;
        }
        break;
    }
    if (!inPgp) {
      keptLines.push(line);
    }
  }
  return keptLines.join('\n');
}
