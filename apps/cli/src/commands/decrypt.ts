import { Args, Flags } from '@oclif/core';
import { azureKeySource } from '@azkv/azure';
import { AzkvCommand } from '../base-command.js';
import { fileFlags } from '../flags.js';
import { decryptDocument } from '../operations/decrypt.js';
import { writeResult } from '../runtime.js';
import { checkStoreOptions, prepareFileCommand } from '../settings.js';

export default class Decrypt extends AzkvCommand {
  static override args = {
    file: Args.string({ description: 'the encrypted file to decrypt; standard input when omitted', required: false, ignoreStdin: true }),
  };

  static override description = 'Decrypt a sops file whose data key an Azure Key Vault key wraps.';

  static override examples = [
    '<%= config.bin %> decrypt secrets.enc.yaml',
    '<%= config.bin %> decrypt --output-type json secrets.enc.yaml',
  ];

  static override flags = {
    ...fileFlags,
    'ignore-mac': Flags.boolean({
      description: 'decrypt even when the MAC is missing or does not match (the file may have been tampered with)',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Decrypt);
    const { input, loaded, stores } = await prepareFileCommand(args.file, flags, {
      requireFilenameOverride: false,
      warn: (message) => this.logToStderr(`azkv: warning: ${message}`),
    });
    checkStoreOptions(stores.output, loaded.config, flags.indent);

    const result = await decryptDocument({
      input: input.content,
      fileName: args.file ?? 'standard input',
      inputStore: stores.input,
      outputStore: stores.output,
      keySources: [azureKeySource()],
      ignoreMac: flags['ignore-mac'],
    });
    for (const warning of result.warnings) {
      this.logToStderr(`azkv: warning: ${warning.message}`);
    }
    await writeResult({ inPlace: flags['in-place'], output: flags.output }, input.fileName, result.output);
  }
}
