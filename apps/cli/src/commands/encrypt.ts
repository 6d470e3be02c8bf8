import { Args, Flags } from '@oclif/core';
import { KEY_URLS_ENV_VAR } from '@azkv/azure';
import { AzkvError, ExitCode } from '@azkv/core';
import { AzkvCommand } from '../base-command.js';
import { fileFlags } from '../flags.js';
import { encryptDocument } from '../operations/encrypt.js';
import { selectStores } from '../operations/stores.js';
import { checkOutputFlags, createRuntime, readInput, writeResult } from '../runtime.js';

export default class Encrypt extends AzkvCommand {
  static override args = {
    file: Args.string({ description: 'the plaintext file to encrypt', required: false }),
  };

  static override description = 'Encrypt a file with Azure Key Vault keys, in the sops file format.';

  static override examples = [
    '<%= config.bin %> encrypt --azure-kv https://myvault.vault.azure.net/keys/sops-key/ secrets.yaml > secrets.enc.yaml',
    '<%= config.bin %> encrypt --in-place --encrypted-regex "^(data|stringData)$" k8s-secret.yaml',
  ];

  static override flags = {
    ...fileFlags,
    'azure-kv': Flags.string({
      description: `comma-separated Azure Key Vault key URLs (https://VAULT/keys/NAME[/VERSION]); default: $${KEY_URLS_ENV_VAR}`,
    }),
    'unencrypted-suffix': Flags.string({ description: 'leave values whose key ends with this suffix unencrypted (default: _unencrypted)' }),
    'encrypted-suffix': Flags.string({ description: 'encrypt only values whose key ends with this suffix' }),
    'unencrypted-regex': Flags.string({ description: 'leave values whose key matches this RE2 regex unencrypted' }),
    'encrypted-regex': Flags.string({ description: 'encrypt only values whose key matches this RE2 regex' }),
    'unencrypted-comment-regex': Flags.string({ description: 'leave values after a comment matching this RE2 regex unencrypted' }),
    'encrypted-comment-regex': Flags.string({ description: 'encrypt only values after a comment matching this RE2 regex' }),
    'mac-only-encrypted': Flags.boolean({ description: 'compute the MAC over encrypted values only', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Encrypt);
    checkOutputFlags({ inPlace: flags['in-place'], output: flags.output });
    const input = await readInput(args.file);
    const runtime = createRuntime(flags.indent === undefined ? {} : { indent: flags.indent });
    const stores = selectStores(runtime.registry, flags['filename-override'] ?? input.fileName, flags['input-type'], flags['output-type']);

    const keyList = flags['azure-kv'] ?? process.env[KEY_URLS_ENV_VAR] ?? '';
    const keys = keyList.trim() === '' ? [] : runtime.azure.fromUrls(keyList);
    if (keys.length === 0) {
      throw new AzkvError('ERR_NO_KEYS', 'no master key given: azkv needs at least one Azure Key Vault key to encrypt', {
        exitCode: ExitCode.NoEncryptionKeyFound,
        hint: `pass --azure-kv https://VAULT.vault.azure.net/keys/NAME/VERSION or set ${KEY_URLS_ENV_VAR}`,
      });
    }

    const output = await encryptDocument({
      input: input.content,
      fileName: args.file ?? input.fileName,
      inputStore: stores.input,
      outputStore: stores.output,
      keyGroups: [keys],
      rules: {
        ...(flags['unencrypted-suffix'] === undefined ? {} : { unencryptedSuffix: flags['unencrypted-suffix'] }),
        ...(flags['encrypted-suffix'] === undefined ? {} : { encryptedSuffix: flags['encrypted-suffix'] }),
        ...(flags['unencrypted-regex'] === undefined ? {} : { unencryptedRegex: flags['unencrypted-regex'] }),
        ...(flags['encrypted-regex'] === undefined ? {} : { encryptedRegex: flags['encrypted-regex'] }),
        ...(flags['unencrypted-comment-regex'] === undefined ? {} : { unencryptedCommentRegex: flags['unencrypted-comment-regex'] }),
        ...(flags['encrypted-comment-regex'] === undefined ? {} : { encryptedCommentRegex: flags['encrypted-comment-regex'] }),
        macOnlyEncrypted: flags['mac-only-encrypted'],
      },
    });
    await writeResult({ inPlace: flags['in-place'], output: flags.output }, input.fileName, output);
  }
}
