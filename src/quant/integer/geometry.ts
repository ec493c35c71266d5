/**
 * Conv geometry of a quantised layer in the integer engine's single form: a 2-D convolution
 * ([N, C, H, W]; a conv1d is H = 1) with explicit strides, dilations and [top, bottom, left,
 * right] zero padding, resolved from the layer's options the way autograd/ops/conv.ts does.
 */

import type { QLayerGeometry } from '../qlayer.js';

export interface ConvGeometry2d {
  sh: number; sw: number; dh: number; dw: number;
  pads: [number, number, number, number];
  groups: number;
  kh: number; kw: number;
}

const same = (k: number, d: number): [number, number] => {
  const total = d * (k - 1);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
};
const pairOf = (v: number | readonly number[] | undefined): [number, number] => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export function convGeometry(g: Exclude<QLayerGeometry, { kind: 'linear' }>, weightShape: readonly number[]): ConvGeometry2d {
  if (g.kind === 'conv1d') {
    const k = weightShape[2];
    const s = g.opts.stride ?? 1;
    const d = g.opts.dilation ?? 1;
    const p = g.opts.padding ?? 0;
    const lr: [number, number] = p === 'valid' ? [0, 0] : p === 'same' ? same(k, d) : p === 'causal' ? [d * (k - 1), 0] : typeof p === 'number' ? [p, p] : [p[0], p[1]];
    return { sh: 1, sw: s, dh: 1, dw: d, pads: [0, 0, lr[0], lr[1]], groups: g.opts.groups ?? 1, kh: 1, kw: k };
  }
  const [kh, kw] = [weightShape[2], weightShape[3]];
  const [sh, sw] = pairOf(g.opts.stride);
  const [dh, dw] = pairOf(g.opts.dilation);
  const p = g.opts.padding ?? 0;
  let pads: [number, number, number, number];
  if (p === 'valid') pads = [0, 0, 0, 0];
  else if (p === 'same') pads = [...same(kh, dh), ...same(kw, dw)];
  else if (typeof p === 'number') pads = [p, p, p, p];
  else if (p.length === 2) pads = [p[0], p[0], p[1], p[1]];
  else pads = [p[0], p[1], p[2], p[3]];
  return { sh, sw, dh, dw, pads, groups: g.opts.groups ?? 1, kh, kw };
}
