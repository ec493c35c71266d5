/**
 * Params-cost parity with PLiNIO on one seed network (the kit's ECGNet, input [1, 96]): for each
 * mask state of costParity.masks.json, the discrete `params` cost of tsdnas's PIT and PLiNIO's PIT,
 * and the gradient of that cost with respect to every mask parameter (α of each conv, β, γ), so
 * that a difference in pruning between the two cannot come from the cost.
 *
 * tsdnas side: buildFromArchitecture(ecgnet.json) → pit(model, { inputShape: [1, 96] }) →
 * costs({ discrete: true }).params → backward → .grad of maskParameters(), each tensor named by the
 * module tree (PitConv1d at <path>: outMask.alpha, timeMask.beta, timeMask.gamma).
 * PLiNIO side: read from the JSON that costParity.py writes (PIT(ECGNet(), input_shape=(1, 96),
 * cost=params, discrete_cost=True), pit.cost.backward(), .grad of named_nas_parameters()).
 * Index mapping: identity (α[c], β[j], γ[i] copied index for index; see costParity.py) — checked
 * below against PLiNIO's C_β / C_γ matrices and keep-alive vectors, and by the binarised masks.
 *
 * Run:
 *   PYTHONPATH=/work/shared/peers/plinio/plinio /usr/bin/python3 bench/plinio/costParity.py
 *   npx tsx bench/plinio/costParity.ts [/tmp/costParity.plinio.json]
 * Exit code 1 if any cost, per-layer term, mask or gradient differs.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFromArchitecture } from '../../src/nn/serialize.js';
import type { ArchNode } from '../../src/nn/serialize.js';
import { pit } from '../../src/nas/pit/convert.js';
import { ChannelMasker } from '../../src/nas/pit/channelMask.js';
import { PitConv1d } from '../../src/nas/pit/pitConv.js';
import { PitLinear } from '../../src/nas/pit/pitLinear.js';
import { backward } from '../../src/autograd/backward.js';
import { noGrad } from '../../src/autograd/graph.js';
import { paramsCost } from '../../src/hw/basic.js';
import type { Tensor } from '../../src/tensor/tensor.js';

type Kind = 'alpha' | 'beta' | 'gamma';
const KINDS: Kind[] = ['alpha', 'beta', 'gamma'];

interface LayerInfo { name: string; plinio: string; tsdnas: string; cout: number; k?: number; gates?: number }
interface MasksDoc { layers: LayerInfo[]; states: { name: string; rule: string; masks: Record<string, Record<Kind, number[]>> | null }[] }
interface PlinioLayer { cost: number; cin: number; cout: number; k: number | null; grad: Record<Kind, number[]> | null; channel_mask?: number[]; time_mask?: number[] }
interface PlinioDoc {
  structure: Record<string, { beta_c: number[][]; beta_keep_alive: number[]; gamma_c: number[][]; gamma_keep_alive: number[]; alpha_keep_alive: number[] }>;
  states: { name: string; cost: number; layers: Record<string, PlinioLayer> }[];
}

const HERE = dirname(fileURLToPath(import.meta.url));
const masks = JSON.parse(readFileSync(join(HERE, 'costParity.masks.json'), 'utf8')) as MasksDoc;
const plinioPath = process.argv[2] ?? '/tmp/costParity.plinio.json';
const plinio = JSON.parse(readFileSync(plinioPath, 'utf8')) as PlinioDoc;

const arch = (JSON.parse(readFileSync(join(HERE, 'ecgnet.json'), 'utf8')) as { architecture: ArchNode }).architecture;
const target = pit(buildFromArchitecture(arch), { inputShape: [1, 96] });

let failures = 0;
const fail = (msg: string) => {
  failures++;
  console.log(`  MISMATCH ${msg}`);
};

// Name every mask parameter by the module tree, and check that this covers maskParameters().
const convs = masks.layers.filter((l) => l.k !== undefined);
const named = new Map<string, Record<Kind, Tensor>>();
for (const l of convs) {
  const m = target.moduleAt(l.tsdnas);
  if (!(m instanceof PitConv1d) || !(m.outMask instanceof ChannelMasker) || m.timeMask?.beta == null || m.timeMask.gamma == null) {
    throw new Error(`${l.tsdnas} is not a PitConv1d with α, β and γ`);
  }
  named.set(l.name, { alpha: m.outMask.alpha, beta: m.timeMask.beta, gamma: m.timeMask.gamma });
}
const fcInfo = masks.layers.find((l) => l.name === 'fc') as LayerInfo;
const fc = target.moduleAt(fcInfo.tsdnas);
if (!(fc instanceof PitLinear) || fc.outMask !== null) throw new Error('the fc head should be a PitLinear without a channel mask (frozen: it is the graph output)');
const all = new Set(target.maskParameters());
const mapped = new Set([...named.values()].flatMap((r) => KINDS.map((k) => r[k])));
if (all.size !== mapped.size || [...all].some((t) => !mapped.has(t))) throw new Error('maskParameters() and the named α/β/γ differ');
console.log(`tsdnas: ${all.size} mask tensors (α, β, γ of ${convs.map((l) => `${l.name}=${l.tsdnas}`).join(', ')}); fc (${fcInfo.tsdnas}) frozen, as PLiNIO's PITFrozenFeaturesMasker`);

// The masks' structure: tsdnas's cumulative-sum matrices and keep-alive vectors against PLiNIO's.
const eq2 = (a: number[][], b: number[][]) => a.length === b.length && a.every((r, i) => r.length === b[i].length && r.every((v, j) => v === b[i][j]));
for (const l of convs) {
  const tm = (target.moduleAt(l.tsdnas) as PitConv1d).timeMask as unknown as Record<string, Tensor>;
  const rows = (t: Tensor, n: number) => Array.from({ length: t.size / n }, (_, i) => Array.from(t.values().slice(i * n, (i + 1) * n)));
  const s = plinio.structure[l.name];
  const k = l.k as number;
  const g = l.gates as number;
  const checks: [string, boolean][] = [
    ['C_β', eq2(rows(tm.sumBeta, k), s.beta_c)],
    ['β keep-alive', eq2([Array.from(tm.lastK.values())], [s.beta_keep_alive])],
    ['C_γ', eq2(rows(tm.sumGamma, g), s.gamma_c)],
    ['γ keep-alive', eq2([Array.from(tm.lastL.values())], [s.gamma_keep_alive])],
    ['α keep-alive', eq2([Array.from(((target.moduleAt(l.tsdnas) as PitConv1d).outMask as unknown as Record<string, Tensor>).keep.values())], [s.alpha_keep_alive])],
  ];
  const bad = checks.filter(([, ok]) => !ok).map(([n]) => n);
  if (bad.length > 0) fail(`${l.name}: ${bad.join(', ')} differ from PLiNIO's`);
}
console.log(`mask structure (C_β, C_γ, keep-alive of α/β/γ) identical to PLiNIO's for every conv: ${failures === 0 ? 'yes' : 'NO'}`);

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(7));
const pad = (s: string, n: number) => s.padEnd(n);

for (const st of masks.states) {
  const ref = plinio.states.find((s) => s.name === st.name);
  if (ref === undefined) throw new Error(`state ${st.name} missing from ${plinioPath}`);
  noGrad(() => {
    for (const [name, r] of named) {
      for (const kind of KINDS) {
        const t = r[kind];
        if (st.masks === null) {
          if (!t.values().every((v) => v === 1)) throw new Error(`${name}.${kind}: initial values are not all 1`);
        } else {
          const v = st.masks[name][kind];
          if (v.length !== t.size) throw new Error(`${name}.${kind}: ${v.length} values for ${t.size} entries`);
          t.data.set(v);
        }
        t.grad = null;
      }
    }
  });
  const cost = target.costs({ discrete: true }).params;
  backward(cost);
  const calls = noGrad(() => target.layerCalls(true));
  const c = cost.item();
  console.log(`\nstate ${st.name} (${st.rule})`);
  console.log(`  params cost: tsdnas ${fmt(c)}  PLiNIO ${fmt(ref.cost)}  ${c === ref.cost ? 'same' : 'DIFFERENT'}`);
  if (c !== ref.cost) fail(`total cost ${c} vs ${ref.cost}`);
  console.log(`  ${pad('layer', 6)} ${pad('cin·cout·k (tsdnas | PLiNIO)', 30)} ${pad('cost (tsdnas | PLiNIO)', 24)} mask  max|Δgrad|  Σgrad tsdnas  Σgrad PLiNIO`);
  for (const l of masks.layers) {
    const i = target.layers.findIndex((r) => r.path === l.tsdnas);
    const call = calls[i];
    const mine = noGrad(() => ({ cost: paramsCost.fn(call.spec, call.eff).item(), cin: call.eff.cin.item(), cout: call.eff.cout.item(), k: call.eff.k.item() }));
    const p = ref.layers[l.name];
    const shape = `${fmt(mine.cin)}·${fmt(mine.cout)}·${fmt(mine.k)} | ${fmt(p.cin)}·${fmt(p.cout)}·${p.k === null ? '-' : fmt(p.k)}`;
    const sameShape = mine.cin === p.cin && mine.cout === p.cout && (p.k === null ? mine.k === 1 : mine.k === p.k);
    if (!sameShape) fail(`${l.name}: effective sizes ${shape}`);
    if (mine.cost !== p.cost) fail(`${l.name}: layer cost ${mine.cost} vs ${p.cost}`);
    const head = `  ${pad(l.name, 6)} ${pad(shape, 30)} ${pad(`${fmt(mine.cost)} | ${fmt(p.cost)}`, 24)}`;
    if (p.grad === null) {
      console.log(`${head} (no mask: output layer frozen on both sides)`);
      continue;
    }
    // Binarised masks: tsdnas's channel mask and time mask (H(θβ)·H(θγ)) against PLiNIO's.
    const m = target.moduleAt(l.tsdnas) as PitConv1d;
    const ch = noGrad(() => Array.from((m.outMask as ChannelMasker).alive(), (a) => (a ? 1 : 0)));
    const taps = new Set(m.timeMask?.keptTaps());
    const tm = Array.from({ length: l.k as number }, (_, j) => (taps.has(j) ? 1 : 0));
    if (ch.some((v, j) => v !== p.channel_mask?.[j]) || tm.some((v, j) => v !== p.time_mask?.[j])) fail(`${l.name}: binarised masks differ`);
    KINDS.forEach((kind, n) => {
      const g = named.get(l.name)?.[kind].grad;
      const mineG = g == null ? [] : Array.from(g.values());
      const theirs = p.grad?.[kind] ?? [];
      const maxD = mineG.length === theirs.length ? mineG.reduce((a, v, j) => Math.max(a, Math.abs(v - theirs[j])), 0) : NaN;
      if (!(maxD === 0)) fail(`${l.name}.${kind}: max |Δgrad| ${maxD}`);
      const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
      const pre = n === 0 ? head : ' '.repeat(head.length);
      console.log(`${pre} ${pad(kind, 5)} ${pad(fmt(maxD), 11)} ${pad(fmt(sum(mineG)), 13)} ${fmt(sum(theirs))}`);
    });
  }
}

console.log(failures === 0
  ? '\nparity: same params cost, per-layer terms, binarised masks and mask gradients as PLiNIO in every state'
  : `\nparity: ${failures} mismatch(es)`);
process.exitCode = failures === 0 ? 0 : 1;
