// Quick start: starts the bundled Key Vault emulator on 127.0.0.1, creates an
// RSA key in it, encrypts examples/secrets.yaml with the azkv CLI, decrypts
// the result and checks that it equals the original. Needs `pnpm build` first
// (the `quickstart` script runs it).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../packages/emulator/dist/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'apps/cli/bin/run.js');
const sample = path.join(root, 'examples/secrets.yaml');
const dataDir = path.join(root, '.azkv-emulator');

await mkdir(dataDir, { recursive: true });
const emulator = await startEmulator({ dataDir, port: 0 });
let exitCode = 0;
try {
  const key = await emulator.createKey('sops-key', { size: 2048 });
  const keyUrl = `${emulator.vaultUrl}/keys/sops-key/${key.version}`;
  // The CLI gets only what a user's shell would have: the emulator's variables.
  const env = { ...process.env, ...emulator.env };

  // The emulator runs in this process, so the CLI must run asynchronously.
  // A synchronous spawn would block the emulator's responses.
  const run = (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const stdout = [];
      const stderr = [];
      child.stdout.on('data', (chunk) => stdout.push(chunk));
      child.stderr.on('data', (chunk) => stderr.push(chunk));
      child.on('error', reject);
      child.on('close', (status) => {
        if (status === 0) {
          resolve(Buffer.concat(stdout));
          return;
        }
        process.stderr.write(Buffer.concat(stderr));
        reject(new Error(`azkv ${args[0]} failed with exit status ${status}`));
      });
    });

  console.log(`$ azkv encrypt --azure-kv ${keyUrl} examples/secrets.yaml`);
  const encrypted = await run(['encrypt', '--azure-kv', keyUrl, sample]);
  process.stdout.write(encrypted);

  const encryptedPath = path.join(dataDir, 'secrets.enc.yaml');
  writeFileSync(encryptedPath, encrypted);

  console.log(`\n$ azkv decrypt ${path.relative(root, encryptedPath)}`);
  const decrypted = await run(['decrypt', encryptedPath]);
  process.stdout.write(decrypted);

  if (Buffer.compare(decrypted, readFileSync(sample)) === 0) {
    console.log('\nquickstart: the decrypted file equals examples/secrets.yaml');
  } else {
    console.error('\nquickstart: the decrypted file differs from examples/secrets.yaml');
    exitCode = 1;
  }
} catch (error) {
  console.error(`quickstart: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await emulator.close();
}
process.exit(exitCode);
