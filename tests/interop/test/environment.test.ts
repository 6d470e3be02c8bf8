import { lookup } from 'node:dns/promises';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { interopContext } from './helpers/context.js';
import { EmulatorLog } from './helpers/emulator-log.js';
import { InteropTools, succeeded } from './helpers/tools.js';

const context = interopContext();
const tools = new InteropTools(context);
const emulatorLog = new EmulatorLog(context.emulatorLog);

describe('isolation', () => {
  it('leaves loopback as the only interface', () => {
    expect(Object.keys(os.networkInterfaces())).toEqual(['lo']);
  });

  it('resolves the vault host to loopback', async () => {
    const host = new URL(context.vaultUrl).hostname;
    const addresses = await lookup(host, { all: true });

    expect(addresses.map((entry) => entry.address)).toEqual(['127.0.0.1']);
  });
});

describe('credentials and trust', () => {
  let folder: string;
  const fileName = 'token.yaml';

  beforeAll(async () => {
    folder = await tools.createFolder('credentials');
    await writeFile(path.join(folder, 'plain.yaml'), 'secret: value\n');
    const encrypted = succeeded(await tools.azkv(['encrypt', '--azure-kv', context.keys[0].url, 'plain.yaml'], { cwd: folder }));
    await writeFile(path.join(folder, fileName), encrypted);
  });

  // Each new process starts with an empty token cache, so every decryption
  // below requests one token.
  for (const tool of ['sops', 'azkv'] as const) {
    it(`${tool} takes its token from the App Service endpoint`, async () => {
      const key = context.keys[0];
      const decryptLine = `/keys/${key.name}/${key.version}/decrypt 200`;
      const mark = emulatorLog.mark();
      succeeded(await tools[tool](['decrypt', fileName], { cwd: folder }));
      const lines = await emulatorLog.waitForLine(mark, decryptLine);

      const tokens = lines.filter((line) => line.includes('token issued'));
      expect(tokens, lines.join('\n')).toHaveLength(1);
      expect(tokens[0]).toContain(`resource ${context.vaultResource}`);
      expect(lines.filter((line) => line.includes(decryptLine)), lines.join('\n')).toHaveLength(1);
    });
  }

  it('sops rejects the vault without the emulator CA', async () => {
    const emptyBundle = path.join(folder, 'no-certificates.pem');
    await writeFile(emptyBundle, '');

    const result = await tools.sops(['decrypt', fileName], { cwd: folder, env: { SSL_CERT_FILE: emptyBundle } });

    expect(result.status).toBe(128);
    // sops wraps its error text over several lines prefixed with `|`.
    expect(result.stderr).toMatch(/x509: certificate signed[\s|]+by unknown authority/);
  });
});
