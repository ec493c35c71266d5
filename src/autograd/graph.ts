/**
 * Recording the define-by-run graph: the grad-enabled switch, the module scope used to tag
 * nodes for tracing, and `record`, which every differentiable op calls after its forward pass.
 */

import type { Tensor } from '../tensor/tensor.js';
import type { Prim, PrimAttrs } from './prims.js';

export interface Node<P extends Prim = Prim> {
  readonly op: P;
  readonly inputs: readonly Tensor[];
  readonly attrs: PrimAttrs[P];
  readonly scope: string;
}

let gradEnabled = true;
const scopes: string[] = [];
let scopeName = '';

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run `fn` without recording a graph (evaluation, optimiser updates, backward itself). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Run `fn` with grad recording forced on (e.g. to trace inside an outer noGrad). */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Tag every node recorded inside `fn` with a module path (modules call this around forward). */
export function withScope<T>(name: string, fn: () => T): T {
  scopes.push(scopeName);
  scopeName = scopeName === '' ? name : `${scopeName}.${name}`;
  try {
    return fn();
  } finally {
    scopeName = scopes.pop() ?? '';
  }
}

export function currentScope(): string {
  return scopeName;
}

/** Attach a node to `out` when any input needs a gradient and recording is on. Returns `out`. */
export function record<P extends Prim>(op: P, inputs: readonly Tensor[], out: Tensor, attrs: PrimAttrs[P]): Tensor {
  if (!gradEnabled) return out;
  let needs = false;
  for (const t of inputs) if (t.requiresGrad) { needs = true; break; }
  if (!needs) return out;
  out.requiresGrad = true;
  const node: Node<P> = { op, inputs, attrs, scope: scopeName };
  out.node = node;
  return out;
}
