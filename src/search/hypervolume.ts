/**
 * The two-dimensional hypervolume of a front: the area of the region that its points dominate,
 * bounded by a reference point that every point dominates. Both coordinates are minimised (the
 * caller passes −accuracy, log10 cost, …). A larger area is a better front: it reaches lower
 * costs, better metrics, or both. Points that do not dominate the reference add nothing.
 */

export interface XY {
  x: number;
  y: number;
}

/** The dominated area of `points` (both coordinates minimised) up to `ref`; 0 for no point inside. */
export function hypervolume2d(points: readonly XY[], ref: XY): number {
  const inside = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && p.x < ref.x && p.y < ref.y).sort((a, b) => a.x - b.x || a.y - b.y);
  // The staircase: by increasing x, keep a point only when it improves y; each kept point owns the
  // strip from its x to the next kept point's x (the last one to ref.x), from its y up to ref.y.
  const stairs: XY[] = [];
  for (const p of inside) if (stairs.length === 0 || p.y < stairs[stairs.length - 1].y) stairs.push(p);
  let area = 0;
  stairs.forEach((p, i) => {
    const nextX = i + 1 < stairs.length ? stairs[i + 1].x : ref.x;
    area += (nextX - p.x) * (ref.y - p.y);
  });
  return area;
}
