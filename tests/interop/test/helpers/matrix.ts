import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InteropContext, InteropKey } from './context.js';
import { NORMALIZED_SAMPLES, STORE_SAMPLES, type Sample } from './samples.js';
import { succeeded, type InteropTools } from './tools.js';

/** One row of the results table: a sample encrypted for one or two keys. */
export interface MatrixRow {
  /** `<sample label>, <n> key(s)`, the name of the row's describe block. */
  name: string;
  sample: Sample;
  keys: InteropKey[];
}

/**
 * Lists the rows: every store with one and with two keys, plus the
 * normalizing samples with one key, because the number of keys does not
 * change how values are written.
 */
export function matrixRows(context: InteropContext): MatrixRow[] {
  const row = (sample: Sample, keyCount: 1 | 2): MatrixRow => ({
    name: `${sample.label}, ${keyCount === 1 ? '1 key' : '2 keys'}`,
    sample,
    keys: context.keys.slice(0, keyCount),
  });
  return [...STORE_SAMPLES.flatMap((sample) => [row(sample, 1), row(sample, 2)]), ...NORMALIZED_SAMPLES.map((sample) => row(sample, 1))];
}

/** Files of one row, written to its own folder. */
export interface PreparedRow {
  folder: string;
  /** The comma-separated key URLs passed to `--azure-kv`. */
  keyList: string;
  /** File names inside `folder`; each keeps the sample's extension, which selects the store. */
  plainName: string;
  azkvName: string;
  sopsName: string;
  azkvEncrypted: Buffer;
  sopsEncrypted: Buffer;
}

/** Writes the row's plaintext and encrypts it once with azkv and once with sops. */
export async function prepareRow(tools: InteropTools, row: MatrixRow): Promise<PreparedRow> {
  const folder = await tools.createFolder(row.name);
  const keyList = row.keys.map((key) => key.url).join(',');
  const plainName = row.sample.fileName;
  const azkvName = `azkv-${plainName}`;
  const sopsName = `sops-${plainName}`;
  await writeFile(path.join(folder, plainName), row.sample.plaintext);

  const azkvEncrypted = succeeded(await tools.azkv(['encrypt', '--azure-kv', keyList, plainName], { cwd: folder }));
  await writeFile(path.join(folder, azkvName), azkvEncrypted);
  const sopsEncrypted = succeeded(await tools.sops(['encrypt', '--azure-kv', keyList, plainName], { cwd: folder }));
  await writeFile(path.join(folder, sopsName), sopsEncrypted);

  return { folder, keyList, plainName, azkvName, sopsName, azkvEncrypted, sopsEncrypted };
}
