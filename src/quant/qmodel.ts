/**
 * The fake-quantised network: a list of nodes in dataflow order (built by `quantize` from a
 * traced float model), each reading the outputs of earlier nodes. Every activation between
 * layers lives on the grid of one activation quantiser, so each node has an exact integer
 * counterpart in the integer engine (integer/engine.ts).
 */

import type { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import { add } from '../autograd/ops/elementwise.js';
import { Module } from '../nn/module.js';
import type { AvgPool1d, AvgPool2d, ConstantPad1d, Flatten, GlobalAvgPool, MaxPool1d, MaxPool2d } from '../nn/layers/simple.js';
import type { ActQuant } from './actQuant.js';
import { avgRequant } from './avgRequant.js';
import type { QLayer } from './qlayer.js';
import type { QuantPlan } from './plan.js';

export type AvgPoolModule = AvgPool1d | AvgPool2d | GlobalAvgPool;

export type QNode =
  | { kind: 'input'; quant: ActQuant }
  /** Conv / linear on quantised input; output in the accumulator domain (float). */
  | { kind: 'layer'; src: number; layer: QLayer; inQuant: ActQuant }
  /** An activation quantiser; `fromAcc`: applied to a layer output (fused into the layer when integerised). */
  | { kind: 'quant'; src: number; quant: ActQuant; fromAcc: boolean }
  | { kind: 'maxpool'; src: number; module: MaxPool1d | MaxPool2d }
  | { kind: 'avgpool'; src: number; module: AvgPoolModule; quant: ActQuant }
  | { kind: 'flatten'; src: number; module: Flatten }
  | { kind: 'pad'; src: number; module: ConstantPad1d }
  /** Sum of two activations on the same (shared, signed) quantiser's grid. */
  | { kind: 'add'; srcs: [number, number]; quant: ActQuant };

/** A module that only holds children under given names (for the state dict). */
export class ModuleBag extends Module {
  put<M extends Module>(name: string, m: M): M {
    return this.registerModule(name, m);
  }
  forward(x: Tensor): Tensor {
    throw new Error(`ModuleBag: holds modules only; it has no forward (input ${fmtShape(x.shape)})`);
  }
}

/** Window size of an average pool on an input of the given shape ([N, C, ...spatial]). */
export function poolWindow(m: AvgPoolModule, inShape: readonly number[]): number {
  if ('opts' in m) {
    const k = m.opts.kernel;
    return typeof k === 'number' ? (inShape.length === 4 ? k * k : k) : k[0] * k[1];
  }
  return inShape.slice(2).reduce((a, b) => a * b, 1);
}

export class QuantModel extends Module {
  readonly inputQuant: ActQuant;
  readonly layerBag: ModuleBag;
  readonly actBag: ModuleBag;

  constructor(readonly nodes: readonly QNode[], readonly outputNode: number, readonly plan: QuantPlan, readonly inputShape: readonly number[]) {
    super();
    const input = nodes[0];
    if (input.kind !== 'input') throw new Error('QuantModel: node 0 must be the input quantiser');
    this.inputQuant = this.registerModule('input', input.quant);
    this.layerBag = this.registerModule('layers', new ModuleBag());
    this.actBag = this.registerModule('acts', new ModuleBag());
    const seen = new Set<Module>([input.quant]);
    let a = 0;
    for (const n of nodes) {
      if (n.kind === 'layer') this.layerBag.put(n.layer.sourcePath.replace(/\./g, '_') || 'root', n.layer);
      const q = n.kind === 'quant' || n.kind === 'add' ? n.quant : null;
      if (q !== null && !seen.has(q)) {
        seen.add(q);
        this.actBag.put(`a${a++}`, q);
      }
    }
  }

  /** The quantised conv / linear layers, in dataflow order. */
  layers(): QLayer[] {
    return this.nodes.flatMap((n) => (n.kind === 'layer' ? [n.layer] : []));
  }

  /** Every activation quantiser (input first), each once. */
  quantizers(): ActQuant[] {
    return [this.inputQuant, ...this.actBag.children().map(([, m]) => m as ActQuant)];
  }

  forward(x: Tensor): Tensor {
    return this.runNodes(x)[this.outputNode];
  }

  /** Every node's output (for the integer-vs-fake-quant comparison and calibration). */
  runNodes(x: Tensor): Tensor[] {
    const v: Tensor[] = [];
    for (const n of this.nodes) {
      switch (n.kind) {
        case 'input': v.push(n.quant.call(x)); break;
        case 'layer': v.push(n.layer.run(v[n.src], n.inQuant.scale())); break;
        case 'quant': v.push(n.quant.call(v[n.src])); break;
        case 'maxpool': case 'flatten': case 'pad': v.push(n.module.call(v[n.src])); break;
        case 'avgpool': {
          const xin = v[n.src];
          const mean = n.module.call(xin);
          v.push(n.quant.calibrating ? mean : avgRequant(mean, n.quant.scale(), poolWindow(n.module, xin.shape)));
          break;
        }
        case 'add': v.push(add(v[n.srcs[0]], v[n.srcs[1]])); break;
      }
    }
    return v;
  }

  override describe(): string {
    return `QuantModel(${this.layers().length} quantised layers, input ${this.plan.inputBits}b)`;
  }
}
