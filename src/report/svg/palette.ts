/**
 * Colours of the report: a categorical palette that stays distinguishable for colour-blind
 * readers (Okabe–Ito, without its yellow, which is unreadable on white) and a sequential
 * viridis ramp for heat maps.
 */

export const CATEGORICAL = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7F3C8D', '#444444'];

export function categorical(i: number): string {
  return CATEGORICAL[((i % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length];
}

const VIRIDIS = [
  [68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [110, 206, 88], [181, 222, 43], [253, 231, 37],
];

const hex2 = (v: number) => Math.round(v).toString(16).padStart(2, '0');

/** The viridis colour at t ∈ [0, 1] (clamped). */
export function viridis(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const c = VIRIDIS[i].map((a, j) => a + (VIRIDIS[i + 1][j] - a) * f);
  return `#${c.map(hex2).join('')}`;
}

/** Dark or light text, whichever reads on a viridis cell at t. */
export function textOn(t: number): string {
  return t > 0.55 ? '#111111' : '#ffffff';
}
