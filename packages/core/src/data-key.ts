import { randomBytes } from 'node:crypto';
import { AzkvError, ExitCode } from './errors.js';
import type { KeyGroup, MasterKey } from './keys.js';
import type { Metadata } from './metadata.js';
import { combineShares, splitSecret } from './shamir.js';

/** sops data keys are 32 bytes: an AES-256 key. */
export const DATA_KEY_BYTES = 32;

/** Creates a fresh random data key. */
export function generateDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(DATA_KEY_BYTES));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Formats one line per failed key, naming the key once even when its error names it too. */
function failureLine(key: MasterKey, error: unknown): string {
  const message = reason(error);
  return message.includes(key.description) ? `- ${message}` : `- ${key.description}: ${message}`;
}

/**
 * Wraps the data key with every master key of every group. With several
 * groups each gets a Shamir share instead, and a `shamirThreshold` of 0 is
 * set to the number of groups. Throws ERR_KEY_ACCESS naming each key that
 * failed, with exit status 1: sops 3.13.2 reports "Could not generate data
 * key" as a generic error, unlike a failure to recover the data key (128).
 */
export async function wrapDataKey(metadata: Metadata, dataKey: Uint8Array): Promise<void> {
  if (metadata.keyGroups.length === 0 || metadata.keyGroups.some((group) => group.length === 0)) {
    throw new AzkvError('ERR_NO_KEYS', 'no master keys given: every key group needs at least one key', {
      exitCode: ExitCode.NoEncryptionKeyFound,
      hint: 'pass --azure-kv with a key URL, or set SOPS_AZURE_KEYVAULT_URLS',
    });
  }
  // One group gets the data key itself; several groups get one Shamir share
  // each, and the threshold defaults to all groups, as in sops.
  let parts: Uint8Array[] = [dataKey];
  if (metadata.keyGroups.length > 1) {
    if (metadata.shamirThreshold === 0) {
      metadata.shamirThreshold = metadata.keyGroups.length;
    }
    parts = splitSecret(dataKey, metadata.keyGroups.length, metadata.shamirThreshold);
  }

  const failures: string[] = [];
  for (const [index, group] of metadata.keyGroups.entries()) {
    for (const key of group) {
      try {
        await key.encrypt(parts[index]!);
      } catch (error) {
        failures.push(failureLine(key, error));
      }
    }
  }
  if (failures.length > 0) {
    throw new AzkvError('ERR_KEY_ACCESS', `could not encrypt the data key with these master keys:\n${failures.join('\n')}`, {
      exitCode: ExitCode.ErrorGeneric,
    });
  }
}

async function unwrapFromGroup(group: KeyGroup, failures: string[], expectedLength: number): Promise<Uint8Array | undefined> {
  // Usable keys first, in stored order; keys of unsupported types only report why they were skipped.
  const ordered: MasterKey[] = [...group.filter((key) => key.usable), ...group.filter((key) => !key.usable)];
  for (const key of ordered) {
    if (!key.usable) {
      failures.push(`- ${key.description}: skipped, azkv cannot use ${key.type} keys`);
      continue;
    }
    try {
      const dataKey = await key.decrypt();
      if (dataKey.length !== expectedLength) {
        failures.push(`- ${key.description}: the unwrapped data key has ${dataKey.length} bytes, expected ${expectedLength}`);
        continue;
      }
      return dataKey;
    } catch (error) {
      failures.push(failureLine(key, error));
    }
  }
  return undefined;
}

/**
 * Recovers the data key, trying every usable master key of a group in order
 * until one works. With several key groups, each opened group gives a Shamir
 * share and `shamirThreshold` shares are combined. Throws ERR_KEY_ACCESS
 * (exit 128) listing each key's failure.
 */
export async function unwrapDataKey(metadata: Metadata): Promise<Uint8Array> {
  const groups = metadata.keyGroups;
  if (groups.length <= 1) {
    const failures: string[] = [];
    const dataKey = await unwrapFromGroup(groups[0] ?? [], failures, DATA_KEY_BYTES);
    if (dataKey !== undefined) {
      return dataKey;
    }
    const detail = failures.length > 0 ? failures.join('\n') : '- the file lists no master keys';
    throw new AzkvError('ERR_KEY_ACCESS', `could not retrieve the data key; every master key failed:\n${detail}`, {
      exitCode: ExitCode.CouldNotRetrieveKey,
    });
  }

  // Several groups: every group that can be opened yields a Shamir share.
  const threshold = metadata.shamirThreshold === 0 ? groups.length : metadata.shamirThreshold;
  const shares: Uint8Array[] = [];
  const report: string[] = [];
  for (const [index, group] of groups.entries()) {
    const failures: string[] = [];
    const share = await unwrapFromGroup(group, failures, DATA_KEY_BYTES + 1);
    if (share !== undefined) {
      shares.push(share);
      report.push(`key group ${index + 1}: recovered`);
    } else {
      report.push(`key group ${index + 1}: failed`, ...failures.map((line) => `  ${line}`));
    }
  }
  if (shares.length < threshold) {
    throw new AzkvError(
      'ERR_KEY_ACCESS',
      `could not retrieve the data key: ${shares.length} of ${groups.length} key groups opened, but ${threshold} are needed:\n${report.join('\n')}`,
      { exitCode: ExitCode.CouldNotRetrieveKey },
    );
  }
  return combineShares(shares);
}
