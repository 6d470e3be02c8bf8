import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../scripts/test-setup.mjs'],
    // One emulator serves every test file, and the emulator log shows which
    // tool requested a token, so the files run one after another.
    globalSetup: ['test/global-setup.ts'],
    fileParallelism: false,
    // A test runs up to a dozen sops and azkv processes.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
