/**
 * The demo's search loop, one step at a time (no DOM here, so Node tests can drive it too).
 *
 * A step is the PIT protocol of src/search/protocol.ts cut down to one batch per phase:
 * one weight update on a training batch (task loss only), then one mask update on a validation
 * batch (task loss + regulariser). The mask gradient is taken in two backward passes, one per
 * term, so the page can show both parts; by linearity their sum is exactly the gradient the
 * protocol's single backward pass would give, and it is what the mask optimiser steps on.
 *
 * The regulariser is the library's plainRegularizer on the chosen cost divided by the seed's
 * cost, so λ is dimensionless: λ = 1 weighs "the whole seed network" like one nat of loss.
 */

import {
  Adam, BUILTIN_TARGETS, ChannelMasker, MASK_THRESHOLD, Rng, backward, batches, buildSeed, crossEntropy, noGrad, pit, plainRegularizer,
  targetCosts, tensor, type ArrayDataset, type Batch, type LayerSummary, type PitModel, type Tensor,
} from '../../src/browser.js';

/** The costs the page offers: the two counts and the latency model of two MCU targets (src/hw/targets). */
export const COSTS = {
  params: { label: 'parameters', unit: '' },
  macs: { label: 'MACs', unit: '' },
  'latency@gap8': { label: 'latency on GAP8', unit: 'ms' },
  'latency@stm32h7': { label: 'latency on STM32H7', unit: 'ms' },
} as const;
export type CostName = keyof typeof COSTS;
const COST_NAMES = Object.keys(COSTS) as CostName[];

export interface LiveOptions {
  cost: CostName;
  /** Strength of the regulariser on cost / seed cost. */
  lambda: number;
  /** Adam learning rate of the masks α. */
  maskLr: number;
  /** Adam learning rate of the weights. */
  lr: number;
  batchSize: number;
  /** Steps at the start that train the weights only (masks fixed; gradients still shown). */
  warmupSteps: number;
  seed: number;
}

/**
 * Defaults chosen so that a channel dies within the first seconds of a run, for a reason the page
 * can show (measured with seed 0, wasm backend; the js backend gives the same numbers):
 * - maskLr 0.04: Adam moves each α by about its learning rate per step when the push keeps its
 *   sign, and a mask must fall from 1 to 0.5, so no channel can die before 0.5 / maskLr = 13
 *   search steps (at the former 0.02, 25). The library caps its default at 0.02 (defaultMaskLr:
 *   the PLiNIO kit's value on ECG200, where 0.05 collapsed); here 0.04 halves the wait and the
 *   accuracy holds (below).
 * - warmupSteps 10: by then the training loss has fallen from ln 10 = 2.3 to about 1.4 (about
 *   half of the validation batches right), past the first steep fall where the task gradient mostly says
 *   "the network is random"; the former 30 steps only delayed the search.
 * - λ 0.5 (cost = parameters): strong enough that the cost decides (at step 50, 82 of 128 channels
 *   alive against 115 at λ = 0, where only batch noise moves the masks), weak enough that the
 *   validation-batch accuracy stays at 80–85 % (the unpruned seed's: about 85 %) while the network
 *   falls to about 10 % of its parameters by step 200; at λ = 1 it dips to about 70 %.
 * Together: first channel dead at step 25 (θ crosses 0.5 after about 15 search steps), about
 * 45 of 128 channels dead by step 50.
 */
export const DEFAULT_OPTIONS: LiveOptions = {
  cost: 'params', lambda: 0.5, maskLr: 0.04, lr: 3e-3, batchSize: 32, warmupSteps: 10, seed: 0,
};

/** One searchable channel group: its α and the two gradient parts of the last mask step. */
export interface MaskGroupView {
  /** Layers whose output channels this mask gates. */
  layers: string[];
  alpha: number[];
  alive: boolean[];
  /** ∂(task loss)/∂θ (θ = |α|) of the mask batches, smoothed over steps (EMA). */
  taskGrad: number[];
  /** ∂(λ·cost/seed cost)/∂θ, smoothed the same way. */
  costGrad: number[];
  /** The last channel is always kept (θ fixed at 1): its α gets no gradient. */
  keepIndex: number;
}

export interface StepRecord {
  step: number;
  phase: 'warm-up' | 'search';
  trainLoss: number;
  valLoss: number;
  /** Accuracy of the validation batch of this step. */
  valAccuracy: number;
  alive: number;
  channels: number;
  costs: Record<CostName, number>;
  /** Regulariser term λ·cost/seed cost at the discrete masks. */
  regTerm: number;
}

interface Group {
  layers: string[];
  masker: ChannelMasker;
  taskGrad: Float64Array;
  costGrad: Float64Array;
}

/** Smoothing of the displayed gradients: per-batch task gradients are noisy. */
const EMA = 0.8;

function values(t: Tensor | null, n: number): Float64Array {
  return t === null ? new Float64Array(n) : Float64Array.from(t.values());
}

function accuracy(logits: Tensor, y: ArrayLike<number>, classes: number): number {
  const v = logits.values();
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (v[i * classes + c] > v[i * classes + best]) best = c;
    if (best === y[i]) right++;
  }
  return right / Math.max(y.length, 1);
}

/** Endless shuffled batches (a new permutation per pass), dropping a final batch of one (BatchNorm). */
function* endless(ds: ArrayDataset, size: number, rng: Rng): Generator<Batch> {
  for (;;) yield* batches(ds, size, { rng, dropLast: ds.length % size === 1 });
}

export class LiveSearch {
  readonly pm: PitModel;
  readonly groups: Group[];
  readonly seedCosts: Record<CostName, number>;
  readonly history: StepRecord[] = [];
  private readonly wOpt: Adam;
  private readonly mOpt: Adam;
  private readonly trainIt: Generator<Batch>;
  private readonly valIt: Generator<Batch>;
  private readonly classes: number;
  private stepCount = 0;

  constructor(private readonly train: ArrayDataset, private readonly val: ArrayDataset, readonly opts: LiveOptions) {
    const rng = new Rng(opts.seed);
    this.classes = train.numClasses ?? 10;
    const seed = buildSeed('tcn-mnist', { inputShape: train.sampleShape, outputs: this.classes, rng });
    // Channels only: the page is about why a channel dies (receptive-field / dilation masks off).
    this.pm = pit(seed, { inputShape: train.sampleShape, search: { channels: true, receptiveField: false, dilation: false } });
    this.groups = [];
    for (const g of this.pm.analysis.groups) {
      const src = this.pm.sourceOf(g);
      if (g.frozen || !(src instanceof ChannelMasker)) continue;
      const layers = [...new Set(g.roots.map((u) => u.path))];
      this.groups.push({ layers, masker: src, taskGrad: new Float64Array(src.size), costGrad: new Float64Array(src.size) });
    }
    for (const target of ['gap8', 'stm32h7'] as const) this.pm.addCost(targetCosts(BUILTIN_TARGETS[target]).latency, `latency@${target}`);
    this.seedCosts = this.costValues();
    this.wOpt = new Adam(this.pm.weightParameters(), { lr: opts.lr });
    this.mOpt = new Adam(this.pm.maskParameters(), { lr: opts.maskLr, weightDecay: 0 });
    this.trainIt = endless(train, opts.batchSize, new Rng(opts.seed * 7919 + 1));
    this.valIt = endless(val, opts.batchSize, new Rng(opts.seed * 7919 + 2));
  }

  /** Change λ, the cost or the learning rates between steps. */
  update(o: Partial<Pick<LiveOptions, 'lambda' | 'cost' | 'maskLr' | 'lr'>>): void {
    Object.assign(this.opts, o);
    for (const g of this.mOpt.paramGroups) g.lr = this.opts.maskLr;
    for (const g of this.wOpt.paramGroups) g.lr = this.opts.lr;
  }

  get steps(): number {
    return this.stepCount;
  }

  private forward(b: Batch): Tensor {
    return this.pm.model.call(tensor(b.x, [b.n, ...this.train.sampleShape]));
  }

  private clearGrads(): void {
    for (const p of this.pm.model.parameters()) p.grad = null;
  }

  private regularizer() {
    return plainRegularizer(this.opts.cost, this.opts.lambda / this.seedCosts[this.opts.cost]);
  }

  /**
   * The two parts of every mask's gradient on batch `b`, ∂(task loss)/∂α and ∂(λ·cost/seed
   * cost)/∂α, per group, from one backward pass each (gradients are cleared before each).
   */
  gradientParts(b: Batch): { logits: Tensor; valLoss: Tensor; task: Float64Array[]; cost: Float64Array[] } {
    this.pm.model.train();
    const logits = this.forward(b);
    const valLoss = crossEntropy(logits, b.y);
    this.clearGrads();
    backward(valLoss);
    const task = this.groups.map((g) => values(g.masker.alpha.grad, g.masker.size));
    this.clearGrads();
    backward(this.objectiveTerm(valLoss.item()));
    const cost = this.groups.map((g) => values(g.masker.alpha.grad, g.masker.size));
    return { logits, valLoss, task, cost };
  }

  /** The regulariser term λ·cost/seed cost at the current masks (the library's plainRegularizer). */
  objectiveTerm(taskLoss: number): Tensor {
    return this.regularizer().term(this.pm.costs({ discrete: true }), { epoch: 1, epochs: 1, taskLoss });
  }

  /** A validation batch of the first `n` samples (for checks outside the step loop). */
  validationBatch(n: number): Batch {
    return batches(this.val, n).next().value as Batch;
  }

  step(): StepRecord {
    const model = this.pm.model;
    model.train();
    const n = ++this.stepCount;
    const searching = n > this.opts.warmupSteps;

    // Weights: task loss on a training batch.
    const tb = this.trainIt.next().value as Batch;
    const trainLoss = crossEntropy(this.forward(tb), tb.y);
    this.clearGrads();
    backward(trainLoss);
    this.wOpt.step();

    // Masks: task loss and regulariser on a validation batch, one backward pass each.
    const vb = this.valIt.next().value as Batch;
    const { logits, valLoss, task, cost } = this.gradientParts(vb);
    this.groups.forEach((g, i) => {
      const sum = new Float32Array(g.masker.size);
      const alpha = g.masker.alpha.values();
      for (let c = 0; c < sum.length; c++) {
        sum[c] = task[i][c] + cost[i][c];
        // Shown per θ = |α| (∂/∂θ = sign(α)·∂/∂α), so "down" always means "towards pruning".
        const sign = alpha[c] < 0 ? -1 : 1;
        g.taskGrad[c] = n === 1 ? sign * task[i][c] : EMA * g.taskGrad[c] + (1 - EMA) * sign * task[i][c];
        g.costGrad[c] = n === 1 ? sign * cost[i][c] : EMA * g.costGrad[c] + (1 - EMA) * sign * cost[i][c];
      }
      g.masker.alpha.grad = tensor(sum, [g.masker.size], { dtype: g.masker.alpha.dtype });
    });
    if (searching) this.mOpt.step();

    const costs = this.costValues();
    const masks = this.masks();
    const rec: StepRecord = {
      step: n, phase: searching ? 'search' : 'warm-up',
      trainLoss: trainLoss.item(), valLoss: valLoss.item(), valAccuracy: accuracy(logits, vb.y, this.classes),
      alive: masks.reduce((a, m) => a + m.alive.filter(Boolean).length, 0),
      channels: masks.reduce((a, m) => a + m.alive.length, 0),
      costs, regTerm: (this.opts.lambda * costs[this.opts.cost]) / this.seedCosts[this.opts.cost],
    };
    this.history.push(rec);
    return rec;
  }

  /** Every offered cost at the current (binarised) masks. */
  costValues(): Record<CostName, number> {
    return noGrad(() => {
      const c = this.pm.costs({ discrete: true });
      return Object.fromEntries(COST_NAMES.map((n) => [n, c[n].item()])) as Record<CostName, number>;
    });
  }

  masks(): MaskGroupView[] {
    return this.groups.map((g) => {
      const alpha = Array.from(g.masker.alpha.values());
      return {
        layers: g.layers, alpha, alive: g.masker.alive(), taskGrad: Array.from(g.taskGrad), costGrad: Array.from(g.costGrad),
        keepIndex: g.masker.size - 1,
      };
    });
  }

  /** The per-layer architecture the export would produce now. */
  architecture(): LayerSummary[] {
    return this.pm.summary();
  }
}

/** The θ below which a channel is pruned (the library's constant), for the charts. */
export { MASK_THRESHOLD };
