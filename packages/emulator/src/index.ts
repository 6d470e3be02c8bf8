export { startEmulator } from './emulator.js';
export type { Emulator, KeyReference, StartEmulatorOptions } from './emulator.js';
export { KEY_PERMISSIONS } from './identities.js';
export type { KeyPermission } from './identities.js';
export { exportLines, shellQuote } from './shell.js';
