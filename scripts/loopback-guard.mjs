// Test-time network guard. Loaded as a vitest setup file and, through
// NODE_OPTIONS=--import, into every child process a test starts, so that a
// misconfigured Azure credential or vault URL fails the test instead of
// reaching a real host (the instance metadata address, login servers, vaults).
//
// It rejects TCP connections to anything but loopback addresses and names, and
// stops child processes of the Azure CLI, Azure Developer CLI and PowerShell,
// which DefaultAzureCredential would otherwise start.
import childProcess from 'node:child_process';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const GUARD_FLAG = Symbol.for('azkv.loopbackGuard');

function isLoopbackHost(host) {
  if (host === undefined || host === null || host === '') {
    // net.connect defaults to localhost when no host is given.
    return true;
  }
  const name = String(host).toLowerCase().replace(/^\[|\]$/g, '');
  if (name === 'localhost' || name.endsWith('.localhost')) {
    return true;
  }
  if (net.isIPv4(name)) {
    return name.startsWith('127.');
  }
  if (net.isIPv6(name)) {
    return name === '::1' || name === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(name);
  }
  return false;
}

function connectTarget(args) {
  const [first, second] = args;
  if (Array.isArray(first)) {
    // Internal form used by net.Socket: [options, callback].
    return connectTarget(first);
  }
  if (first !== null && typeof first === 'object') {
    if (typeof first.path === 'string') {
      return { path: first.path };
    }
    return { host: first.host };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) {
    // connect(path[, callback]): a Unix socket or named pipe.
    return { path: first };
  }
  return { host: typeof second === 'string' ? second : undefined };
}

const BLOCKED_COMMANDS = new Set(['az', 'az.cmd', 'azd', 'azd.cmd', 'pwsh', 'pwsh.exe', 'powershell', 'powershell.exe']);

function assertAllowedCommand(command) {
  if (typeof command !== 'string') {
    return;
  }
  const base = path.basename(command).toLowerCase();
  if (BLOCKED_COMMANDS.has(base)) {
    throw new Error(
      `loopback guard: starting '${command}' is not allowed in tests; configure the credential for the emulator (AZURE_TOKEN_CREDENTIALS, IDENTITY_ENDPOINT) instead`,
    );
  }
}

function shellCommandName(args) {
  // exec('az account get-access-token ...') and spawn('/bin/sh', ['-c', 'az ...']).
  const [command, argv] = args;
  if (typeof command === 'string' && Array.isArray(argv) && argv[0] === '-c' && typeof argv[1] === 'string') {
    return argv[1].trim().split(/\s+/)[0];
  }
  return undefined;
}

function install() {
  if (globalThis[GUARD_FLAG]) {
    return;
  }
  globalThis[GUARD_FLAG] = true;

  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const target = connectTarget(args);
    if (target.path === undefined && !isLoopbackHost(target.host)) {
      const error = new Error(
        `loopback guard: connection to '${target.host}' rejected; tests may only reach 127.0.0.1, ::1 and localhost`,
      );
      error.code = 'EAZKVGUARD';
      // Fail asynchronously, like a refused connection, so client libraries
      // report it through their normal error path.
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return originalConnect.apply(this, args);
  };

  for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync']) {
    const original = childProcess[name];
    childProcess[name] = function guardedChildProcess(...args) {
      if (name === 'exec' || name === 'execSync') {
        assertAllowedCommand(String(args[0]).trim().split(/\s+/)[0]);
      } else {
        assertAllowedCommand(args[0]);
        assertAllowedCommand(shellCommandName(args));
      }
      return original.apply(this, args);
    };
    // exec and execFile resolve to { stdout, stderr } under util.promisify
    // only through this custom hook, which a plain wrapper would lose.
    if (original[promisify.custom] !== undefined) {
      const originalPromisified = original[promisify.custom];
      childProcess[name][promisify.custom] = function guardedPromisified(...args) {
        assertAllowedCommand(name === 'exec' ? String(args[0]).trim().split(/\s+/)[0] : args[0]);
        return originalPromisified.apply(this, args);
      };
    }
  }
  syncBuiltinESMExports();

  // Child processes (the CLI under test, helper scripts) inherit the guard.
  const importFlag = `--import=${pathToFileURL(fileURLToPath(import.meta.url)).href}`;
  const nodeOptions = process.env.NODE_OPTIONS ?? '';
  if (!nodeOptions.includes(importFlag)) {
    process.env.NODE_OPTIONS = `${nodeOptions} ${importFlag}`.trim();
  }
}

install();

export { isLoopbackHost };
