/**
 * The 1-D Winograd weight transforms in wasm (the float64 loops of ../winograd.ts, same order
 * of operations, so the same bits): U = G·w before the forward / dX GEMMs, and dW = A'ᵀ·Wt after
 * the weight gradient. Why: on short rows and small batches (the ECG TCNs: 64 → 64, k 17, L 96,
 * batch 16) the weights are as large as the activations, and these loops took ~15 % of the step
 * in JS.
 */

/**
 * dst[(ξ·rows + a)·kin + s·cols + b] = Σ_j G[ξ·rw + j]·w[co][ci][tap(s·rw + j)] for taps below k
 * (float64 sum, float32 result); (a, b) = (co, ci), or (ci, co) with the kernel reversed when flip.
 * w: float32 [cout, cin, k]; g: float64 α×rw.
 */
export function winoWeightsF64(w: usize, cout: i32, cin: i32, k: i32, flip: i32, g: usize, alpha: i32, rw: i32, segs: i32, dst: usize): void {
  const rows = flip ? cin : cout;
  const cols = flip ? cout : cin;
  const kin = segs * cols;
  const rowStride = rows * kin;
  for (let co = 0; co < cout; co++) {
    for (let ci = 0; ci < cin; ci++) {
      const base = w + (<usize>((co * cin + ci) * k) << 2);
      const a = flip ? ci : co;
      const b = flip ? co : ci;
      const out0 = a * kin + b;
      for (let xi = 0; xi < alpha; xi++) {
        const gr = g + (<usize>(xi * rw) << 3);
        const outXi = out0 + xi * rowStride;
        for (let sg = 0; sg < segs; sg++) {
          const t0 = sg * rw;
          const n = min(rw, k - t0);
          let s: f64 = 0;
          for (let j = 0; j < n; j++) {
            const t = t0 + j;
            const tap = flip ? k - 1 - t : t;
            s += load<f64>(gr + (<usize>j << 3)) * <f64>load<f32>(base + (<usize>tap << 2));
          }
          store<f32>(dst + (<usize>(outXi + sg * cols) << 2), <f32>s);
        }
      }
    }
  }
}

/**
 * acc[(co·cin + ci)·k + tap] = Σ_ξ A'ᵀ[j][ξ]·wt[ξ·plane + co·kin + s·cin + ci] (tap = s·rw + j),
 * added ξ = 0, 1, … in turn in float64; wt float32 [α][cout][segs·cin]; at float64 rw×α; acc
 * float64 [cout·cin·k] (overwritten).
 */
export function winoWeightGradOutF64(wt: usize, cout: i32, cin: i32, k: i32, at: usize, alpha: i32, rw: i32, segs: i32, acc: usize): void {
  const kin = segs * cin;
  const plane = cout * kin;
  memory.fill(acc, 0, <usize>(cout * cin * k) << 3);
  for (let xi = 0; xi < alpha; xi++) {
    const base = xi * plane;
    for (let co = 0; co < cout; co++) {
      const rowIn = base + co * kin;
      for (let ci = 0; ci < cin; ci++) {
        const o = acc + (<usize>((co * cin + ci) * k) << 3);
        for (let tap = 0; tap < k; tap++) {
          const sg = tap / rw;
          const coef = load<f64>(at + (<usize>((tap - sg * rw) * alpha + xi) << 3));
          const p = o + (<usize>tap << 3);
          store<f64>(p, load<f64>(p) + coef * <f64>load<f32>(wt + (<usize>(rowIn + sg * cin + ci) << 2)));
        }
      }
    }
  }
}
