/**
 * The page's dataset: decodes the build-time MNIST subset (virtual:mnist-subset) into the
 * library's ArrayDataset, MNIST rows layout ([28 channels = pixel columns, 28 steps = rows]),
 * and splits each class 80 % training / 20 % validation (the mask updates use the validation part).
 */

import { MNIST_PIXELS, imagesToSequences, makeDataset, type ArrayDataset } from '../../src/browser.js';

export interface SubsetModule {
  perClass: number;
  pixels: string;
  labels: string;
  source: string;
}

function fromBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
}

export function subsetSplits(m: SubsetModule): { train: ArrayDataset; val: ArrayDataset } {
  const pixels = fromBase64(m.pixels);
  const labels = fromBase64(m.labels);
  const nVal = Math.round(m.perClass * 0.2);
  const pick = (fromVal: boolean) => {
    const idx: number[] = [];
    for (let d = 0; d < 10; d++) {
      for (let i = 0; i < m.perClass; i++) if ((i >= m.perClass - nVal) === fromVal) idx.push(d * m.perClass + i);
    }
    const x = new Float32Array(idx.length * MNIST_PIXELS);
    const y = new Int32Array(idx.length);
    idx.forEach((j, k) => {
      for (let p = 0; p < MNIST_PIXELS; p++) x[k * MNIST_PIXELS + p] = pixels[j * MNIST_PIXELS + p] / 255;
      y[k] = labels[j];
    });
    const rows = imagesToSequences(x, idx.length, 28, 28);
    return makeDataset(fromVal ? 'mnist-subset-val' : 'mnist-subset-train', rows, [28, 28], y, 'classification', 10);
  };
  return { train: pick(false), val: pick(true) };
}
