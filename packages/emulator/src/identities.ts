import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { isRecord, readJsonFile, writeJsonFile } from './files.js';

/** Key Vault key permissions the emulator enforces, named as in Key Vault access policies. */
export const KEY_PERMISSIONS = ['get', 'list', 'create', 'import', 'encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] as const;

export type KeyPermission = (typeof KEY_PERMISSIONS)[number];

/** A managed identity that can request tokens, with its key permissions in the vault. */
export interface Identity {
  clientId: string;
  objectId: string;
  permissions: KeyPermission[];
  /** True for the system-assigned identity, which the token endpoint uses when no id is requested. */
  systemAssigned: boolean;
}

/** A user-assigned identity as `addIdentity` takes it and `identities.json` stores it. */
export interface IdentityDefinition {
  clientId: string;
  /** Object (principal) id; a random UUID when omitted. */
  objectId?: string;
  permissions: readonly KeyPermission[];
}

const FILE_NAME = 'identities.json';
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The system-assigned identity, which has every key permission, plus the
 * user-assigned identities listed in `<dataDir>/identities.json`. The file is
 * read once at start, and {@link IdentityRegistry.add} updates both memory and file.
 */
export class IdentityRegistry {
  readonly #file: string;
  readonly #system: Identity;
  readonly #userAssigned: Identity[];

  private constructor(file: string, system: Identity, userAssigned: Identity[]) {
    this.#file = file;
    this.#system = system;
    this.#userAssigned = userAssigned;
  }

  static async load(dataDir: string, system: { clientId: string; objectId: string }): Promise<IdentityRegistry> {
    const file = path.join(dataDir, FILE_NAME);
    const stored = await readJsonFile(file);
    const userAssigned = stored === undefined ? [] : parseIdentityFile(stored, file);
    const systemIdentity: Identity = { ...system, permissions: [...KEY_PERMISSIONS], systemAssigned: true };
    return new IdentityRegistry(file, systemIdentity, userAssigned);
  }

  get system(): Identity {
    return this.#system;
  }

  /** Finds an identity by client id or object id, as the token endpoint's `client_id` and `object_id` select them. */
  find(selector: { clientId?: string; objectId?: string }): Identity | undefined {
    const all = [this.#system, ...this.#userAssigned];
    if (selector.clientId !== undefined) {
      const clientId = selector.clientId.toLowerCase();
      return all.find((identity) => identity.clientId.toLowerCase() === clientId);
    }
    if (selector.objectId !== undefined) {
      const objectId = selector.objectId.toLowerCase();
      return all.find((identity) => identity.objectId.toLowerCase() === objectId);
    }
    return undefined;
  }

  /**
   * Adds a user-assigned identity, or replaces the permissions of the one with
   * the same client id, and saves `identities.json`.
   * Throws when the definition is invalid or names the system-assigned identity.
   */
  async add(definition: IdentityDefinition): Promise<Identity> {
    const identity = parseIdentity(definition, 'addIdentity argument');
    if (identity.clientId.toLowerCase() === this.#system.clientId.toLowerCase()) {
      throw new Error(`Client id '${identity.clientId}' belongs to the system-assigned identity, which always has every permission.`);
    }
    const index = this.#userAssigned.findIndex((item) => item.clientId.toLowerCase() === identity.clientId.toLowerCase());
    if (index >= 0) {
      identity.objectId = definition.objectId ?? this.#userAssigned[index]!.objectId;
      this.#userAssigned[index] = identity;
    } else {
      this.#userAssigned.push(identity);
    }
    await writeJsonFile(
      this.#file,
      this.#userAssigned.map(({ clientId, objectId, permissions }) => ({ clientId, objectId, permissions })),
    );
    return { ...identity, permissions: [...identity.permissions] };
  }
}

function parseIdentityFile(value: unknown, file: string): Identity[] {
  if (!Array.isArray(value)) {
    throw new Error(`Invalid ${file}: expected a JSON array of {"clientId", "objectId", "permissions"} objects.`);
  }
  return value.map((item, index) => parseIdentity(item, `${file} entry ${index}`));
}

function parseIdentity(value: unknown, where: string): Identity {
  if (!isRecord(value)) {
    throw new Error(`Invalid ${where}: expected an object with clientId and permissions.`);
  }
  const { clientId, objectId, permissions } = value;
  if (typeof clientId !== 'string' || !ID_PATTERN.test(clientId)) {
    throw new Error(
      `Invalid ${where}: clientId ${JSON.stringify(clientId)} must be 1-128 letters, digits, '.', '_' or '-' (a UUID, for example).`,
    );
  }
  if (objectId !== undefined && (typeof objectId !== 'string' || !ID_PATTERN.test(objectId))) {
    throw new Error(`Invalid ${where}: objectId ${JSON.stringify(objectId)} must be 1-128 letters, digits, '.', '_' or '-'.`);
  }
  if (!Array.isArray(permissions)) {
    throw new Error(`Invalid ${where}: permissions must be an array of ${KEY_PERMISSIONS.join(', ')}.`);
  }
  for (const permission of permissions) {
    if (!(KEY_PERMISSIONS as readonly unknown[]).includes(permission)) {
      throw new Error(`Invalid ${where}: unknown permission ${JSON.stringify(permission)}; use ${KEY_PERMISSIONS.join(', ')}.`);
    }
  }
  return {
    clientId,
    objectId: typeof objectId === 'string' ? objectId : randomUUID(),
    permissions: [...new Set(permissions as KeyPermission[])],
    systemAssigned: false,
  };
}
