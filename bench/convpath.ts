/**
 * Measures the wasm backend's two convolution paths (im2col + GEMM, direct tap loops) per shape,
 * forward and both backward kernels, one thread: the data behind convPath()'s fixed rule in
 * src/kernels/wasm/index.ts. `npx tsx bench/convpath.ts`
 */

import { loadavg } from 'node:os';
import * as T from '../src/index.js';

function geom(n: number, cin: number, h: number, w: number, cout: number, kh: number, kw: number, groups = 1, s = 1, pad = [0, 0]): T.ConvGeom {
  const ho = Math.floor((h + 2 * pad[0] - (kh - 1) - 1) / s) + 1;
  const wo = Math.floor((w + 2 * pad[1] - (kw - 1) - 1) / s) + 1;
  return { n, cin, h, w, cout, kh, kw, sh: s, sw: s, dh: 1, dw: 1, padTop: pad[0], padBottom: pad[0], padLeft: pad[1], padRight: pad[1], groups, ho, wo };
}

const SHAPES: [string, T.ConvGeom][] = [
  ['dw2d 64ch 25×5 3×3 (ds-cnn)', geom(64, 64, 25, 5, 64, 3, 3, 64, 1, [1, 1])],
  ['dw2d 32ch 24×24 3×3 s2 (mobilenet)', geom(16, 32, 24, 24, 32, 3, 3, 32, 2, [1, 1])],
  ['dw1d 64ch L128 k9', geom(64, 64, 1, 128, 64, 1, 9, 64, 1, [0, 4])],
  ['cin1 L512 k5 →32 (TCN layer 1)', geom(64, 1, 1, 512, 32, 1, 5, 1, 1, [0, 2])],
  ['cin1 28×28 3×3 →16 (cnn first)', geom(64, 1, 28, 28, 16, 3, 3, 1, 1, [1, 1])],
  ['cin2 L256 k5 →16 (K 10)', geom(64, 2, 1, 256, 16, 1, 5, 1, 1, [0, 2])],
  ['cin3 32×32 3×3 →16 (K 27)', geom(32, 3, 32, 32, 16, 3, 3, 1, 1, [1, 1])],
  ['cin4 L256 k5 →32 (K 20)', geom(64, 4, 1, 256, 32, 1, 5, 1, 1, [0, 2])],
  ['cin32 L512 k5 →32 (K 160)', geom(64, 32, 1, 512, 32, 1, 5, 1, 1, [0, 2])],
];

function rand(n: number, seed: number): Float32Array {
  const rng = new T.Rng(seed);
  return new Float32Array(n).map(() => rng.uniform(-1, 1));
}

function median(f: () => void): number {
  const ts: number[] = [];
  f();
  const t0 = performance.now();
  while (ts.length < 5 || (performance.now() - t0 < 300 && ts.length < 200)) {
    const t = performance.now();
    f();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}

T.useFastestBackend();
const K = T.wasmKernels;
console.log(`wasm conv paths, 1 thread, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}; ms per call (fwd / dX / dW), rule's choice marked *`);
console.log('| shape | K | im2col fwd | direct fwd | im2col dX | direct dX | im2col dW | direct dW | rule |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [label, g] of SHAPES) {
  const cinG = g.cin / g.groups;
  const x = rand(g.n * g.cin * g.h * g.w, 1), w = rand(g.cout * cinG * g.kh * g.kw, 2);
  const out = new Float32Array(g.n * g.cout * g.ho * g.wo), dy = rand(out.length, 3);
  const dx = new Float32Array(x.length), dw = new Float32Array(w.length);
  const cells: string[] = [];
  const t: Record<string, number[]> = {};
  for (const path of ['im2col', 'direct'] as const) {
    T.setWasmConvPath(path);
    t[path] = [median(() => K.convForward!(x, w, null, out, g)), median(() => K.convBackwardInput!(dy, w, dx, g)), median(() => K.convBackwardWeight!(x, dy, dw, g))];
  }
  for (let i = 0; i < 3; i++) cells.push(t.im2col[i].toFixed(3), t.direct[i].toFixed(3));
  T.setWasmConvPath(null);
  console.log(`| ${label} | ${cinG * g.kh * g.kw} | ${cells.join(' | ')} | ${T.convPath(g)} |`);
}
