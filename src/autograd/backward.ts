/**
 * Reverse-mode differentiation: walk the recorded graph from a root in reverse topological
 * order, apply each node's gradient rule, check every gradient's shape against its input
 * (naming the op and module when they differ), accumulate with `+` so that fan-out is right,
 * and free the graph unless asked to keep it.
 */

import { fmtShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { add, } from './ops/elementwise.js';
import { cast, contiguous } from './ops/movement.js';
import { noGrad, type Node } from './graph.js';
import { gradRules, onesGrad, type Rule } from './rules.js';
import { releaseIfInternal, withRecyclingArena } from '../tensor/bufferPool.js';
import type { Prim } from './prims.js';

export interface BackwardOptions {
  /** Keep the graph so that backward can run again through it (e.g. two losses on one forward). */
  retainGraph?: boolean;
}

/**
 * What a freed node becomes: backward through it again must fail loudly, not treat the tensor
 * as a leaf and silently drop the gradient of everything upstream.
 */
interface FreedNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly scope: string;
  readonly freed: true;
}

function freedNode(op: string, scope: string): FreedNode {
  return { op, inputs: [], scope, freed: true };
}

function isFreed(t: Tensor): boolean {
  return t.node !== null && (t.node as Partial<FreedNode>).freed === true;
}

/** Tensors reachable from root that need a gradient, children before parents. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<number>([root.id]);
  const stack: { t: Tensor; i: number }[] = [{ t: root, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top.t.node?.inputs ?? [];
    if (isFreed(top.t)) {
      const n = top.t.node as FreedNode;
      const where = n.scope === '' ? '' : ` in module '${n.scope}'`;
      throw new Error(`backward: the graph through '${n.op}'${where} was freed by an earlier backward; pass { retainGraph: true } to the first backward to run it twice, or recompute the forward pass`);
    }
    if (top.i < inputs.length) {
      const c = inputs[top.i++];
      if (c.requiresGrad && !visited.has(c.id)) {
        visited.add(c.id);
        stack.push({ t: c, i: 0 });
      }
    } else {
      order.push(top.t);
      stack.pop();
    }
  }
  return order;
}

function dense(g: Tensor, like: Tensor): Tensor {
  const d = contiguous(g);
  return d.dtype === like.dtype ? d : cast(d, like.dtype);
}

/**
 * A leaf's first gradient, as a tensor that owns its storage. Rule outputs can be shared (add
 * hands the same `g` to both inputs, reshape returns a view of it, a leaf root receives the
 * caller's seed), and optimisers update `.grad` in place, so a leaf must never alias another
 * leaf's gradient or the seed.
 */
function owned(g: Tensor, like: Tensor): Tensor {
  const d = dense(g, like);
  return d === g || d.data === g.data ? new Tensor(d.toTypedArray(), [...d.shape]) : d;
}

/**
 * Accumulate d(root)/d(leaf) into every leaf's `.grad`. `grad` seeds the root (default: ones
 * for a one-element root).
 */
export function backward(root: Tensor, grad?: Tensor, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error('backward: this tensor does not require a gradient (no input had requiresGrad, or it was computed under noGrad)');
  }
  if (grad === undefined && root.size !== 1) {
    throw new Error(`backward: root has shape ${fmtShape(root.shape)}; pass a gradient of that shape, or reduce it to one element first`);
  }
  if (grad !== undefined && !sameShape(grad.shape, root.shape)) {
    throw new Error(`backward: seed gradient has shape ${fmtShape(grad.shape)} but the root has shape ${fmtShape(root.shape)}`);
  }
  const order = topoOrder(root);
  // Intermediate gradients die with this call: their large arrays are recycled for the next
  // backward; the leaves' accumulated gradients escape (src/tensor/bufferPool.ts).
  withRecyclingArena(() => noGrad(() => {
    const grads = new Map<number, Tensor>([[root.id, grad ?? onesGrad(root)]]);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t.id);
      grads.delete(t.id);
      const node = t.node as Node | null;
      if (node === null) {
        // A leaf: accumulate into .grad.
        if (g !== undefined) t.grad = t.grad === null ? owned(g, t) : dense(add(t.grad, g), t);
        continue;
      }
      if (g === undefined) continue;
      const rule = gradRules[node.op] as Rule<Prim>;
      const inputGrads = rule({ g, inputs: node.inputs, out: t, attrs: node.attrs });
      for (let j = 0; j < node.inputs.length; j++) {
        const input = node.inputs[j];
        const gi = inputGrads[j];
        if (!input.requiresGrad || gi === null || gi === undefined) continue;
        if (!sameShape(gi.shape, input.shape)) {
          const where = node.scope === '' ? '' : ` in module '${node.scope}'`;
          const custom = node.op === 'custom' ? ` (${(node.attrs as { name: string }).name})` : '';
          throw new Error(`backward of '${node.op}'${custom}${where}: gradient for input ${j} has shape ${fmtShape(gi.shape)} but the input has shape ${fmtShape(input.shape)}`);
        }
        const prev = grads.get(input.id);
        grads.set(input.id, prev === undefined ? gi : add(prev, gi));
      }
      if (!opts.retainGraph) {
        t.node = freedNode(node.op, node.scope);
        // The graph was the last holder of a container-internal activation this node made or read.
        releaseIfInternal(t.data);
        for (const input of node.inputs) releaseIfInternal(input.data);
      }
    }
  }), () => leafGradArrays(order));
}

function* leafGradArrays(order: readonly Tensor[]): Iterable<unknown> {
  for (const t of order) if (t.grad !== null) yield t.grad.data;
}

/** Reset the gradients of the given tensors (optimisers call this between steps). */
export function zeroGrad(tensors: Iterable<Tensor>): void {
  for (const t of tensors) t.grad = null;
}
