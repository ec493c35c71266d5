/**
 * Axis scales for the report's charts: linear with 1-2-5 ticks, and base-10 log for counts that
 * span orders of magnitude (parameters, MACs). A scale maps data values to pixels and lists its
 * ticks with their labels; `autoScale` picks log when the data spans `LOG_SPAN` or more.
 */

export interface Scale {
  readonly log: boolean;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  map(v: number): number;
  ticks(): { value: number; label: string }[];
}

/** Positive data spanning at least this ratio max / min get a log axis. */
export const LOG_SPAN = 20;

const SI: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];

/** A compact number: 1.5k, 240k, 3.2M; plain below 10 000; `decimals` for small values. */
export function formatNumber(v: number, decimals = 0): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e4) {
    for (const [f, s] of SI) {
      if (a >= f) {
        const q = v / f;
        return `${Number(q.toFixed(Math.abs(q) >= 100 ? 0 : Math.abs(q) >= 10 ? 1 : 2))}${s}`;
      }
    }
  }
  if (a >= 1000 && decimals === 0) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(decimals);
}

function decimalsOf(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/**
 * A linear scale with about `count` 1-2-5 ticks; the domain is widened to whole tick steps
 * unless `tight` (epoch axes end where the data end).
 */
export function linearScale(lo: number, hi: number, range: readonly [number, number], count = 6, tight = false): Scale {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) throw new Error(`report: linear scale over a non-finite domain [${lo}, ${hi}]`);
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  const d0 = tight ? lo : Math.floor(lo / step + 1e-9) * step;
  const d1 = tight ? hi : Math.ceil(hi / step - 1e-9) * step;
  const t0 = Math.ceil(d0 / step - 1e-9) * step;
  const dec = decimalsOf(step);
  return {
    log: false, domain: [d0, d1], range,
    map: (v) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0]),
    ticks: () => {
      const out: { value: number; label: string }[] = [];
      for (let i = 0; t0 + i * step <= d1 + step * 1e-6; i++) {
        const v = Number((t0 + i * step).toFixed(dec + 2));
        out.push({ value: v, label: formatNumber(v, dec) });
      }
      return out;
    },
  };
}

const MANTISSAS = [1, 2, 5];

/** A base-10 log scale; the domain is widened to the enclosing 1-2-5 values. */
export function logScale(lo: number, hi: number, range: readonly [number, number]): Scale {
  if (!(lo > 0 && hi > 0 && Number.isFinite(lo) && Number.isFinite(hi))) throw new Error(`report: log scale needs a positive domain, got [${lo}, ${hi}]`);
  const down = (v: number) => {
    const p = 10 ** Math.floor(Math.log10(v) + 1e-9);
    return [5, 2, 1].map((m) => m * p).find((c) => c <= v * (1 + 1e-9)) as number;
  };
  const up = (v: number) => {
    const p = 10 ** Math.floor(Math.log10(v) - 1e-9);
    return [1, 2, 5, 10].map((m) => m * p).find((c) => c >= v * (1 - 1e-9)) as number;
  };
  const d0 = down(lo);
  const d1 = Math.max(up(hi), d0 * 2);
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  return {
    log: true, domain: [d0, d1], range,
    map: (v) => range[0] + ((Math.log10(Math.max(v, d0 * 1e-3)) - l0) / (l1 - l0)) * (range[1] - range[0]),
    ticks: () => {
      const decades = l1 - l0;
      const mantissas = decades <= 3.5 ? MANTISSAS : [1];
      const out: { value: number; label: string }[] = [];
      for (let e = Math.floor(l0); e <= Math.ceil(l1); e++) {
        for (const m of mantissas) {
          const v = m * 10 ** e;
          if (v >= d0 * (1 - 1e-9) && v <= d1 * (1 + 1e-9)) out.push({ value: v, label: formatNumber(v, e < 0 ? -e : 0) });
        }
      }
      return out;
    },
  };
}

/** Log when all values are positive and span at least `LOG_SPAN`, else linear. */
export function autoScale(values: readonly number[], range: readonly [number, number], opts: { zero?: boolean; log?: boolean; tight?: boolean } = {}): Scale {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return linearScale(0, 1, range);
  let lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const wantLog = opts.log ?? (lo > 0 && hi / lo >= LOG_SPAN);
  if (wantLog && lo > 0) return logScale(lo, hi, range);
  if (opts.zero === true && lo > 0) lo = 0;
  return linearScale(lo, hi, range, 6, opts.tight === true);
}
