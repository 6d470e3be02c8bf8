/**
 * Master keys: the key sources that wrap a file's 32-byte data key. Each entry
 * of the `sops` metadata (`azure_kv`, `pgp`, `age`, ...) becomes one master key.
 */

/**
 * One metadata entry as stored in the file: field name to string value, in the
 * field order of the Go struct that sops serializes (for example `vault_url,
 * name, version, created_at, enc` for `azure_kv`). The metadata writer decides
 * the final order; sops 3.13 writes the fields sorted by name.
 */
export type KeyEntry = Array<[field: string, value: KeyEntryValue]>;

/** A field value: a string, or a nested map such as the `context` of a `kms` entry. */
export type KeyEntryValue = string | KeyEntry;

/** A key source that can wrap and unwrap a data key. */
export interface MasterKey {
  /** The metadata section the key is stored under, such as `azure_kv`. */
  readonly type: string;
  /** A human-readable identity for messages, such as the key URL. */
  readonly description: string;
  /** Wraps the data key and keeps the result for {@link MasterKey.toEntry}. */
  encrypt(dataKey: Uint8Array): Promise<void>;
  /** Unwraps the stored data key; throws when the key source refuses or fails. */
  decrypt(): Promise<Uint8Array>;
  /** True when this process can try {@link MasterKey.decrypt} at all. */
  readonly usable: boolean;
  /** The entry to write into the metadata. */
  toEntry(): KeyEntry;
}

/** Turns stored metadata entries of one type into master keys. */
export interface KeySourceFactory {
  readonly type: string;
  fromEntry(entry: KeyEntry): MasterKey;
}

/**
 * A metadata entry of a key type azkv has no implementation for (pgp, age,
 * kms, gcp_kms, hc_vault, hckms). It is written back unchanged and never used
 * for decryption.
 */
export class OpaqueMasterKey implements MasterKey {
  readonly usable = false;

  constructor(
    readonly type: string,
    private readonly entry: KeyEntry,
  ) {}

  get description(): string {
    const id = this.entry.find(([field]) =>
      ['fp', 'recipient', 'arn', 'resource_id', 'key_id', 'vault_address', 'key_name'].includes(field),
    );
    return id === undefined || typeof id[1] !== 'string' ? this.type : `${this.type} ${id[1]}`;
  }

  async encrypt(): Promise<void> {
    throw new Error(`azkv cannot encrypt with ${this.description}: the ${this.type} key type is not supported`);
  }

  async decrypt(): Promise<Uint8Array> {
    throw new Error(`azkv cannot decrypt with ${this.description}: the ${this.type} key type is not supported`);
  }

  toEntry(): KeyEntry {
    return structuredClone(this.entry);
  }
}

/** A group of master keys that each wrap the same data key (or Shamir share). */
export type KeyGroup = MasterKey[];
