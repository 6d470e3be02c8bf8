import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { isRecord, readJsonFile, writeJsonFile } from './files.js';

/**
 * Per-data-folder secrets and ids, kept in `<dataDir>/instance.json` so that a
 * restarted emulator accepts the tokens and `IDENTITY_HEADER` it handed out before.
 */
export interface InstanceSettings {
  /** Tenant id announced in the vault's `WWW-Authenticate` challenge and put in tokens. */
  tenantId: string;
  /** Secret that callers of the token endpoint send in `X-IDENTITY-HEADER`. */
  identityHeader: string;
  /** HMAC-SHA256 key (base64) that signs and verifies access tokens. */
  tokenSigningKey: string;
  /** Client and object id of the system-assigned identity. */
  systemIdentity: { clientId: string; objectId: string };
}

const FILE_NAME = 'instance.json';

/** Reads `<dataDir>/instance.json`, creating it with fresh random values on first start. */
export async function loadOrCreateInstance(dataDir: string): Promise<InstanceSettings> {
  const file = path.join(dataDir, FILE_NAME);
  const stored = await readJsonFile(file);
  if (stored !== undefined) {
    return parseInstance(stored, file);
  }
  const settings: InstanceSettings = {
    tenantId: randomUUID(),
    identityHeader: randomBytes(24).toString('base64url'),
    tokenSigningKey: randomBytes(32).toString('base64'),
    systemIdentity: { clientId: randomUUID(), objectId: randomUUID() },
  };
  await writeJsonFile(file, settings);
  return settings;
}

function parseInstance(value: unknown, file: string): InstanceSettings {
  const fail = (field: string): never => {
    throw new Error(`Invalid ${file}: '${field}' is missing or not a string. Delete the file to let the emulator create a new one.`);
  };
  if (!isRecord(value)) {
    throw new Error(`Invalid ${file}: expected a JSON object. Delete the file to let the emulator create a new one.`);
  }
  const text = (record: Record<string, unknown>, field: string, label = field): string => {
    const item = record[field];
    return typeof item === 'string' && item !== '' ? item : fail(label);
  };
  const systemIdentity = value['systemIdentity'];
  if (!isRecord(systemIdentity)) {
    return fail('systemIdentity');
  }
  return {
    tenantId: text(value, 'tenantId'),
    identityHeader: text(value, 'identityHeader'),
    tokenSigningKey: text(value, 'tokenSigningKey'),
    systemIdentity: {
      clientId: text(systemIdentity, 'clientId', 'systemIdentity.clientId'),
      objectId: text(systemIdentity, 'objectId', 'systemIdentity.objectId'),
    },
  };
}
