/** Test helper: a ConvGeom from sizes and optional stride / dilation / padding / groups (output size computed). */

import type { ConvGeom } from '../../src/index.js';

export function geom(n: number, cin: number, h: number, w: number, cout: number, kh: number, kw: number,
  opts: { s?: [number, number]; d?: [number, number]; pad?: [number, number, number, number]; groups?: number } = {}): ConvGeom {
  const [sh, sw] = opts.s ?? [1, 1];
  const [dh, dw] = opts.d ?? [1, 1];
  const [pt, pb, pl, pr] = opts.pad ?? [0, 0, 0, 0];
  const ho = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const wo = Math.floor((w + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  return { n, cin, h, w, cout, kh, kw, sh, sw, dh, dw, padTop: pt, padBottom: pb, padLeft: pl, padRight: pr, groups: opts.groups ?? 1, ho, wo };
}
