// Shared vitest setup of every package: the loopback network guard, and the
// location of the sops interop fixtures, which live in the `shared/` folder
// next to the repository (override with AZKV_INTEROP_FIXTURES).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import './loopback-guard.mjs';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const siblingFixtures = path.resolve(repositoryRoot, '../shared/fixtures/sops-interop');

if (process.env.AZKV_INTEROP_FIXTURES === undefined) {
  if (!existsSync(siblingFixtures)) {
    throw new Error(
      `sops interop fixtures not found at ${siblingFixtures}; set AZKV_INTEROP_FIXTURES to the fixtures folder`,
    );
  }
  process.env.AZKV_INTEROP_FIXTURES = siblingFixtures;
}
