/**
 * The resumable state of a `tsdnas mps` run directory, in `<run-dir>/state/` like a sweep's
 * (src/io/search-state.ts): warm-up states and its end, then per point (uniform baselines first,
 * then the searches, in run order) the search state (weights, precision logits, both optimisers,
 * random generators, the selectors' temperature and noise generator), the searched plan with its
 * float model, the quantisation-aware fine-tune state, and the finished point (record, float
 * model, fine-tuned fake-quant weights), which is never recomputed.
 */

import type { Module } from '../nn/module.js';
import { snapshot, type EpochRecord } from '../search/train/fit.js';
import type { Finished } from '../search/run.js';
import type { MpsCheckpoints, MpsPoint, MpsPointCheckpoints, MpsSearched, SavedMpsPoint } from '../quant/mps/run.js';
import { RunStateDir } from './search-state.js';

export class MpsStateDir extends RunStateDir implements MpsCheckpoints {
  readonly warmup = this.fit('warmup');

  saveWarm(seed: Module, r: Finished<EpochRecord[]>): void {
    this.savePhase('warm', seed, 'warm-up', r, { drop: ['warmup'] });
  }

  loadWarm(seed: Module): Finished<EpochRecord[]> | null {
    return this.loadPhaseInto<EpochRecord[]>('warm', 'warm-up', seed);
  }

  point(index: number): MpsPointCheckpoints {
    const name = (phase: string) => `point-${index}.${phase}`;
    return {
      search: this.searchState(name('search')),
      saveSearched: (source, r) => this.savePhase(name('searched'), source, 'search', r, { architecture: true, drop: [name('search')] }),
      loadSearched: () => {
        const r = this.loadPhaseModel<MpsSearched>(name('searched'), 'search');
        return r === null ? null : { value: r.value, rng: r.rng, source: r.model };
      },
      finetune: this.fit(name('finetune')),
    };
  }

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
