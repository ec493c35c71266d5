/**
 * Differentiable convolutions: conv2d on NCHW and conv1d on NCL (run as a conv2d of height 1),
 * with stride, dilation, symmetric / asymmetric / 'same' / causal padding and groups, all
 * combinable, optionally fused with a following ReLU (`activation: 'relu'`: one op whose output
 * and gradients have the bits of conv then relu, without the intermediate tensor or the extra
 * passes). Shapes are validated here, before any kernel runs, with messages that name the op and
 * the shapes.
 */

import { allocate, promote } from '../../tensor/dtype.js';
import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { kernel } from '../../kernels/dispatch.js';
import type { ConvGeom } from '../../kernels/contracts.js';
import { record } from '../graph.js';
import { make } from './util.js';
import { cast, reshape } from './movement.js';

export type Padding1d = number | readonly [number, number] | 'valid' | 'same' | 'causal';
export type Padding2d = number | readonly [number, number] | readonly [number, number, number, number] | 'valid' | 'same';

export interface Conv1dOptions {
  stride?: number;
  dilation?: number;
  /** A number pads both sides; [left, right]; 'same' (stride 1, extra on the right as PyTorch); 'causal' pads (k−1)·d on the left. */
  padding?: Padding1d;
  groups?: number;
  /** 'relu': apply ReLU to the output inside the op (same values and gradients as relu(conv1d(…))). */
  activation?: ConvActivation;
}

export type ConvActivation = 'none' | 'relu';

function fusedRelu(op: string, a: ConvActivation | undefined): boolean {
  if (a === undefined || a === 'none') return false;
  if (a === 'relu') return true;
  throw new Error(`${op}: activation must be 'none' or 'relu', got ${JSON.stringify(a)}`);
}

export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  dilation?: number | readonly [number, number];
  /** A number, [h, w] (both sides), [top, bottom, left, right], 'valid' or 'same' (stride 1). */
  padding?: Padding2d;
  groups?: number;
  /** 'relu': apply ReLU to the output inside the op (same values and gradients as relu(conv2d(…))). */
  activation?: ConvActivation;
}

function pair(v: number | readonly [number, number] | undefined, dflt: number, what: string, op: string): [number, number] {
  const p: [number, number] = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= 1)) throw new Error(`${op}: ${what} must be positive integers, got ${JSON.stringify(v)}`);
  return p;
}

/** Split a 'same' total padding PyTorch's way: the odd extra element goes on the right/bottom. */
function samePad(k: number, d: number): [number, number] {
  const total = d * (k - 1);
  const lo = Math.floor(total / 2);
  return [lo, total - lo];
}

export function conv2d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  if (x.ndim !== 4) throw new Error(`${op}: input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
  if (w.ndim !== 4) throw new Error(`${op}: weight must be [Cout, Cin/groups, KH, KW], got ${fmtShape(w.shape)}`);
  const [sh, sw] = pair(opts.stride, 1, 'stride', op);
  const [dh, dw] = pair(opts.dilation, 1, 'dilation', op);
  const kh = w.shape[2];
  const kw = w.shape[3];
  const p = opts.padding ?? 0;
  let pads: [number, number, number, number];
  if (p === 'valid') pads = [0, 0, 0, 0];
  else if (p === 'same') {
    if (sh !== 1 || sw !== 1) throw new Error(`${op}: padding 'same' needs stride 1, got stride [${sh}, ${sw}]`);
    pads = [...samePad(kh, dh), ...samePad(kw, dw)];
  } else if (typeof p === 'number') pads = [p, p, p, p];
  else if (p.length === 2) pads = [p[0], p[0], p[1], p[1]];
  else pads = [p[0], p[1], p[2], p[3]];
  return convCore(op, x, w, b, { sh, sw, dh, dw, pads, groups: opts.groups ?? 1, relu: fusedRelu(op, opts.activation) });
}

export function conv1d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: Conv1dOptions = {}): Tensor {
  const op = 'conv1d';
  if (x.ndim !== 3) throw new Error(`${op}: input must be [N, C, L], got ${fmtShape(x.shape)}`);
  if (w.ndim !== 3) throw new Error(`${op}: weight must be [Cout, Cin/groups, K], got ${fmtShape(w.shape)}`);
  const [s] = pair(opts.stride, 1, 'stride', op);
  const [d] = pair(opts.dilation, 1, 'dilation', op);
  const k = w.shape[2];
  const p = opts.padding ?? 0;
  let lr: [number, number];
  if (p === 'valid') lr = [0, 0];
  else if (p === 'same') {
    if (s !== 1) throw new Error(`${op}: padding 'same' needs stride 1, got stride ${s}`);
    lr = samePad(k, d);
  } else if (p === 'causal') lr = [d * (k - 1), 0];
  else if (typeof p === 'number') lr = [p, p];
  else lr = [p[0], p[1]];
  const x4 = reshape(x, [x.shape[0], x.shape[1], 1, x.shape[2]]);
  const w4 = reshape(w, [w.shape[0], w.shape[1], 1, w.shape[2]]);
  const y = convCore(op, x4, w4, b, { sh: 1, sw: s, dh: 1, dw: d, pads: [0, 0, lr[0], lr[1]], groups: opts.groups ?? 1, relu: fusedRelu(op, opts.activation) }, x.shape, w.shape);
  return reshape(y, [y.shape[0], y.shape[1], y.shape[3]]);
}

interface ConvParams {
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  pads: [number, number, number, number];
  groups: number;
  relu: boolean;
}

function convCore(op: string, x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams, userX = x.shape, userW = w.shape): Tensor {
  const [n, cin, h, wd] = x.shape;
  const [cout, cinG, kh, kw] = w.shape;
  const shapes = `input ${fmtShape(userX)}, weight ${fmtShape(userW)}`;
  const { groups } = p;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new Error(`${op}: groups=${groups} must divide both input channels (${cin}) and output channels (${cout}); ${shapes}`);
  }
  if (cinG * groups !== cin) {
    throw new Error(`${op}: input has ${cin} channels but the weight expects ${cinG * groups} (= ${cinG} per group × ${groups} groups); ${shapes}`);
  }
  for (const v of p.pads) if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: padding must be non-negative integers, got [${p.pads.join(', ')}]`);
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== cout)) {
    throw new Error(`${op}: bias must have shape [${cout}], got ${fmtShape(b.shape)}; ${shapes}`);
  }
  const [pt, pb, pl, pr] = p.pads;
  const ho = Math.floor((h + pt + pb - p.dh * (kh - 1) - 1) / p.sh) + 1;
  const wo = Math.floor((wd + pl + pr - p.dw * (kw - 1) - 1) / p.sw) + 1;
  if (ho < 1 || wo < 1) {
    throw new Error(`${op}: the (dilated) kernel is larger than the padded input; ${shapes}, padding [${p.pads.join(', ')}], dilation [${p.dh}, ${p.dw}]`);
  }
  const geom: ConvGeom = {
    n, cin, h, w: wd, cout, kh, kw, sh: p.sh, sw: p.sw, dh: p.dh, dw: p.dw,
    padTop: pt, padBottom: pb, padLeft: pl, padRight: pr, groups, ho, wo,
  };
  const dt = promote(x.dtype, w.dtype);
  const xv = (x.dtype === dt ? x : cast(x, dt)).values();
  const wv = (w.dtype === dt ? w : cast(w, dt)).values();
  const out = allocate(dt, n * cout * ho * wo);
  kernel('convForward')(xv, wv, b === null ? null : b.values(), out, geom, p.relu);
  const inputs = b === null ? [x, w] : [x, w, b];
  return record('conv', inputs, make(out, [n, cout, ho, wo]), { geom, hasBias: b !== null, relu: p.relu });
}
