import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { interopContext } from './helpers/context.js';
import { expectSameBytes, replaceOnce, writeEditorScript } from './helpers/files.js';
import { maskLayout } from './helpers/layout.js';
import { matrixRows, prepareRow, type PreparedRow } from './helpers/matrix.js';
import { EDIT_MARKER, EDIT_REPLACEMENT } from './helpers/samples.js';
import { InteropTools, succeeded } from './helpers/tools.js';

const context = interopContext();
const tools = new InteropTools(context);

describe.each(matrixRows(context).map((row) => [row.name, row] as const))('sops edit, %s', (_name, row) => {
  let files: PreparedRow;
  let editor: string;

  beforeAll(async () => {
    files = await prepareRow(tools, row);
    editor = await writeEditorScript(files.folder, EDIT_MARKER, EDIT_REPLACEMENT);
  });

  /** Copies an encrypted file, runs `sops edit` with the scripted editor on the copy, and returns the copy's name. */
  async function editCopy(writer: 'azkv' | 'sops', encrypted: Buffer): Promise<string> {
    const editedName = `edited-${writer}-${files.plainName}`;
    await writeFile(path.join(files.folder, editedName), encrypted);
    succeeded(await tools.sops(['edit', editedName], { cwd: files.folder, env: { EDITOR: editor } }));
    return editedName;
  }

  it('azkv reads the value that sops edit changed', async () => {
    const cwd = { cwd: files.folder };
    const before = succeeded(await tools.azkv(['decrypt', files.azkvName], cwd));
    expect(before.includes(EDIT_MARKER)).toBe(true);

    const editedName = await editCopy('azkv', files.azkvEncrypted);

    const after = succeeded(await tools.azkv(['decrypt', editedName], cwd));
    expectSameBytes(after, replaceOnce(before, EDIT_MARKER, EDIT_REPLACEMENT));
    expectSameBytes(succeeded(await tools.sops(['decrypt', editedName], cwd)), after);
  });

  it('sops edit writes the same layout for azkv and sops files', async () => {
    const editedAzkv = await readFile(path.join(files.folder, await editCopy('azkv', files.azkvEncrypted)));
    const editedSops = await readFile(path.join(files.folder, await editCopy('sops', files.sopsEncrypted)));
    const azkvLayout = maskLayout(editedAzkv);
    const sopsLayout = maskLayout(editedSops);

    expect(azkvLayout.text).toBe(sopsLayout.text);
    // sops edit keeps the data key, so the wrapped keys stay as each tool wrote them.
    expect(azkvLayout.wrappedKeys).toEqual(maskLayout(files.azkvEncrypted).wrappedKeys);
    expect(sopsLayout.wrappedKeys).toEqual(maskLayout(files.sopsEncrypted).wrappedKeys);
  });
});
