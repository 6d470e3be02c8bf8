import { randomBytes } from 'node:crypto';
import { AzkvError, ExitCode } from './errors.js';
import type { KeyGroup, MasterKey } from './keys.js';
import type { Metadata } from './metadata.js';

/** sops data keys are 32 bytes: an AES-256 key. */
export const DATA_KEY_BYTES = 32;

/** Creates a fresh random data key. */
export function generateDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(DATA_KEY_BYTES));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line per failed key; the key is named once even when its error names it too. */
function failureLine(key: MasterKey, error: unknown): string {
  const message = reason(error);
  return message.includes(key.description) ? `- ${message}` : `- ${key.description}: ${message}`;
}

/**
 * Wraps the data key with every master key of every group.
 * Throws ERR_KEY_ACCESS (exit 128) naming each key that failed.
 */
export async function wrapDataKey(metadata: Metadata, dataKey: Uint8Array): Promise<void> {
  if (metadata.keyGroups.length === 0 || metadata.keyGroups.some((group) => group.length === 0)) {
    throw new AzkvError('ERR_NO_KEYS', 'no master keys given: every key group needs at least one key', {
      exitCode: ExitCode.NoEncryptionKeyFound,
      hint: 'pass --azure-kv with a key URL, or set SOPS_AZURE_KEYVAULT_URLS',
    });
  }
  if (metadata.keyGroups.length > 1) {
    // TODO: split the data key with Shamir's secret sharing for several key groups.
    throw new AzkvError('ERR_NO_KEYS', 'files with more than one key group are not supported yet');
  }

  const failures: string[] = [];
  for (const group of metadata.keyGroups) {
    for (const key of group) {
      try {
        await key.encrypt(dataKey);
      } catch (error) {
        failures.push(failureLine(key, error));
      }
    }
  }
  if (failures.length > 0) {
    throw new AzkvError('ERR_KEY_ACCESS', `could not encrypt the data key with these master keys:\n${failures.join('\n')}`, {
      exitCode: ExitCode.CouldNotRetrieveKey,
    });
  }
}

async function unwrapFromGroup(group: KeyGroup, failures: string[]): Promise<Uint8Array | undefined> {
  // Usable keys first, in stored order; keys of unsupported types only report why they were skipped.
  const ordered: MasterKey[] = [...group.filter((key) => key.usable), ...group.filter((key) => !key.usable)];
  for (const key of ordered) {
    if (!key.usable) {
      failures.push(`- ${key.description}: skipped, azkv cannot use ${key.type} keys`);
      continue;
    }
    try {
      const dataKey = await key.decrypt();
      if (dataKey.length !== DATA_KEY_BYTES) {
        failures.push(`- ${key.description}: the unwrapped data key has ${dataKey.length} bytes, expected ${DATA_KEY_BYTES}`);
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
 * Recovers the data key, trying every usable master key in order until one
 * works. Throws ERR_KEY_ACCESS (exit 128) listing each key's failure.
 */
export async function unwrapDataKey(metadata: Metadata): Promise<Uint8Array> {
  if (metadata.keyGroups.length > 1) {
    // TODO: combine Shamir shares when a file has several key groups.
    throw new AzkvError('ERR_KEY_ACCESS', 'files with more than one key group are not supported yet', {
      exitCode: ExitCode.CouldNotRetrieveKey,
    });
  }
  const failures: string[] = [];
  const group = metadata.keyGroups[0] ?? [];
  const dataKey = await unwrapFromGroup(group, failures);
  if (dataKey !== undefined) {
    return dataKey;
  }
  const detail = failures.length > 0 ? failures.join('\n') : '- the file lists no master keys';
  throw new AzkvError('ERR_KEY_ACCESS', `could not retrieve the data key; every master key failed:\n${detail}`, {
    exitCode: ExitCode.CouldNotRetrieveKey,
  });
}
