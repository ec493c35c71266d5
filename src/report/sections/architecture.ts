/**
 * The final architecture of each point as a table: per layer, the seed's and the found channel
 * counts, kernel, dilation and receptive field, parameters, MACs and the layer's share of the
 * model's MACs (a bar), so that one sees where the cost went.
 */

import type { LayerRow } from '../../nn/summary.js';
import type { LayerState } from '../../search/types.js';
import { esc } from '../svg/markup.js';
import { categorical } from '../svg/palette.js';
import type { PointData, PrecisionLayer, RunData } from '../load.js';
import { costInfo, formatCost, formatMetric, formatStrength, strengthSymbol } from '../labels.js';
import { receptiveField } from './masks.js';

interface Row {
  name: string;
  kind: string;
  /** Markup (already escaped): channels, kernel, dilation and receptive field. */
  channels: string;
  kernel: string;
  dilation: string;
  rf: string;
  params: number;
  macs: number;
  bits: string;
  /** Every named cost of the layer (hardware targets: latency, energy, …). */
  costs: Record<string, number>;
}

/** Per-layer costs shown after MACs when the run recorded them (a hardware target's). */
const LAYER_COSTS = ['latency', 'energy'];

const changed = (a: number | string, b: number | string) => (String(a) === String(b) ? esc(String(b)) : `${esc(String(a))} → <b>${esc(String(b))}</b>`);

function rowsOf(p: PointData, seed: LayerState[] | undefined): Row[] {
  const seedOf = (name: string) => seed?.find((l) => l.name === name);
  if (p.layerCosts !== undefined && p.layerCosts.length > 0) {
    return p.layerCosts.map((l) => {
      const s = seedOf(l.name);
      const temporal = l.kind === 'conv1d';
      return {
        name: l.name, kind: l.kind,
        channels: s === undefined ? esc(`${l.cin} → ${l.cout}`) : `${changed(s.cin, l.cin)} / ${changed(s.cout, l.cout)}`,
        kernel: l.kind === 'linear' ? '–' : s === undefined ? esc(String(l.k)) : changed(s.k, l.k),
        dilation: l.kind === 'linear' ? '–' : s === undefined ? esc(String(l.dilation)) : changed(s.dilation, l.dilation),
        rf: !temporal ? '–' : s === undefined ? esc(String(receptiveField(l))) : changed(receptiveField(s), receptiveField(l)),
        costs: l.costs ?? {}, params: l.params ?? NaN, macs: l.macs ?? NaN, bits: typeof l.wBits === 'number' ? `${Number(l.wBits.toFixed(2))}${typeof l.aBits === 'number' ? ` / ${Number(l.aBits.toFixed(2))}` : ''}` : '',
      };
    });
  }
  // Runs written before per-layer costs were recorded: the architecture rows (no MACs).
  return p.layers.map((l: LayerRow) => ({
    name: l.path, kind: l.kind, channels: esc(`${l.cin} → ${l.cout}`), kernel: esc(l.kernel), dilation: esc(l.dilation), rf: '–', params: l.params, macs: NaN, bits: '', costs: {},
  }));
}

/** "8 b × 12, 4 b × 3, pruned × 1" from a histogram { w8: 12, w4: 3, w0: 1 }. */
export function bitsHistogram(h: Readonly<Record<string, number>>): string {
  return Object.entries(h)
    .map(([k, n]) => [Number(k.replace(/^\D+/, '')), n] as const)
    .sort((a, b) => b[0] - a[0])
    .map(([b, n]) => `${b === 0 ? 'pruned' : `${b} b`} × ${n}`)
    .join(', ');
}

/** A share of the model's total as a small bar and a percentage. */
function shareBar(part: number, total: number, color: string): string {
  const share = total > 0 && Number.isFinite(part) ? part / total : NaN;
  if (!Number.isFinite(share)) return '–';
  return `<span class="bar"><span style="width:${(share * 100).toFixed(1)}%;background:${color}"></span></span> ${(share * 100).toFixed(1)}%`;
}

/** A point's layer table: `body` cells are markup, `head` and `total` cells plain text. */
function layerTable(run: RunData, p: PointData, head: readonly string[], body: readonly string[][], total: readonly string[]): string {
  const caption = `point #${p.index} — ${p.label ?? `${strengthSymbol(run)} = ${formatStrength(p.strength)}`}, test ${formatMetric(run.metric, p.testMetric)}`;
  const tr = (cells: readonly string[], cls = '') => `<tr${cls}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  return `<table class="arch"><caption>${esc(caption)}</caption><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`
    + `<tbody>${body.map((r) => tr(r)).join('')}${tr(total.map(esc), ' class="total"')}</tbody></table>`;
}

function precisionTable(run: RunData, p: PointData, layers: readonly PrecisionLayer[]): string {
  const total = layers.reduce((a, l) => a + (Number.isFinite(l.bitops) ? l.bitops : 0), 0);
  const head = ['layer', 'kind', 'output channels', 'weight bits (channels)', 'activation bits in / out', 'weight bytes', 'BitOps', 'share of BitOps'];
  const body = layers.map((l) => [
    `<code>${esc(l.name)}</code>`, esc(l.kind), String(l.cout), esc(bitsHistogram(l.wBits)), esc(`${l.aInBits ?? '–'} / ${l.aOutBits ?? '–'}`),
    formatCost(l.sizeBytes), formatCost(l.bitops), shareBar(l.bitops, total, categorical(p.index)),
  ]);
  return layerTable(run, p, head, body, ['total', '', '', '', '', formatCost(p.costs.size ?? NaN), formatCost(p.costs.bitops ?? NaN), '']);
}

export function architectureTable(run: RunData, p: PointData): string {
  if (p.precisionLayers !== undefined && p.precisionLayers.length > 0) return precisionTable(run, p, p.precisionLayers);
  const rows = rowsOf(p, run.seed.layerCosts);
  if (rows.length === 0) return `<p class="note">No per-layer data for point #${p.index}${p.missing ? ` (${esc(p.missing)})` : ''}.</p>`;
  const totalMacs = rows.reduce((a, r) => a + (Number.isFinite(r.macs) ? r.macs : 0), 0);
  const showBits = rows.some((r) => r.bits !== '');
  const extra = LAYER_COSTS.filter((n) => rows.every((r) => Number.isFinite(r.costs[n])));
  const head = ['layer', 'kind', 'channels in / out', 'kernel taps', 'dilation', 'receptive field (samples)', 'params', 'MACs', 'share of MACs', ...extra.map((n) => costInfo(n).short), ...(showBits ? ['bits (w / a)'] : [])];
  const body = rows.map((r) => [
    `<code>${esc(r.name)}</code>`, esc(r.kind), r.channels, r.kernel, r.dilation, r.rf, formatCost(r.params), formatCost(r.macs),
    shareBar(r.macs, totalMacs, categorical(p.index)), ...extra.map((n) => formatCost(r.costs[n])), ...(showBits ? [esc(r.bits)] : []),
  ]);
  const total = ['total', '', '', '', '', '', formatCost(p.costs.params), formatCost(p.costs.macs), '', ...extra.map((n) => formatCost(p.costs[n] ?? NaN)), ...(showBits ? [''] : [])];
  return layerTable(run, p, head, body, total);
}
