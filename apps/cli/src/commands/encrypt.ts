import { Args, Flags } from '@oclif/core';
import { azureKeySource, KEY_URLS_ENV_VAR } from '@azkv/azure';
import { AzkvCommand } from '../base-command.js';
import { fileFlags } from '../flags.js';
import { encryptDocument } from '../operations/encrypt.js';
import { writeResult } from '../runtime.js';
import { checkStoreOptions, prepareFileCommand, resolveEncryptSettings } from '../settings.js';

export default class Encrypt extends AzkvCommand {
  static override args = {
    file: Args.string({ description: 'the plaintext file to encrypt; standard input when omitted (needs --filename-override)', required: false, ignoreStdin: true }),
  };

  static override description = 'Encrypt a file with Azure Key Vault keys, in the sops file format.';

  static override examples = [
    '<%= config.bin %> encrypt --azure-kv https://myvault.vault.azure.net/keys/sops-key/ secrets.yaml > secrets.enc.yaml',
    '<%= config.bin %> encrypt --in-place --encrypted-regex "^(data|stringData)$" k8s-secret.yaml',
  ];

  static override flags = {
    ...fileFlags,
    'azure-kv': Flags.string({
      description: 'comma-separated Azure Key Vault key URLs (https://VAULT/keys/NAME[/VERSION])',
      env: KEY_URLS_ENV_VAR,
    }),
    'unencrypted-suffix': Flags.string({ description: 'leave values whose key ends with this suffix unencrypted (default: _unencrypted)' }),
    'encrypted-suffix': Flags.string({ description: 'encrypt only values whose key ends with this suffix' }),
    'unencrypted-regex': Flags.string({ description: 'leave values whose key matches this RE2 regex unencrypted' }),
    'encrypted-regex': Flags.string({ description: 'encrypt only values whose key matches this RE2 regex' }),
    'unencrypted-comment-regex': Flags.string({ description: 'leave values after a comment matching this RE2 regex unencrypted' }),
    'encrypted-comment-regex': Flags.string({ description: 'encrypt only values after a comment matching this RE2 regex' }),
    'mac-only-encrypted': Flags.boolean({ description: 'compute the MAC over encrypted values only', default: false }),
    'shamir-secret-sharing-threshold': Flags.integer({
      description: 'number of key groups needed to decrypt, for files with several key groups (default: all groups)',
      min: 1,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Encrypt);
    const { input, loaded, stores } = await prepareFileCommand(args.file, flags, {
      requireFilenameOverride: true,
      warn: (message) => this.logToStderr(`azkv: warning: ${message}`),
    });
    const settings = resolveEncryptSettings(
      {
        azureKv: flags['azure-kv'],
        rules: {
          unencryptedSuffix: flags['unencrypted-suffix'],
          encryptedSuffix: flags['encrypted-suffix'],
          unencryptedRegex: flags['unencrypted-regex'],
          encryptedRegex: flags['encrypted-regex'],
          unencryptedCommentRegex: flags['unencrypted-comment-regex'],
          encryptedCommentRegex: flags['encrypted-comment-regex'],
        },
        macOnlyEncrypted: flags['mac-only-encrypted'],
        shamirThreshold: flags['shamir-secret-sharing-threshold'],
      },
      loaded,
      input.formatName,
      azureKeySource(),
    );
    checkStoreOptions(stores.output, loaded.config, flags.indent);

    const result = await encryptDocument({
      input: input.content,
      fileName: args.file ?? 'standard input',
      inputStore: stores.input,
      outputStore: stores.output,
      ...settings,
    });
    for (const warning of result.warnings) {
      this.logToStderr(`azkv: warning: ${warning}`);
    }
    await writeResult({ inPlace: flags['in-place'], output: flags.output }, input.fileName, result.output);
  }
}
