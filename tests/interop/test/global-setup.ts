// Global setup of the interop suite: checks that the suite runs inside the
// loopback-only namespace of scripts/interop/isolate.sh, finds the sops
// binary that scripts/interop/install-peers.sh installed, starts the one
// emulator that both tools use, and creates their keys.
import { appendFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmulator } from '@azkv/emulator';
import type { InteropContext } from './helpers/context.js';
import { assertIsolated, assertNoSopsConfigAbove, locateAzkv, locateSops, VAULT_NAME } from './helpers/preconditions.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await assertIsolated();
  const sopsBin = await locateSops();
  const azkvBin = locateAzkv();

  const workRoot = await mkdtemp(path.join(os.tmpdir(), 'azkv-interop-'));
  await assertNoSopsConfigAbove(workRoot);
  const emptyCertDir = path.join(workRoot, 'empty-cert-dir');
  await mkdir(emptyCertDir);
  const emulatorLog = path.join(workRoot, 'emulator.log');

  const emulator = await startEmulator({
    log: (line) => appendFileSync(emulatorLog, `${line}\n`),
  });
  try {
    const vaultUrl = emulator.vaultUrlFor(VAULT_NAME);
    const first = await emulator.createKey('interop-one');
    const second = await emulator.createKey('interop-two');
    const context: InteropContext = {
      sopsBin,
      azkvBin,
      vaultUrl,
      vaultResource: `https://vault.localhost:${emulator.port}`,
      caCertPath: emulator.caCertPath,
      identityEndpoint: emulator.identityEndpoint,
      identityHeader: emulator.identityHeader,
      keys: [
        // Without a version, each tool resolves the current one with a GetKey request.
        { name: first.name, version: first.version, url: `${vaultUrl}/keys/${first.name}` },
        { name: second.name, version: second.version, url: `${vaultUrl}/keys/${second.name}/${second.version}` },
      ],
      emulatorLog,
      workRoot,
      emptyCertDir,
    };
    project.provide('interop', context);
  } catch (error) {
    await emulator.close();
    await rm(workRoot, { recursive: true, force: true });
    throw error;
  }

  return async () => {
    await emulator.close();
    await rm(workRoot, { recursive: true, force: true });
  };
}
