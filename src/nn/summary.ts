/**
 * A per-layer architecture table of a model built from library layers: for every conv and linear
 * layer, its path, channels in → out, kernel, stride, dilation and parameter count. Printed after
 * a search and saved with each exported model.
 */

import type { Module } from './module.js';
import { Conv1d, Conv2d } from './layers/conv.js';
import { Linear } from './layers/linear.js';

export interface LayerRow {
  path: string;
  kind: 'Conv1d' | 'Conv2d' | 'Linear';
  cin: number;
  cout: number;
  kernel: string;
  stride: string;
  dilation: string;
  groups: number;
  params: number;
}

export function architectureRows(model: Module): LayerRow[] {
  const rows: LayerRow[] = [];
  const size = (t: { size: number } | null) => (t === null ? 0 : t.size);
  for (const [path, m] of model.namedModules()) {
    if (m instanceof Conv1d) {
      rows.push({ path, kind: 'Conv1d', cin: m.inChannels, cout: m.outChannels, kernel: String(m.kernelSize), stride: String(m.stride), dilation: String(m.dilation), groups: m.groups, params: m.weight.size + size(m.bias) });
    } else if (m instanceof Conv2d) {
      rows.push({ path, kind: 'Conv2d', cin: m.inChannels, cout: m.outChannels, kernel: `${m.kh}×${m.kw}`, stride: JSON.stringify(m.stride), dilation: JSON.stringify(m.dilation), groups: m.groups, params: m.weight.size + size(m.bias) });
    } else if (m instanceof Linear) {
      rows.push({ path, kind: 'Linear', cin: m.inFeatures, cout: m.outFeatures, kernel: '-', stride: '-', dilation: '-', groups: 1, params: m.weight.size + size(m.bias) });
    }
  }
  return rows;
}

export function formatArchitecture(rows: readonly LayerRow[]): string {
  const head = ['layer', 'kind', 'in→out', 'kernel', 'stride', 'dilation', 'groups', 'params'];
  const body = rows.map((r) => [r.path, r.kind, `${r.cin}→${r.cout}`, r.kernel, r.stride, r.dilation, String(r.groups), r.params.toLocaleString('en-US')]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}
