/**
 * Mask evolution: for each point, heat maps of every searchable layer over the search epochs —
 * the share of output channels alive, the receptive field in input samples, the dilation, and
 * the weight and output-activation bit-widths when a precision (or joint) search recorded them,
 * so a joint search shows its masks and its bits side by side. The kept epoch is marked and
 * each row ends with its final value.
 */

import { heatMap } from '../svg/heatmap.js';
import type { LayerState } from '../../search/types.js';
import type { PointData, RunData } from '../load.js';
import { pointName } from '../labels.js';

/** Receptive field of a conv in input samples: (taps − 1) · dilation + 1. */
export function receptiveField(l: Pick<LayerState, 'kAlive' | 'dilation'>): number {
  return (l.kAlive - 1) * l.dilation + 1;
}

const isTemporal = (l: LayerState) => l.kind === 'conv1d' && l.k > 1;

interface Quantity {
  title: string;
  colorTitle: string;
  value: (l: LayerState) => number | null;
  right: (l: LayerState) => string;
  format: (v: number) => string;
  range: (layers: LayerState[]) => [number, number];
  ticks?: (lo: number, hi: number) => number[];
}

const pow2Ticks = (lo: number, hi: number) => {
  const out: number[] = [];
  for (let v = 1; v <= hi; v *= 2) if (v >= lo) out.push(v);
  return out;
};

const QUANTITIES: Quantity[] = [
  {
    title: 'output channels alive', colorTitle: 'channels alive (%)', value: (l) => (l.cout > 0 ? l.coutAlive / l.cout : null),
    right: (l) => `${l.coutAlive}/${l.cout}`, format: (v) => `${Math.round(v * 100)}`, range: () => [0, 1],
  },
  {
    title: 'receptive field', colorTitle: 'receptive field (samples)', value: (l) => (isTemporal(l) ? receptiveField(l) : null),
    right: (l) => (isTemporal(l) ? `${receptiveField(l)} samples` : '–'), format: (v) => String(Math.round(v)),
    range: (ls) => [1, Math.max(2, ...ls.filter(isTemporal).map(receptiveField))],
  },
  {
    title: 'dilation', colorTitle: 'dilation', value: (l) => (isTemporal(l) ? l.dilation : null),
    right: (l) => (isTemporal(l) ? `d=${l.dilation}` : '–'), format: (v) => String(Math.round(v)),
    range: (ls) => [1, Math.max(2, ...ls.filter(isTemporal).map((l) => l.dilation))], ticks: pow2Ticks,
  },
  {
    title: 'weight bit-width', colorTitle: 'weight bits', value: (l) => (typeof l.wBits === 'number' ? l.wBits : null),
    right: (l) => (typeof l.wBits === 'number' ? `${Number(l.wBits.toFixed(1))} bits` : '–'), format: (v) => String(Number(v.toFixed(1))),
    range: (ls) => [0, Math.max(8, ...ls.map((l) => l.wBits ?? 0))], ticks: (lo, hi) => [lo, 2, 4, hi].filter((v, i, a) => v >= lo && v <= hi && a.indexOf(v) === i),
  },
  {
    title: 'output activation bit-width', colorTitle: 'activation bits', value: (l) => (typeof l.aBits === 'number' ? l.aBits : null),
    right: (l) => (typeof l.aBits === 'number' ? `a${l.aBits}` : '–'), format: (v) => String(Math.round(v)),
    range: () => [2, 8], ticks: () => [2, 4, 8],
  },
];

export interface MaskSection {
  point: PointData;
  charts: string[];
  /** Quantities that no layer changed during the search (left out, named in a note). */
  unchanged: string[];
}

function pointHeatMaps(run: RunData, p: PointData, width: number): MaskSection {
  const epochs = p.searchHistory.filter((r) => Array.isArray(r.layers) && r.layers.length > 0);
  const section: MaskSection = { point: p, charts: [], unchanged: [] };
  if (epochs.length === 0) return section;
  const names = [...new Set(epochs.flatMap((r) => (r.layers as LayerState[]).map((l) => l.name)))];
  const kinds = new Map(epochs.flatMap((r) => (r.layers as LayerState[]).map((l) => [l.name, l.kind] as const)));
  const at = (r: (typeof epochs)[number], name: string) => (r.layers as LayerState[]).find((l) => l.name === name);
  const all = epochs.flatMap((r) => r.layers as LayerState[]);
  // Rows end with the state of the epoch the search kept (what was exported), else the last one.
  const last = epochs.find((r) => r.epoch === p.searchBestEpoch) ?? epochs[epochs.length - 1];
  for (const q of QUANTITIES) {
    if (!all.some((l) => q.value(l) !== null)) continue;
    const values = names.map((n) => epochs.map((r) => {
      const l = at(r, n);
      return l === undefined ? null : q.value(l);
    }));
    if (values.every((row) => row.every((v) => v === row[0]))) {
      section.unchanged.push(q.title);
      continue;
    }
    const [lo, hi] = q.range(all);
    section.charts.push(heatMap({
      title: `point ${pointName(run, p)}: ${q.title} per layer and search epoch`,
      width, rows: names.map((n) => `${n} (${kinds.get(n) ?? '?'})`), cols: epochs.map((r) => r.epoch), values,
      lo, hi, format: q.format, colorTitle: q.colorTitle, xTitle: `search epoch — ${q.title}`, colName: 'epoch', colorTicks: q.ticks?.(lo, hi),
      rightLabels: names.map((n) => {
        const l = at(last, n);
        return l === undefined ? '' : q.right(l);
      }),
      mark: p.searchBestEpoch === null ? undefined : { col: p.searchBestEpoch, label: `kept: epoch ${p.searchBestEpoch}` },
    }));
  }
  return section;
}

/** Per point with recorded layer states, its heat maps. */
export function maskSections(run: RunData, width: number): MaskSection[] {
  return run.points.map((p) => pointHeatMaps(run, p, width)).filter((s) => s.charts.length + s.unchanged.length > 0);
}
