export * from './tree.js';
export * from './errors.js';
export * from './keys.js';
