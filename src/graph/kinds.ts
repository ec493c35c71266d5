/**
 * The registry of module kinds (layer kinds): what the graph layer (trace, sharing groups, layer
 * specs) needs to know about a module type, asked through one interface instead of `instanceof`
 * chains that name every method's classes. The plain library layers are known here; a method's
 * searchable layer classes carry their kind themselves (a static `moduleKind` on the class, read
 * from the instance's constructor, so no registration has to run first), and a user's own layer
 * types can be added with registerModuleKind. ("ModuleKind", not "LayerKind": hw/ already names
 * the conv1d / conv2d / linear tag of a layer spec LayerKind.)
 */

import type { Tensor } from '../tensor/tensor.js';
import { parameterRole, type Module, type ParameterRole } from '../nn/module.js';
import type { Padding1d, Padding2d } from '../autograd/ops/conv.js';
import type { LayerKind } from '../hw/spec.js';
import { Conv1d, Conv2d } from '../nn/layers/conv.js';
import { Linear } from '../nn/layers/linear.js';
import { BatchNorm } from '../nn/layers/batchnorm.js';
import {
  AvgPool1d, AvgPool2d, ConstantPad1d, Dropout, Flatten, GlobalAvgPool, Identity, LeakyReLU, MaxPool1d, MaxPool2d,
  ReLU, ReLU6, Sigmoid, Tanh,
} from '../nn/layers/simple.js';

/** The geometry of a layer that defines its own output channels (a conv or linear layer). */
export interface LayerGeometry {
  kind: LayerKind;
  /** Input / output channels (features of a linear layer). */
  inChannels: number;
  outChannels: number;
  /** Kernel taps per spatial axis ([] for linear). */
  kernel: number[];
  /** Per spatial axis ([] for linear). */
  stride: number[];
  dilation: number[];
  padding: Padding1d | Padding2d | null;
  groups: number;
  bias: boolean;
}

/**
 * How a layer that keeps its input's channels treats them: `needsMask` when f(0) ≠ 0 per channel
 * (a pruned, zero channel would come back to life, so its output is re-masked); `flatten` when
 * the channels are spread over the positions; `unsupported` when it cannot be handled (the
 * reason, completing "'<path>' …").
 */
export type ChannelPass = { needsMask: boolean; flatten: boolean } | { unsupported: string };

export interface ModuleKind<M extends Module = Module> {
  readonly name: string;
  /** Whether `m` is of this kind (used for registered kinds; a carried kind is its class's). */
  matches(m: Module): boolean;
  /** A conv / linear layer: its geometry (it defines its own output channels). */
  geometry?(m: M): LayerGeometry;
  /** A layer passing its input's channels through; `inputRank` is the rank of its traced input. */
  passChannels?(m: M, inputRank: number): ChannelPass;
  /** The module only holds search parameters (a masker): it is not part of an exported model. */
  readonly searchOnly?: boolean;
}

export interface SearchParameter {
  tensor: Tensor;
  role: ParameterRole;
}

/**
 * A layer kind of a search method: how it is built from a plain layer, which of its parameters
 * are searched right now (a frozen or fixed choice reports none), and how it becomes a plain
 * layer again for a plan of the method's own.
 */
export interface SearchableModuleKind<M extends Module = Module, Plan = unknown, Opts = unknown> extends ModuleKind<M> {
  /** The search method that owns the kind ('pit', 'mps', …). */
  readonly method: string;
  /** The searchable layer for a plain layer, or null when `plain` is not a layer this kind searches. */
  fromPlain?(plain: Module, opts: Opts): M | null;
  searchParameters(layer: M): SearchParameter[];
  /** A plain layer (library layers only) computing what `layer` computes under `plan`. */
  toDense?(layer: M, plan: Plan): Module;
}

/** The given tensors (nulls skipped) as searched parameters, each with its registered role. */
export function searched(...ts: (Tensor | null)[]): SearchParameter[] {
  return ts.filter((t): t is Tensor => t !== null).map((tensor) => ({ tensor, role: parameterRole(tensor) }));
}

/** A class carrying its kind: `static readonly moduleKind` (inherited by subclasses). */
interface KindCarrier {
  readonly moduleKind?: ModuleKind;
}

const pair = (v: number | readonly number[]): number[] => (typeof v === 'number' ? [v, v] : [...v]);
const pass = (needsMask: boolean, flatten = false): ChannelPass => ({ needsMask, flatten });

/** Parameter-free layers with f(0) = 0 per channel: a pruned (zero) channel stays zero. */
const ZERO_PRESERVING = [ReLU, ReLU6, LeakyReLU, Tanh, Identity, Dropout, MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, GlobalAvgPool];

/** The library layers, most specific first. */
const PLAIN: readonly ModuleKind[] = [
  {
    name: 'Conv1d', matches: (m) => m instanceof Conv1d,
    geometry: (m) => conv1dGeometry(m as Conv1d),
  },
  {
    name: 'Conv2d', matches: (m) => m instanceof Conv2d,
    geometry: (m) => conv2dGeometry(m as Conv2d),
  },
  {
    name: 'Linear', matches: (m) => m instanceof Linear,
    geometry: (m) => linearGeometry(m as Linear),
  },
  { name: 'BatchNorm', matches: (m) => m instanceof BatchNorm, passChannels: () => pass(true) },
  { name: 'Sigmoid', matches: (m) => m instanceof Sigmoid, passChannels: () => pass(true) },
  { name: 'Flatten', matches: (m) => m instanceof Flatten, passChannels: () => pass(false, true) },
  {
    name: 'ConstantPad1d', matches: (m) => m instanceof ConstantPad1d,
    passChannels: (m, rank) => (rank < 3 ? { unsupported: 'pads the channel axis of a rank-2 tensor' } : pass((m as ConstantPad1d).value !== 0)),
  },
  { name: 'zero-preserving', matches: (m) => ZERO_PRESERVING.some((C) => m instanceof C), passChannels: () => pass(false) },
];

const registered: ModuleKind[] = [];

/** Add a kind for module types that cannot carry one (a user's own layer class); later ones win. */
export function registerModuleKind(kind: ModuleKind): void {
  registered.unshift(kind);
}

/** The kind of a module: its class's own, a registered one, a library layer's, or null. */
export function kindOf(m: Module): ModuleKind | null {
  const carried = (m.constructor as KindCarrier).moduleKind;
  if (carried !== undefined) return carried;
  return registered.find((k) => k.matches(m)) ?? PLAIN.find((k) => k.matches(m)) ?? null;
}

export function isSearchableKind(k: ModuleKind | null): k is SearchableModuleKind {
  return k !== null && 'method' in k && 'searchParameters' in k;
}

/** The conv / linear geometry of a module, or null for any other module. */
export function geometryOf(m: Module): LayerGeometry | null {
  const k = kindOf(m);
  return k?.geometry === undefined ? null : k.geometry(m);
}

export function isDepthwise(g: LayerGeometry): boolean {
  return g.kind !== 'linear' && g.groups > 1 && g.groups === g.inChannels && g.groups === g.outChannels;
}

/** Modules traced as one unit: every module of a known kind, and any module without children. */
export function isLayerModule(m: Module): boolean {
  return kindOf(m) !== null || m.children().length === 0;
}

/** A module holding only search parameters (maskers): not dataflow, left out of exported models. */
export function isSearchOnly(m: Module): boolean {
  return kindOf(m)?.searchOnly === true;
}

/** The parameters with `role` that the layers of `model` search right now (each once). */
export function searchedParameters(model: Module, role: ParameterRole): Tensor[] {
  const out = new Set<Tensor>();
  for (const [, m] of model.namedModules()) {
    const k = kindOf(m);
    if (isSearchableKind(k)) for (const p of k.searchParameters(m)) if (p.role === role) out.add(p.tensor);
  }
  return [...out];
}

/** Geometry of any module shaped like a Conv1d (the library's, or a searchable layer copying its fields). */
export function conv1dGeometry(m: Pick<Conv1d, 'inChannels' | 'outChannels' | 'kernelSize' | 'stride' | 'dilation' | 'padding' | 'groups' | 'bias'>): LayerGeometry {
  return {
    kind: 'conv1d', inChannels: m.inChannels, outChannels: m.outChannels, kernel: [m.kernelSize], stride: [m.stride], dilation: [m.dilation],
    padding: m.padding, groups: m.groups, bias: m.bias !== null,
  };
}

export function conv2dGeometry(m: Pick<Conv2d, 'inChannels' | 'outChannels' | 'kh' | 'kw' | 'stride' | 'dilation' | 'padding' | 'groups' | 'bias'>): LayerGeometry {
  return {
    kind: 'conv2d', inChannels: m.inChannels, outChannels: m.outChannels, kernel: [m.kh, m.kw], stride: pair(m.stride), dilation: pair(m.dilation),
    padding: m.padding, groups: m.groups, bias: m.bias !== null,
  };
}

export function linearGeometry(m: Pick<Linear, 'inFeatures' | 'outFeatures' | 'bias'>): LayerGeometry {
  return { kind: 'linear', inChannels: m.inFeatures, outChannels: m.outFeatures, kernel: [], stride: [], dilation: [], padding: null, groups: 1, bias: m.bias !== null };
}
