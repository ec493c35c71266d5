/**
 * The resumable state of a `tsdnas mps` run directory, in `<run-dir>/state/` like a sweep's
 * (src/io/search-state.ts): warm-up states and its end, then per point (uniform baselines first,
 * then the searches, in run order) the search state (weights, precision logits, both optimisers,
 * random generators, the selectors' temperature and noise generator), the searched plan with its
 * float model, the quantisation-aware fine-tune state, and the finished point (record, float
 * model, fine-tuned fake-quant weights), which is never recomputed. The warm-up and the points'
 * phases are RunStateDir's (the same files as a sweep's); only the finished point is mps's own.
 */

import { snapshot } from '../nn/train/snapshot.js';
import type { Finished } from '../search/sweep.js';
import type { MpsCheckpoints, MpsPoint, MpsSearched, SavedMpsPoint } from '../quant/mps/run.js';
import { RunStateDir } from './search-state.js';

export class MpsStateDir extends RunStateDir<MpsSearched> implements MpsCheckpoints {
  savePoint(index: number, r: Finished<MpsPoint>): void {
    const { model, source, handle: _h, ...value } = r.value;
    this.savePhase(`point-${index}.done`, source, 'point', { value, rng: r.rng }, {
      architecture: true, snapshots: { quant: snapshot(model) }, drop: ['search', 'searched', 'finetune'].map((p) => `point-${index}.${p}`),
    });
  }

  loadPoint(index: number): SavedMpsPoint | null {
    const r = this.loadPhaseModel<SavedMpsPoint['value']>(`point-${index}.done`, 'point', ['quant']);
    return r === null ? null : { value: r.value, rng: r.rng, source: r.model, quantWeights: r.snapshots.quant };
  }
}
