import { Flags } from '@oclif/core';

/** Flags shared by the file commands, named as in sops. */
export const fileFlags = {
  'input-type': Flags.string({
    description: 'format of the input file (yaml, json, dotenv, ini, binary); by default taken from the file extension',
  }),
  'output-type': Flags.string({
    description: 'format of the output; by default taken from the input file extension',
  }),
  output: Flags.string({
    description: 'write the result to this file instead of standard output',
  }),
  'in-place': Flags.boolean({
    char: 'i',
    description: 'replace the input file with the result (written atomically)',
    default: false,
  }),
  'filename-override': Flags.string({
    description: 'use this file name instead of the argument to choose the input and output formats',
  }),
  config: Flags.string({
    description: 'path to the .sops.yaml configuration file; by default SOPS_CONFIG, then a search from the working directory upwards',
  }),
  indent: Flags.integer({
    description: 'indentation of YAML and JSON output, in spaces',
  }),
};
