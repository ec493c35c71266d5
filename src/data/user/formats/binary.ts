/**
 * The pure parsers for the binary formats of a user's series (NumPy .npy / .npz, PhysioNet
 * WFDB, folders of WAV clips). They take bytes, never touch the file system, and run in a
 * browser as well as in Node.
 */

export { parseNpy, type NpyArray } from './npy.js';
export { parseNpz } from './npz.js';
export { npyTable, type NpyTableOptions } from './npyTable.js';
export { crc32 } from './crc32.js';
export * from './wfdb.js';
export { wavTable, groupFromName, type WavClip, type WavTableOptions } from './wavFolder.js';
