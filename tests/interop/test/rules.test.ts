// Encryption rules: both tools get the same rule flags for one YAML file and
// must select the same values, record the same rule in the metadata and read
// each other's result.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { interopContext } from './helpers/context.js';
import { expectSameBytes } from './helpers/files.js';
import { maskLayout } from './helpers/layout.js';
import { InteropTools, succeeded } from './helpers/tools.js';

const context = interopContext();
const tools = new InteropTools(context);

const PLAINTEXT = `name: demo
port: 8080
password: s3cret
token: abc
api_secret: hidden
note_plain: visible
# sops:enc
by_comment: selected
# sops:plain
plain_by_comment: as-is
nested:
    password: inner
    name: inner-name
`;

interface RuleCase {
  /** The metadata key that records the rule. */
  metadataKey: string;
  flags: string[];
}

const RULES: RuleCase[] = [
  { metadataKey: 'encrypted_regex', flags: ['--encrypted-regex', '^(password|token)$'] },
  { metadataKey: 'unencrypted_regex', flags: ['--unencrypted-regex', '^(name|port)$'] },
  { metadataKey: 'encrypted_suffix', flags: ['--encrypted-suffix', '_secret'] },
  { metadataKey: 'unencrypted_suffix', flags: ['--unencrypted-suffix', '_plain'] },
  { metadataKey: 'encrypted_comment_regex', flags: ['--encrypted-comment-regex', 'sops:enc'] },
  { metadataKey: 'unencrypted_comment_regex', flags: ['--unencrypted-comment-regex', 'sops:plain'] },
  { metadataKey: 'mac_only_encrypted', flags: ['--mac-only-encrypted', '--unencrypted-regex', '^(name|port)$'] },
];

describe.each(RULES.map((rule) => [rule.flags.join(' '), rule] as const))('rule %s', (_name, rule) => {
  let folder: string;
  let azkvEncrypted: Buffer;
  let sopsEncrypted: Buffer;
  const keyUrl = context.keys[0].url;

  beforeAll(async () => {
    folder = await tools.createFolder(rule.metadataKey);
    await writeFile(path.join(folder, 'plain.yaml'), PLAINTEXT);
    azkvEncrypted = succeeded(await tools.azkv(['encrypt', ...rule.flags, '--azure-kv', keyUrl, 'plain.yaml'], { cwd: folder }));
    await writeFile(path.join(folder, 'azkv.yaml'), azkvEncrypted);
    // `sops encrypt` in 3.13.2 has no --mac-only-encrypted and no comment
    // regex flags, so sops runs in its original form, `sops --encrypt`.
    sopsEncrypted = succeeded(await tools.sops(['--encrypt', ...rule.flags, '--azure-kv', keyUrl, 'plain.yaml'], { cwd: folder }));
    await writeFile(path.join(folder, 'sops.yaml'), sopsEncrypted);
  });

  it('layouts match with payloads masked', () => {
    const azkvLayout = maskLayout(azkvEncrypted).text;

    expect(azkvLayout).toBe(maskLayout(sopsEncrypted).text);
    expect(azkvLayout).toContain(`    ${rule.metadataKey}: `);
  });

  it('each tool decrypts both files alike', async () => {
    for (const file of ['azkv.yaml', 'sops.yaml']) {
      const bySops = succeeded(await tools.sops(['decrypt', file], { cwd: folder }));
      const byAzkv = succeeded(await tools.azkv(['decrypt', file], { cwd: folder }));

      expectSameBytes(byAzkv, bySops, `decrypting ${file}`);
      expectSameBytes(byAzkv, Buffer.from(PLAINTEXT), `decrypting ${file}`);
    }
  });
});
