/**
 * Differentiable max and average pooling, 1-D (NCL) and 2-D (NCHW), plus global average
 * pooling. Output size uses floor (PyTorch's ceil_mode=false).
 */

import { allocate } from '../../tensor/dtype.js';
import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { kernel } from '../../kernels/dispatch.js';
import type { PoolGeom } from '../../kernels/contracts.js';
import { record } from '../graph.js';
import { make } from './util.js';
import { reshape } from './movement.js';
import { mean } from './reduce.js';

export interface Pool2dOptions {
  kernel: number | readonly [number, number];
  /** Defaults to the kernel size. */
  stride?: number | readonly [number, number];
  /** Symmetric padding, at most half the kernel (as PyTorch). */
  padding?: number | readonly [number, number];
  /** Average pooling only: divide by the full window including padding (PyTorch's default, true). */
  countIncludePad?: boolean;
}

export interface Pool1dOptions {
  kernel: number;
  stride?: number;
  padding?: number;
  countIncludePad?: boolean;
}

const pair = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

function geometry(op: string, x: Tensor, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number): PoolGeom {
  if (x.ndim !== 4) throw new Error(`${op}: input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
  for (const v of [kh, kw, sh, sw]) if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: kernel and stride must be positive integers, got kernel [${kh}, ${kw}] stride [${sh}, ${sw}]`);
  if (!Number.isInteger(ph) || !Number.isInteger(pw) || ph < 0 || pw < 0 || 2 * ph > kh || 2 * pw > kw) throw new Error(`${op}: padding [${ph}, ${pw}] must be integers between 0 and half the kernel [${kh}, ${kw}]`);
  const [n, c, h, w] = x.shape;
  const ho = Math.floor((h + 2 * ph - kh) / sh) + 1;
  const wo = Math.floor((w + 2 * pw - kw) / sw) + 1;
  if (ho < 1 || wo < 1) throw new Error(`${op}: kernel [${kh}, ${kw}] is larger than the padded input ${fmtShape(x.shape)}`);
  return { n, c, h, w, kh, kw, sh, sw, padTop: ph, padLeft: pw, ho, wo };
}

function maxPoolCore(op: string, x: Tensor, g: PoolGeom): Tensor {
  const out = allocate(x.dtype, g.n * g.c * g.ho * g.wo);
  const argmax = new Int32Array(out.length);
  kernel('maxPoolForward')(x.values(), out, argmax, g);
  return record('maxPool', [x], make(out, [g.n, g.c, g.ho, g.wo]), { geom: g, argmax });
}

function avgPoolCore(x: Tensor, g: PoolGeom, countIncludePad: boolean): Tensor {
  const out = allocate(x.dtype, g.n * g.c * g.ho * g.wo);
  kernel('avgPoolForward')(x.values(), out, g, countIncludePad);
  return record('avgPool', [x], make(out, [g.n, g.c, g.ho, g.wo]), { geom: g, countIncludePad });
}

export function maxPool2d(x: Tensor, o: Pool2dOptions): Tensor {
  const [kh, kw] = pair(o.kernel);
  const [sh, sw] = pair(o.stride ?? o.kernel);
  const [ph, pw] = pair(o.padding ?? 0);
  return maxPoolCore('maxPool2d', x, geometry('maxPool2d', x, kh, kw, sh, sw, ph, pw));
}

export function avgPool2d(x: Tensor, o: Pool2dOptions): Tensor {
  const [kh, kw] = pair(o.kernel);
  const [sh, sw] = pair(o.stride ?? o.kernel);
  const [ph, pw] = pair(o.padding ?? 0);
  return avgPoolCore(x, geometry('avgPool2d', x, kh, kw, sh, sw, ph, pw), o.countIncludePad ?? true);
}

function as2d(op: string, x: Tensor): Tensor {
  if (x.ndim !== 3) throw new Error(`${op}: input must be [N, C, L], got ${fmtShape(x.shape)}`);
  return reshape(x, [x.shape[0], x.shape[1], 1, x.shape[2]]);
}

const back1d = (y: Tensor): Tensor => reshape(y, [y.shape[0], y.shape[1], y.shape[3]]);

export function maxPool1d(x: Tensor, o: Pool1dOptions): Tensor {
  const x4 = as2d('maxPool1d', x);
  return back1d(maxPoolCore('maxPool1d', x4, geometry('maxPool1d', x4, 1, o.kernel, 1, o.stride ?? o.kernel, 0, o.padding ?? 0)));
}

export function avgPool1d(x: Tensor, o: Pool1dOptions): Tensor {
  const x4 = as2d('avgPool1d', x);
  return back1d(avgPoolCore(x4, geometry('avgPool1d', x4, 1, o.kernel, 1, o.stride ?? o.kernel, 0, o.padding ?? 0), o.countIncludePad ?? true));
}

/** Mean over all spatial axes: [N, C, ...] → [N, C]. */
export function globalAvgPool(x: Tensor): Tensor {
  if (x.ndim < 3) throw new Error(`globalAvgPool: input must be [N, C, ...spatial], got ${fmtShape(x.shape)}`);
  return mean(x, Array.from({ length: x.ndim - 2 }, (_, i) => i + 2));
}
