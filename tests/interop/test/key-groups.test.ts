// Key groups with a Shamir threshold, written by either tool from the same
// `.sops.yaml` creation rule: each tool must open the other's file, whose
// groups each wrap one Shamir share of the data key.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { interopContext } from './helpers/context.js';
import { expectSameBytes } from './helpers/files.js';
import { maskLayout } from './helpers/layout.js';
import { STORE_SAMPLES } from './helpers/samples.js';
import { InteropTools, succeeded } from './helpers/tools.js';

const context = interopContext();
const tools = new InteropTools(context);

/** Writes a creation rule with one key group per key, and a threshold of both groups. */
function groupsConfig(): string {
  const groups = context.keys
    .map(
      (key) => `      - azure_keyvault:
          - vaultUrl: ${context.vaultUrl}
            key: ${key.name}
            version: "${key.version}"`,
    )
    .join('\n');
  return `creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n${groups}\n`;
}

describe.each(STORE_SAMPLES.map((sample) => [sample.label, sample] as const))('key groups, %s', (_label, sample) => {
  let folder: string;
  let azkvEncrypted: Buffer;
  let sopsEncrypted: Buffer;
  const cwd = () => ({ cwd: folder });

  beforeAll(async () => {
    folder = await tools.createFolder(`key-groups-${sample.store}`);
    await writeFile(path.join(folder, '.sops.yaml'), groupsConfig());
    await writeFile(path.join(folder, sample.fileName), sample.plaintext);

    azkvEncrypted = succeeded(await tools.azkv(['encrypt', sample.fileName], cwd()));
    await writeFile(path.join(folder, `azkv-${sample.fileName}`), azkvEncrypted);
    sopsEncrypted = succeeded(await tools.sops(['encrypt', sample.fileName], cwd()));
    await writeFile(path.join(folder, `sops-${sample.fileName}`), sopsEncrypted);
  });

  it('sops decrypts the azkv file', async () => {
    const bySops = succeeded(await tools.sops(['decrypt', `azkv-${sample.fileName}`], cwd()));
    const byAzkv = succeeded(await tools.azkv(['decrypt', `azkv-${sample.fileName}`], cwd()));

    expectSameBytes(bySops, byAzkv);
  });

  it('azkv decrypts the sops file', async () => {
    const byAzkv = succeeded(await tools.azkv(['decrypt', `sops-${sample.fileName}`], cwd()));
    const bySops = succeeded(await tools.sops(['decrypt', `sops-${sample.fileName}`], cwd()));

    expectSameBytes(byAzkv, bySops);
  });

  it('layouts match with payloads masked', () => {
    const azkvLayout = maskLayout(azkvEncrypted);
    const sopsLayout = maskLayout(sopsEncrypted);

    expect(azkvLayout.text).toBe(sopsLayout.text);
    expect(azkvLayout.text).toMatch(/shamir_threshold/);
    expect(azkvLayout.wrappedKeys).toHaveLength(2 * sample.documents);
  });
});
