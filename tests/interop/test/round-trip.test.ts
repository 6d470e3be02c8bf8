import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { interopContext } from './helpers/context.js';
import { EmulatorLog } from './helpers/emulator-log.js';
import { countOccurrences, expectSameBytes } from './helpers/files.js';
import { maskLayout } from './helpers/layout.js';
import { matrixRows, prepareRow, type PreparedRow } from './helpers/matrix.js';
import { InteropTools, succeeded } from './helpers/tools.js';

const context = interopContext();
const tools = new InteropTools(context);
const emulatorLog = new EmulatorLog(context.emulatorLog);

/** A key version that the vault does not hold; hex letters keep YAML from reading it as a number. */
const MISSING_VERSION = 'f'.repeat(32);

describe.each(matrixRows(context).map((row) => [row.name, row] as const))('%s', (_name, row) => {
  let files: PreparedRow;
  const cwd = () => ({ cwd: files.folder });
  // One azure_kv entry per key in the metadata of every document.
  const metadataEntries = row.keys.length * row.sample.documents;

  beforeAll(async () => {
    files = await prepareRow(tools, row);
  });

  it('sops decrypts the azkv file', async () => {
    const bySops = succeeded(await tools.sops(['decrypt', files.azkvName], cwd()));
    const byAzkv = succeeded(await tools.azkv(['decrypt', files.azkvName], cwd()));

    expectSameBytes(bySops, byAzkv);
    if (row.sample.canonical) {
      expectSameBytes(byAzkv, row.sample.plaintext);
    }
  });

  it('sops filestatus reports the azkv file encrypted', async () => {
    const encrypted = JSON.parse(succeeded(await tools.sops(['filestatus', files.azkvName], cwd())).toString('utf8'));

    expect(encrypted).toEqual({ encrypted: true });
  });

  // sops 3.13.2 reads a binary file as its JSON envelope, so filestatus fails
  // on plaintext binary input instead of reporting it unencrypted.
  if (row.sample.store !== 'binary') {
    it('sops filestatus reports the plaintext unencrypted', async () => {
      const plain = JSON.parse(succeeded(await tools.sops(['filestatus', files.plainName], cwd())).toString('utf8'));

      expect(plain).toEqual({ encrypted: false });
    });
  }

  it('azkv decrypts the sops file', async () => {
    const byAzkv = succeeded(await tools.azkv(['decrypt', files.sopsName], cwd()));
    const bySops = succeeded(await tools.sops(['decrypt', files.sopsName], cwd()));

    expectSameBytes(byAzkv, bySops);
    if (row.sample.canonical) {
      expectSameBytes(bySops, row.sample.plaintext);
    }
  });

  it('sops decrypts a sops file re-encrypted by azkv', async () => {
    const plaintext = succeeded(await tools.azkv(['decrypt', files.sopsName], cwd()));
    const decryptedName = `decrypted-${files.plainName}`;
    await writeFile(path.join(files.folder, decryptedName), plaintext);

    const reEncrypted = succeeded(await tools.azkv(['encrypt', '--azure-kv', files.keyList, decryptedName], cwd()));
    const reEncryptedName = `re-encrypted-${files.plainName}`;
    await writeFile(path.join(files.folder, reEncryptedName), reEncrypted);

    expectSameBytes(succeeded(await tools.sops(['decrypt', reEncryptedName], cwd())), plaintext);
  });

  it('layouts match with payloads masked', () => {
    const azkvLayout = maskLayout(files.azkvEncrypted);
    const sopsLayout = maskLayout(files.sopsEncrypted);

    expect(azkvLayout.text).toBe(sopsLayout.text);
    expect(azkvLayout.wrappedKeys).toHaveLength(metadataEntries);
    expect(sopsLayout.wrappedKeys).toHaveLength(metadataEntries);
  });

  it('both tools record the same vault URL and key versions', () => {
    for (const encrypted of [files.azkvEncrypted, files.sopsEncrypted]) {
      expect(countOccurrences(encrypted, context.vaultUrl)).toBe(metadataEntries);
      for (const key of row.keys) {
        expect(countOccurrences(encrypted, key.version)).toBe(row.sample.documents);
      }
    }
  });

  if (row.keys.length === 2) {
    it('both tools fall back to the second key', async () => {
      const first = row.keys[0]!;
      const expected = succeeded(await tools.azkv(['decrypt', files.azkvName], cwd()));

      for (const [writer, encrypted] of [
        ['azkv', files.azkvEncrypted],
        ['sops', files.sopsEncrypted],
      ] as const) {
        const brokenName = `fallback-${writer}-${files.plainName}`;
        await writeFile(path.join(files.folder, brokenName), encrypted.toString('utf8').replaceAll(first.version, MISSING_VERSION));

        for (const reader of ['sops', 'azkv'] as const) {
          const mark = emulatorLog.mark();
          const output = succeeded(await tools[reader](['decrypt', brokenName], cwd()));

          expectSameBytes(output, expected, `${reader} decrypting the ${writer} file`);
          const missing = emulatorLog.linesSince(mark).filter((line) => line.includes(`/keys/${first.name}/${MISSING_VERSION}/decrypt 404`));
          expect(missing, `${reader} should have tried the first key before the second`).toHaveLength(1);
        }
      }
    });
  }
});
