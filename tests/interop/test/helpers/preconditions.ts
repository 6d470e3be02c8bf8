import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './process.js';

/** The sops release whose files azkv must read and write. */
export const SOPS_VERSION = '3.13.2';

/**
 * The vault name in `https://<name>.vault.localhost:PORT`. isolate.sh maps
 * `interop.vault.localhost` to 127.0.0.1 in its private hosts file.
 */
export const VAULT_NAME = 'interop';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const RUN_HINT = 'Run the suite with `pnpm test:interop`, which installs sops and starts vitest through scripts/interop/isolate.sh.';

function isLoopbackAddress(address: string): boolean {
  if (net.isIPv4(address)) {
    return address.startsWith('127.');
  }
  return address === '::1';
}

/**
 * Throws unless this process runs in the private network namespace of
 * isolate.sh: loopback as the only interface, DNS pointed at 127.0.0.1, and
 * the vault host name in the private hosts file. Outside it, sops (Go) would
 * send the `*.vault.localhost` lookups to the machine's DNS server.
 */
export async function assertIsolated(): Promise<void> {
  if (process.env['AZKV_INTEROP_ISOLATED'] !== '1') {
    throw new Error(
      'The interop suite must run inside scripts/interop/isolate.sh (AZKV_INTEROP_ISOLATED is not 1), ' +
        `because sops looks up ${VAULT_NAME}.vault.localhost through /etc/hosts and then DNS. ${RUN_HINT}`,
    );
  }

  const interfaces = os.networkInterfaces();
  const others = Object.keys(interfaces).filter((name) => name !== 'lo');
  if (others.length > 0) {
    throw new Error(`The network namespace has interfaces besides loopback (${others.join(', ')}), so sops could reach other hosts. ${RUN_HINT}`);
  }

  const resolvConf = await readFile('/etc/resolv.conf', 'utf8');
  const nameservers = [...resolvConf.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((match) => match[1]!);
  const foreign = nameservers.filter((address) => !isLoopbackAddress(address));
  if (foreign.length > 0) {
    throw new Error(`/etc/resolv.conf names DNS servers off loopback (${foreign.join(', ')}), but isolate.sh should have replaced it. ${RUN_HINT}`);
  }

  const host = `${VAULT_NAME}.vault.localhost`;
  const addresses = await lookup(host, { all: true }).catch((error: unknown) => {
    throw new Error(`${host} does not resolve (${(error as Error).message}), but isolate.sh maps it in its private /etc/hosts. ${RUN_HINT}`);
  });
  const offLoopback = addresses.map((entry) => entry.address).filter((address) => !isLoopbackAddress(address));
  if (offLoopback.length > 0) {
    throw new Error(`${host} resolves to ${offLoopback.join(', ')}, not to loopback. ${RUN_HINT}`);
  }
}

/**
 * Returns the path of the sops binary recorded in `<cache>/peers.env` by
 * install-peers.sh, after checking that it runs and reports version 3.13.2.
 * The cache folder is `AZKV_INTEROP_CACHE` or `<repo>/.cache/interop`.
 */
export async function locateSops(): Promise<string> {
  const cache = process.env['AZKV_INTEROP_CACHE'] ?? path.join(REPO_ROOT, '.cache', 'interop');
  const peersFile = path.join(cache, 'peers.env');
  const installHint = `Install it with \`bash scripts/interop/install-peers.sh sops\` (needs Go and the Go module proxy). ${RUN_HINT}`;

  const peers = existsSync(peersFile) ? await readFile(peersFile, 'utf8') : '';
  const recorded = [...peers.matchAll(/^AZKV_SOPS_BIN=(.+)$/gm)].at(-1)?.[1];
  if (recorded === undefined) {
    throw new Error(`sops is not installed: ${peersFile} has no AZKV_SOPS_BIN line. ${installHint}`);
  }
  if (!existsSync(recorded)) {
    throw new Error(`sops is not installed: ${recorded}, named in ${peersFile}, does not exist. ${installHint}`);
  }

  // `--version` queries the GitHub API for the newest release unless the check is disabled.
  const result = await runProcess(recorded, ['--disable-version-check', '--version'], {
    env: { PATH: '/usr/bin:/bin', SOPS_DISABLE_VERSION_CHECK: '1' },
  });
  const reported = result.stdout.toString('utf8').split('\n')[0];
  if (result.status !== 0 || reported !== `sops ${SOPS_VERSION}`) {
    throw new Error(
      `${recorded} reports '${reported ?? ''}' with exit status ${result.status}, expected 'sops ${SOPS_VERSION}'. ${installHint}`,
    );
  }
  return recorded;
}

/** Returns the path of the azkv command, after checking that it has been built. */
export function locateAzkv(): string {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@azkv/cli/package.json'));
  const compiled = path.join(packageDir, 'dist', 'commands', 'decrypt.js');
  if (!existsSync(compiled)) {
    throw new Error(`azkv is not built (${compiled} is missing): run \`pnpm build\`, or \`pnpm test:interop\`, which builds it first.`);
  }
  return path.join(packageDir, 'bin', 'run.js');
}

/**
 * Throws when `.sops.yaml` or `.sops.yml` exists in `folder` or above it:
 * sops would read its creation rules, while the suite passes every setting as
 * a flag to both tools.
 */
export async function assertNoSopsConfigAbove(folder: string): Promise<void> {
  let current = path.resolve(folder);
  for (;;) {
    for (const name of ['.sops.yaml', '.sops.yml']) {
      const candidate = path.join(current, name);
      if (existsSync(candidate)) {
        throw new Error(`${candidate} exists above the suite's work folder, and sops would apply its rules. Move it away or set TMPDIR to another folder.`);
      }
    }
    const parent = path.dirname(current);
    if (parent === current) {
      return;
    }
    current = parent;
  }
}
