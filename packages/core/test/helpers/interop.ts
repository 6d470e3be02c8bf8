// Loads the sops interop fixtures: real sops files, their data keys and the
// plaintext, additional data and MAC input of every leaf.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

const candidates = [
  process.env['AZKV_INTEROP_FIXTURES'],
  path.resolve(here, '../../../../../shared/fixtures/sops-interop'),
].filter((candidate): candidate is string => candidate !== undefined && candidate !== '');

export function interopDir(): string {
  const found = candidates.find((candidate) => existsSync(path.join(candidate, 'manifest.json')));
  if (found === undefined) {
    throw new Error(`sops interop fixtures not found; set AZKV_INTEROP_FIXTURES (looked in ${candidates.join(', ')})`);
  }
  return found;
}

export interface ExpectedLeaf {
  path: Array<string | number>;
  type: string;
  encrypted: boolean;
  aad?: string;
  plaintext: string;
  in_mac: boolean;
  mac_input?: string;
}

export interface ExpectedFile {
  name: string;
  fixture: string;
  format: string;
  data_key_hex: string;
  lastmodified: string;
  mac_aad: string;
  mac_stored: string | null;
  mac_computed: string;
  mac_ok: boolean;
  mac_only_encrypted: boolean;
  values: ExpectedLeaf[];
  /** The text of the azkv/ fixture file. */
  fileText: string;
}

export function loadExpectedFiles(): ExpectedFile[] {
  const dir = interopDir();
  return readdirSync(path.join(dir, 'expected'))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const data = JSON.parse(readFileSync(path.join(dir, 'expected', name), 'utf8')) as Omit<ExpectedFile, 'name' | 'fileText'>;
      return { ...data, name: name.replace(/\.json$/, ''), fileText: readFileSync(path.join(dir, data.fixture), 'utf8') };
    });
}

/** Every ENC[...] string of a fixture file, in file order. */
export function encryptedStrings(fileText: string): string[] {
  return [...fileText.matchAll(/ENC\[AES256_GCM,data:[^,\]]*,iv:[^,\]]*,tag:[^,\]]*,type:[a-z]+\]/g)].map((match) => match[0]);
}

/** The encrypted `mac` field of a fixture file, or undefined when it has none. */
export function storedMac(fileText: string): string | undefined {
  const match = /(?:^|\n)\s*"?(?:sops_)?mac"?\s*[:=]\s*"?(ENC\[[^\]]*\])/.exec(fileText);
  return match?.[1];
}

export function hexKey(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
