// Pins every place where azkv deliberately writes or prints something other
// than sops 3.13.2 (see docs/interop.md and docs/compatibility.md). A failure
// here means that one of the tools changed: update the documents with the test.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { interopContext } from './helpers/context.js';
import { expectSameBytes } from './helpers/files.js';
import { maskLayout } from './helpers/layout.js';
import { InteropTools, succeeded } from './helpers/tools.js';

const context = interopContext();
const tools = new InteropTools(context);

/** Encrypts `plaintext` with both tools and returns the folder and the two file names. */
async function encryptWithBoth(label: string, fileName: string, plaintext: string) {
  const folder = await tools.createFolder(label);
  const keyUrl = context.keys[0].url;
  await writeFile(path.join(folder, fileName), plaintext);
  const azkvName = `azkv-${fileName}`;
  const sopsName = `sops-${fileName}`;
  const azkvEncrypted = succeeded(await tools.azkv(['encrypt', '--azure-kv', keyUrl, fileName], { cwd: folder }));
  await writeFile(path.join(folder, azkvName), azkvEncrypted);
  const sopsEncrypted = succeeded(await tools.sops(['encrypt', '--azure-kv', keyUrl, fileName], { cwd: folder }));
  await writeFile(path.join(folder, sopsName), sopsEncrypted);
  return { folder, azkvName, sopsName, azkvEncrypted, sopsEncrypted };
}

/** The masked form of an encrypted 5-byte comment (` head`) and of the 1-byte strings `a` and `b`. */
const MASKED_COMMENT = 'ENC[AES256_GCM,data:<5 bytes>,iv:<32 bytes>,tag:<16 bytes>,type:comment]';
const MASKED_LETTER = 'ENC[AES256_GCM,data:<1 bytes>,iv:<32 bytes>,tag:<16 bytes>,type:str]';

describe('YAML comment inside a list', () => {
  const plaintext = 'list:\n    # head\n    - a\n    - b\n';
  let files: Awaited<ReturnType<typeof encryptWithBoth>>;

  beforeAll(async () => {
    files = await encryptWithBoth('list-comment', 'list.yaml', plaintext);
  });

  it('azkv keeps the encrypted comment a comment', () => {
    const layout = maskLayout(files.azkvEncrypted).text;

    expect(layout.startsWith(`list:\n    #${MASKED_COMMENT}\n    - ${MASKED_LETTER}\n    - ${MASKED_LETTER}\n`)).toBe(true);
  });

  it('sops turns the encrypted comment into a list item', () => {
    const layout = maskLayout(files.sopsEncrypted).text;

    expect(layout.startsWith(`list:\n    - ${MASKED_COMMENT}\n    - ${MASKED_LETTER}\n    - ${MASKED_LETTER}\n`)).toBe(true);
  });

  it('sops rejects its own file with a MAC mismatch', async () => {
    const result = await tools.sops(['decrypt', files.sopsName], { cwd: files.folder });

    expect(result.status).toBe(51);
    expect(result.stderr).toContain('MAC mismatch');
  });

  it('azkv decrypts the sops file', async () => {
    const output = succeeded(await tools.azkv(['decrypt', files.sopsName], { cwd: files.folder }));

    expectSameBytes(output, Buffer.from(plaintext));
  });

  it('sops decrypts the azkv file', async () => {
    const output = succeeded(await tools.sops(['decrypt', files.azkvName], { cwd: files.folder }));

    expectSameBytes(output, Buffer.from(plaintext));
  });
});

describe('YAML inline comment', () => {
  const plaintext = 'key: value # note\nother: x\n';
  /** sops 3.13.2 decrypts a comment without its inline flag, so it moves above its key. */
  const movedBySops = '# note\nkey: value\nother: x\n';
  let files: Awaited<ReturnType<typeof encryptWithBoth>>;

  beforeAll(async () => {
    files = await encryptWithBoth('inline-comment', 'inline.yaml', plaintext);
  });

  it('layouts match with payloads masked', () => {
    const layout = maskLayout(files.azkvEncrypted).text;

    expect(layout).toBe(maskLayout(files.sopsEncrypted).text);
    expect(layout.startsWith('key: ENC[AES256_GCM,data:<5 bytes>,iv:<32 bytes>,tag:<16 bytes>,type:str] #ENC[')).toBe(true);
  });

  for (const writer of ['azkv', 'sops'] as const) {
    it(`sops moves the comment of the ${writer} file to its own line`, async () => {
      const output = succeeded(await tools.sops(['decrypt', writer === 'azkv' ? files.azkvName : files.sopsName], { cwd: files.folder }));

      expectSameBytes(output, Buffer.from(movedBySops));
    });

    it(`azkv keeps the comment of the ${writer} file inline`, async () => {
      const output = succeeded(await tools.azkv(['decrypt', writer === 'azkv' ? files.azkvName : files.sopsName], { cwd: files.folder }));

      expectSameBytes(output, Buffer.from(plaintext));
    });
  }
});
