import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import type { InteropContext } from './context.js';
import { runProcess, type ProcessResult } from './process.js';

/** Options of one tool run. */
export interface ToolRunOptions {
  /** Working folder; sops looks for `.sops.yaml` from here upwards. */
  cwd: string;
  /** Variables added to the tool's environment, such as `EDITOR`. */
  env?: Record<string, string>;
}

/**
 * Runs sops and azkv against the shared emulator. Each tool gets a complete,
 * minimal environment, so that no Azure or proxy variable of the calling
 * shell reaches it.
 */
export class InteropTools {
  constructor(private readonly context: InteropContext) {}

  /**
   * Builds the environment of sops. It trusts only the emulator's CA, takes
   * the token from the App Service managed-identity endpoint, and never
   * queries GitHub for a newer release.
   */
  sopsEnvironment(extra: Record<string, string> = {}): Record<string, string> {
    return {
      // The scripted editors of `sops edit` need sh and sed.
      PATH: '/usr/bin:/bin',
      HOME: this.context.workRoot,
      SSL_CERT_FILE: this.context.caCertPath,
      SSL_CERT_DIR: this.context.emptyCertDir,
      AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
      IDENTITY_ENDPOINT: this.context.identityEndpoint,
      IDENTITY_HEADER: this.context.identityHeader,
      SOPS_DISABLE_VERSION_CHECK: '1',
      ...extra,
    };
  }

  /**
   * Builds the environment of azkv: the variables that the emulator prints
   * for Node clients, plus NODE_OPTIONS, which loads the loopback guard.
   */
  azkvEnvironment(extra: Record<string, string> = {}): Record<string, string> {
    return {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: this.context.workRoot,
      NODE_OPTIONS: process.env['NODE_OPTIONS'] ?? '',
      NODE_EXTRA_CA_CERTS: this.context.caCertPath,
      AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
      IDENTITY_ENDPOINT: this.context.identityEndpoint,
      IDENTITY_HEADER: this.context.identityHeader,
      ...extra,
    };
  }

  /** Runs the sops binary with `args`. */
  sops(args: readonly string[], options: ToolRunOptions): Promise<ProcessResult> {
    return runProcess(this.context.sopsBin, args, { cwd: options.cwd, env: this.sopsEnvironment(options.env) });
  }

  /** Runs the azkv command with `args` in a new Node process. */
  azkv(args: readonly string[], options: ToolRunOptions): Promise<ProcessResult> {
    return runProcess(process.execPath, [this.context.azkvBin, ...args], {
      cwd: options.cwd,
      env: this.azkvEnvironment(options.env),
    });
  }

  /** Creates an empty folder for one test below the suite's work folder. */
  createFolder(label: string): Promise<string> {
    return mkdtemp(path.join(this.context.workRoot, `${label.replace(/[^A-Za-z0-9-]/g, '-')}-`));
  }
}

/**
 * Returns stdout of a run that must succeed, or throws an error with the
 * command, its exit status and its stderr.
 */
export function succeeded(result: ProcessResult): Buffer {
  if (result.status !== 0) {
    throw new Error(`${result.command} failed with exit status ${result.status}:\n${result.stderr}`);
  }
  return result.stdout;
}
