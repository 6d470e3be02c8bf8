// Exit statuses of both tools for the same failing input. azkv promises the
// statuses of sops (`cmd/sops/codes`); where they still differ, the case
// names the difference and docs/interop.md lists it.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { interopContext } from './helpers/context.js';
import { InteropTools, succeeded } from './helpers/tools.js';

const context = interopContext();
const tools = new InteropTools(context);

const PLAINTEXT = 'first: one\nsecond: two\n';
const ENCRYPTED_VALUE = /ENC\[AES256_GCM,[^\]]*\]/g;

interface ExitCase {
  name: string;
  /** Builds the input file from the azkv-encrypted PLAINTEXT; returns its content, or undefined for no file. */
  input: (encrypted: string) => string | undefined;
  /** The command after the tool name; `FILE` stands for the input file. */
  command: (keyUrl: string) => string[];
  sops: number;
  azkv: number;
}

const CASES: ExitCase[] = [
  {
    name: 'file without a MAC',
    input: (encrypted) => encrypted.replace(/^ {4}mac: .*\n/m, ''),
    command: () => ['decrypt', 'FILE'],
    sops: 51,
    azkv: 51,
  },
  {
    name: 'two values swapped',
    input: (encrypted) => {
      const [first, second] = encrypted.match(ENCRYPTED_VALUE) ?? [];
      return encrypted.replace(first!, '\0').replace(second!, first!).replace('\0', second!);
    },
    command: () => ['decrypt', 'FILE'],
    sops: 25,
    azkv: 25,
  },
  {
    name: 'no key unwraps the data key',
    input: (encrypted) => encrypted.replaceAll(context.keys[0].version, 'f'.repeat(32)),
    command: () => ['decrypt', 'FILE'],
    sops: 128,
    azkv: 128,
  },
  {
    name: 'plaintext file given to decrypt',
    input: () => PLAINTEXT,
    command: () => ['decrypt', 'FILE'],
    sops: 1,
    azkv: 1,
  },
  {
    name: 'encrypted file given to encrypt',
    input: (encrypted) => encrypted,
    command: (keyUrl) => ['encrypt', '--azure-kv', keyUrl, 'FILE'],
    sops: 203,
    azkv: 203,
  },
  {
    name: 'empty file given to encrypt',
    input: () => '',
    command: (keyUrl) => ['encrypt', '--azure-kv', keyUrl, 'FILE'],
    sops: 92,
    azkv: 92,
  },
  {
    name: 'missing file',
    input: () => undefined,
    command: () => ['decrypt', 'FILE'],
    sops: 100,
    azkv: 100,
  },
  {
    name: 'unparsable file given to decrypt',
    input: () => 'first: [\n',
    command: () => ['decrypt', 'FILE'],
    sops: 1,
    azkv: 1,
  },
  {
    name: 'versionless key missing from the vault',
    input: () => PLAINTEXT,
    command: () => ['encrypt', '--azure-kv', `${context.vaultUrl}/keys/not-in-vault`, 'FILE'],
    sops: 1,
    azkv: 1,
  },
];

describe('exit status', () => {
  let folder: string;
  let encrypted: string;

  beforeAll(async () => {
    folder = await tools.createFolder('exit-status');
    await writeFile(path.join(folder, 'plain.yaml'), PLAINTEXT);
    encrypted = succeeded(await tools.azkv(['encrypt', '--azure-kv', context.keys[0].url, 'plain.yaml'], { cwd: folder })).toString('utf8');
  });

  for (const [index, exitCase] of CASES.entries()) {
    it(`${exitCase.name}: sops ${exitCase.sops}, azkv ${exitCase.azkv}`, async () => {
      const fileName = `case-${index}.yaml`;
      const content = exitCase.input(encrypted);
      if (content !== undefined) {
        await writeFile(path.join(folder, fileName), content);
      }
      const args = exitCase.command(context.keys[0].url).map((arg) => (arg === 'FILE' ? fileName : arg));

      const bySops = await tools.sops(args, { cwd: folder });
      const byAzkv = await tools.azkv(args, { cwd: folder });

      expect(bySops.status, bySops.stderr).toBe(exitCase.sops);
      expect(byAzkv.status, byAzkv.stderr).toBe(exitCase.azkv);
    });
  }
});
