/**
 * C export of an integer model (quant/integer/engine.ts): a self-contained C99 library of one
 * header and one source file, integer only by default (no float or double: inputs arrive as codes
 * or as Q16.16 fixed point, outputs leave as int32 or Q16.16; `float: true` adds float helpers).
 * Weights are const arrays of 32-bit words in the SMLAD order of dsp.ts (int8 / int4 / int2, one
 * group per precision with its output-channel indices, so channels keep their order), the
 * per-channel requantisation multipliers and shifts are const arrays, and activations live in one
 * static arena sized by the memory plan (plan.ts) plus one im2col buffer. No dynamic allocation,
 * no libm. The generated code computes exactly what IntegerModel.run computes (the tests require
 * bit-exact agreement, on x86 and on Cortex-M under QEMU), one sample per call.
 */

import type { IntegerModel, IntLayer, IntNode } from '../../quant/integer/engine.js';
import { containerBits } from '../../quant/integer/pack.js';
import { C_CORE, C_KERNELS, type CKernel } from './runtime.js';
import { C_TYPE_TAG, planMemory, type CPlan } from './plan.js';
import { costModelMemory, type CostModelMemory } from './costModel.js';
import { dspWords, rowWords, slotTablesC } from './dsp.js';
import { C_FRAC_BITS, divisionMagic, inputQ16Requant, outputQ16Requant } from './fixedPoint.js';
import { outputLines, preprocessingLines, type CModelAbout } from './header.js';

export interface CExportOptions {
  /** Input shape without the batch axis. */
  inputShape: readonly number[];
  /** C identifier prefix and file stem (default 'tsdnas_model'). */
  name?: string;
  /** Also emit `<name>_quantize_input(const float *)` and `double <name>_output_scale[]` (default false: integer-only code). */
  float?: boolean;
  /** What the model was trained on (dataset, classes, preprocessing), described in the header. */
  about?: CModelAbout;
}

export interface CMemoryReport {
  /** Weight bytes as stored: rows padded to whole 32-bit words (the cost model counts them unpadded). */
  weightBytes: number;
  /** Of weightBytes, the zero padding that completes each row's last word. */
  paddingBytes: number;
  /** int32 bias bytes of the kept channels. */
  biasBytes: number;
  /** Multipliers (4 B) and shifts (1 B) per requantised channel. */
  requantBytes: number;
  /** Output-channel index arrays (2 B per kept channel) and kept-input index arrays (2 B per kept input of a layer that drops known-zero inputs). */
  indexBytes: number;
  /** The activation arena: the peak activation RAM of inference. */
  arenaBytes: number;
  /** The im2col buffer (int16 pairs of the largest input patch, padded to 16 values; a depthwise kernel's int32 codes). */
  scratchBytes: number;
  /** What the hardware memory cost model (hw/memory.ts) predicts for the same model. */
  costModel: CostModelMemory;
}

export interface CExport {
  header: string;
  source: string;
  /** File names: `${name}.h`, `${name}.c`. */
  name: string;
  memory: CMemoryReport;
}

const hexWords = (w: Uint32Array): string => {
  const out: string[] = [];
  for (let i = 0; i < w.length; i += 8) out.push('  ' + Array.from(w.subarray(i, i + 8), (x) => `0x${x.toString(16).padStart(8, '0')}u`).join(', '));
  return out.join(',\n') || '  0';
};
const ints = (v: ArrayLike<number>): string => Array.from(v).join(', ') || '0';
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const INT16 = [-32768, 32767] as const;

export function integerModelToC(model: IntegerModel, opts: CExportOptions): CExport {
  const name = opts.name ?? 'tsdnas_model';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`C export: name '${name}' is not a C identifier; use letters, digits and '_' (not starting with a digit)`);
  const NAME = name.toUpperCase();
  const plan = planMemory(model, opts.inputShape);
  const nodes = model.nodes;
  const input = nodes[0];
  if (input.kind !== 'input') throw new Error('C export: node 0 of the integer model must be its input quantiser');
  const mem: CMemoryReport = { weightBytes: 0, paddingBytes: 0, biasBytes: 0, requantBytes: 0, indexBytes: 0, arenaBytes: plan.arenaBytes, scratchBytes: 0, costModel: costModelMemory(model, plan) };
  const data: string[] = [];
  const body: string[] = [];
  const kernels = new Set<CKernel>();
  const buf = (i: number): string => `arena + ${plan.offsets.get(plan.bufferOf[i]) as number}, ${C_TYPE_TAG[plan.types[i]]}`;
  const inType = plan.types[0];
  const outNode = model.outputNode;
  const outSize = size(plan.shapes[outNode]);
  let colWords = 1;

  nodes.forEach((n, i) => {
    const note = `  /* node ${i}: ${describeNode(n)} -> [${plan.shapes[i].join(', ')}] ${plan.types[i]} */`;
    // Each node's statement, then a hook for per-layer timing on the device (see the header).
    const emit = (statement: string): void => { body.push(note, statement, `  TSD_NODE_DONE(${i});`); };
    switch (n.kind) {
      case 'input':
        emit(`  for (i = 0; i < ${NAME}_INPUT_SIZE; i++) st(${buf(0)}, i, input[i]);`);
        return;
      case 'fused': case 'flatten':
        return; // views of their source buffer
      case 'layer': {
        const [lo, hi] = plan.ranges[n.src];
        if (lo < INT16[0] || hi > INT16[1]) throw new Error(`C export: layer '${n.path}' reads codes in [${lo}, ${hi}], beyond int16; the generated kernels multiply 16-bit activations (quantise activations to at most 16 bits)`);
        const { text, ksz } = layerData(n, i, plan, mem);
        data.push(text);
        // A depthwise layer unpacks its kernel (ksz int32 codes) into the same buffer.
        const depthwise = !n.linear && (n.geom?.groups ?? 1) > 1 && ksz === (n.geom?.kh ?? 1) * (n.geom?.kw ?? 1);
        colWords = Math.max(colWords, Math.ceil(ksz / 16) * 8, depthwise ? ksz : 0);
        emit(`  conv(&L${i}, ${buf(n.src)}, ${buf(i)}, col);`);
        return;
      }
      case 'requant':
        kernels.add('requant_all');
        mem.requantBytes += 5;
        emit(`  requant_all(${buf(n.src)}, ${buf(i)}, ${size(plan.shapes[i])}, ${n.r.m}, ${n.r.shift}, ${n.qmin}, ${n.qmax});`);
        return;
      case 'maxpool': case 'avgpool': {
        kernels.add('pool');
        const s = plan.shapes[n.src];
        const [c, h, w] = s.length === 2 ? [s[0], 1, s[1]] : s;
        const o = plan.shapes[i];
        const [ho, wo] = o.length === 1 ? [1, 1] : o.length === 2 ? [1, o[1]] : [o[1], o[2]];
        const win = n.window === 'global' ? { kh: h, kw: w, sh: 1, sw: 1, ph: 0, pw: 0 } : n.window;
        const k = win.kh * win.kw;
        const [lo, hi] = plan.ranges[n.src];
        if (n.kind === 'avgpool' && Math.max(-lo, hi) * k >= 2 ** 31 - 1) throw new Error(`C export: average pooling at node ${i} sums ${k} values in [${lo}, ${hi}], which can overflow int32`);
        const d = divisionMagic(k);
        emit(`  pool(${buf(n.src)}, ${buf(i)}, ${c}, ${h}, ${w}, ${win.kh}, ${win.kw}, ${win.sh}, ${win.sw}, ${win.ph}, ${win.pw}, ${ho}, ${wo}, ${n.kind === 'avgpool' ? 1 : 0}, ${d.m}u, ${d.shift});`);
        return;
      }
      case 'pad': {
        kernels.add('pad_last');
        const s = plan.shapes[n.src];
        const len = s[s.length - 1];
        emit(`  pad_last(${buf(n.src)}, ${buf(i)}, ${size(s) / len}, ${len}, ${n.left}, ${n.right});`);
        return;
      }
      case 'add':
        kernels.add('add');
        emit(`  add(${buf(n.srcs[0])}, ${buf(n.srcs[1])}, ${buf(i)}, ${size(plan.shapes[i])});`);
        return;
    }
  });
  body.push(`  for (i = 0; i < ${NAME}_OUTPUT_SIZE; i++) output[i] = ld(${buf(outNode)}, i);`);
  mem.scratchBytes = 4 * colWords;

  const outScale = typeof model.outputScale === 'number' ? [model.outputScale] : Array.from(model.outputScale);
  const outShape = plan.shapes[outNode];
  const per = size(outShape.slice(1));
  const inQ = inputQ16Requant(input.scale);
  const outQ = outputQ16Requant(outScale);
  const task = opts.about?.task ?? opts.about?.preprocessing?.task;
  const hasPredict = outShape.length === 1 && outShape[0] > 1 && task !== 'regression';
  const flash = mem.weightBytes + mem.biasBytes + mem.requantBytes;
  const wrap = (lines: string[]): string => lines.map((l) => ` * ${l}`.trimEnd()).join('\n');
  const header = `/*
 * ${name}.h - integer inference of a tsdnas model (generated by \`tsdnas export --format c\`; do not edit).
 *
${wrap(preprocessingLines(opts.about, opts.inputShape))}
 * Input codes: q = clamp(floor(x / step), ${input.qmin}, ${input.qmax}) with step = ${input.scale.toPrecision(9)} (${NAME}_INPUT_STEP_PPB
 *   is the step in parts per billion); ${name}_quantize_input_q16 computes them from x in Q16.16
 *   fixed point (x * 65536 as int32) with an integer multiply and shift.
${wrap(outputLines(opts.about, outShape, name, hasPredict))}
 * Output values: [${outShape.join(', ')}] int32 accumulators; output[k] * scale_c is the network output,
 *   c = (k / ${per}) % ${outShape[0] ?? 1} (one scale per output channel${outScale.length === 1 ? '; here one for all' : ''}); ${name}_output_q16
 *   gives it in Q16.16. Scales: ${outScale.map((s) => s.toPrecision(6)).join(', ')}.
 * Integer only: no float or double in this library${opts.float ? ' except the float helpers at the end of this header' : ''}; no division in the kernels.
 * Weights: const arrays of 32-bit words (int8 / int4 / int2 two's complement), one row per output
 *   channel over [kept Cin/groups][kh][kw], padded to whole words, the codes of each word placed
 *   for SXTB16 / SMLAD (see tsdnas src/io/c/dsp.ts); one group per precision with the indices of
 *   its output channels (the channel order is never permuted); a layer whose inputs include
 *   channels known to be zero (pruned by every layer writing them) stores weights for the other
 *   inputs only, with their indices. Built with __ARM_FEATURE_DSP (Cortex-M4 / M7 / M33) the dot
 *   products use the SMLAD / SXTB16 intrinsics of <arm_acle.h>; elsewhere plain C, same integers.
 * Requantisation: y = clamp(floor((acc + bias) * m_c / 2^shift_c), qmin, qmax), 64-bit product.
 * Memory: ${NAME}_ARENA_BYTES of static RAM for all activations plus ${NAME}_SCRATCH_BYTES of im2col
 *   buffer (no dynamic allocation); the parameters take ${NAME}_PARAM_FLASH_BYTES of flash
 *   (+ ${NAME}_INDEX_BYTES of channel indices and the layer descriptors and code, which \`size\`
 *   of the object file reports).
 * Profiling: compile the .c with -D'TSD_NODE_DONE(node)=my_hook(node)' to call a hook after each
 *   node of ${name}_run (e.g. reading DWT->CYCCNT); the node numbers are in the source's comments.
 * Not reentrant: the arena is shared between calls.
 */
#ifndef ${NAME}_H
#define ${NAME}_H

#include <stdint.h>

#define ${NAME}_INPUT_SIZE ${size(opts.inputShape)}
#define ${NAME}_OUTPUT_SIZE ${outSize}
#define ${NAME}_INPUT_QMIN ${input.qmin}
#define ${NAME}_INPUT_QMAX ${input.qmax}
#define ${NAME}_INPUT_STEP_PPB ${Math.round(input.scale * 1e9)}
#define ${NAME}_FRAC_BITS ${C_FRAC_BITS}
#define ${NAME}_ARENA_BYTES ${plan.arenaBytes}
#define ${NAME}_SCRATCH_BYTES ${mem.scratchBytes}
#define ${NAME}_WEIGHT_BYTES ${mem.weightBytes}
#define ${NAME}_BIAS_BYTES ${mem.biasBytes}
#define ${NAME}_REQUANT_BYTES ${mem.requantBytes}
#define ${NAME}_INDEX_BYTES ${mem.indexBytes}
#define ${NAME}_PARAM_FLASH_BYTES ${flash}

/* Run the network on one sample of input codes; writes ${NAME}_OUTPUT_SIZE int32 outputs. */
void ${name}_run(const ${inType} *input, int32_t *output);

/* Input codes from ${NAME}_INPUT_SIZE inputs in Q16.16 (x * 65536). */
void ${name}_quantize_input_q16(const int32_t *x, ${inType} *codes);

/* The ${NAME}_OUTPUT_SIZE outputs in Q16.16 (saturated to int32). */
void ${name}_output_q16(const int32_t *output, int32_t *y);
${hasPredict ? `
/* The class: index of the largest output (compared in Q16.16; ties go to the lower index). */
int ${name}_predict(const int32_t *output);
` : ''}${opts.float ? `
/* Float helpers (asked for with --c-float): the step, the output scales, and x -> codes in double as the TS engine does it. */
#define ${NAME}_INPUT_SCALE ${input.scale.toPrecision(17)}
extern const double ${name}_output_scale[${outScale.length}];
void ${name}_quantize_input(const float *x, ${inType} *codes);
` : ''}
#endif
`;
  const floatSource = `
const double ${name}_output_scale[${outScale.length}] = { ${outScale.map((s) => s.toPrecision(17)).join(', ')} };

void ${name}_quantize_input(const float *x, ${inType} *codes) {
  int32_t i, t;
  double q;
  for (i = 0; i < ${NAME}_INPUT_SIZE; i++) {
    q = (double)x[i] / ${NAME}_INPUT_SCALE;
    if (q <= ${input.qmin}) t = ${input.qmin};
    else if (q >= ${input.qmax}) t = ${input.qmax};
    else { t = (int32_t)q; if ((double)t > q) t -= 1; }
    codes[i] = (${inType})t;
  }
}
`;
  const predictSource = `
int ${name}_predict(const int32_t *output) {
  int32_t y[${NAME}_OUTPUT_SIZE];
  int i, best = 0;
  ${name}_output_q16(output, y);
  for (i = 1; i < ${NAME}_OUTPUT_SIZE; i++) if (y[i] > y[best]) best = i;
  return best;
}
`;
  const source = `/* ${name}.c - generated by tsdnas; see ${name}.h for the layout. */
#include <string.h>
#include "${name}.h"

${slotTablesC()}
${C_CORE}
${[...kernels].sort().map((k) => C_KERNELS[k]).join('\n')}
/* Define TSD_NODE_DONE(node) (e.g. to read a cycle counter) to time each node of ${name}_run. */
#ifndef TSD_NODE_DONE
#define TSD_NODE_DONE(node) ((void)0)
#endif

static unsigned char arena[${NAME}_ARENA_BYTES];
static uint32_t col[${colWords}];

static const int32_t out_m[${outQ.length}] = { ${ints(outQ.map((r) => r.m))} };
static const uint8_t out_s[${outQ.length}] = { ${ints(outQ.map((r) => r.shift))} };

${data.join('\n')}
void ${name}_quantize_input_q16(const int32_t *x, ${inType} *codes) {
  int32_t i;
  for (i = 0; i < ${NAME}_INPUT_SIZE; i++) codes[i] = (${inType})requant(x[i], ${inQ.m}, ${inQ.shift}, ${input.qmin}, ${input.qmax});
}

void ${name}_output_q16(const int32_t *output, int32_t *y) {
  int32_t k, c = 0, j = 0;
  for (k = 0; k < ${NAME}_OUTPUT_SIZE; k++) {
    y[k] = requant(output[k], out_m[c], out_s[c], INT32_MIN, INT32_MAX);
    if (++j == ${per}) { j = 0; if (++c == ${outQ.length}) c = 0; }
  }
}
${hasPredict ? predictSource : ''}${opts.float ? floatSource : ''}
void ${name}_run(const ${inType} *input, int32_t *output) {
  int32_t i;
${body.join('\n')}
}
`;
  return { header, source, name, memory: mem };
}

function describeNode(n: IntNode): string {
  switch (n.kind) {
    case 'layer': return `${n.linear ? 'linear' : 'conv'} '${n.path}' (${n.groups.map((g) => `${g.channels.length}ch@${g.bits}b`).join(' + ') || 'all pruned'})`;
    case 'maxpool': case 'avgpool': return n.window === 'global' ? `global ${n.kind}` : n.kind;
    default: return n.kind;
  }
}

/** A layer's const data and descriptor; ksz is the patch length (kept inputs × kernel) its im2col needs. */
function layerData(n: IntLayer, i: number, plan: CPlan, mem: CMemoryReport): { text: string; ksz: number } {
  const inShape = plan.shapes[n.src];
  const out = plan.shapes[i];
  const cout = n.weightShape[0];
  const [cin, h, w] = n.linear ? [size(inShape), 1, 1] : inShape.length === 2 ? [inShape[0], 1, inShape[1]] : inShape;
  const [ho, wo] = n.linear ? [1, 1] : out.length === 2 ? [1, out[1]] : [out[1], out[2]];
  const g = n.geom ?? { kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, pads: [0, 0, 0, 0], groups: 1 };
  if (n.linear && size(n.weightShape) !== cout * cin) throw new Error(`C export: linear layer '${n.path}' has weights [${n.weightShape.join(', ')}] but its input has ${cin} features`);
  const keep = n.inKeep;
  const ksz = (keep?.length ?? cin / g.groups) * g.kh * g.kw;
  const lines: string[] = [];
  let kept = 0;
  n.groups.forEach((grp, k) => {
    const p = `L${i}g${k}`;
    const r = grp.channels.map((c) => (n.requant === null ? null : n.requant.r.length === 1 ? n.requant.r[0] : n.requant.r[c]));
    const words = dspWords(grp.packed, grp.channels.length, ksz, grp.bits);
    if (words.length !== grp.channels.length * rowWords(ksz, grp.bits)) throw new Error(`C export: layer '${n.path}' group of ${grp.bits}-bit weights does not hold ${grp.channels.length} rows of ${ksz} codes`);
    lines.push(`static const uint32_t ${p}_w[${Math.max(1, words.length)}] = {\n${hexWords(words)}\n};`);
    lines.push(`static const uint16_t ${p}_ch[${grp.channels.length}] = { ${ints(grp.channels)} };`);
    lines.push(`static const int32_t ${p}_b[${grp.channels.length}] = { ${ints(grp.channels.map((c) => n.bias[c]))} };`);
    if (n.requant !== null) {
      lines.push(`static const int32_t ${p}_m[${grp.channels.length}] = { ${ints(r.map((x) => x?.m ?? 0))} };`);
      lines.push(`static const uint8_t ${p}_s[${grp.channels.length}] = { ${ints(r.map((x) => x?.shift ?? 0))} };`);
      mem.requantBytes += 5 * grp.channels.length;
    }
    if (grp.channels.some((c) => c > 65535)) throw new Error(`C export: layer '${n.path}' has more than 65536 output channels`);
    mem.weightBytes += 4 * words.length;
    mem.paddingBytes += 4 * words.length - grp.packed.length;
    mem.biasBytes += 4 * grp.channels.length;
    mem.indexBytes += 2 * grp.channels.length;
    kept += grp.channels.length;
  });
  const groups = n.groups.map((grp, k) => {
    const p = `L${i}g${k}`;
    return `{ ${containerBits(grp.bits)}, ${grp.channels.length}, ${p}_ch, ${p}_w, ${p}_b, ${n.requant === null ? 'NULL, NULL' : `${p}_m, ${p}_s`} }`;
  });
  lines.push(`static const tsd_group L${i}_groups[${Math.max(1, groups.length)}] = { ${groups.join(', ') || '{ 8, 0, NULL, NULL, NULL, NULL, NULL }'} };`);
  const q = n.requant ?? { qmin: 0, qmax: 0 };
  if (keep !== null) {
    if (keep.some((c) => c > 65535)) throw new Error(`C export: layer '${n.path}' keeps input index ${Math.max(...keep)} > 65535 (uint16 index arrays)`);
    lines.push(`static const uint16_t L${i}_in[${Math.max(1, keep.length)}] = { ${ints(keep)} };`);
    mem.indexBytes += 2 * keep.length;
  }
  lines.push(`/* ${n.path}: [${n.weightShape.join(', ')}]${keep === null ? '' : `, weights stored for ${keep.length} of ${n.weightShape[1]} inputs`} */`);
  lines.push(`static const tsd_layer L${i} = { ${cin}, ${h}, ${w}, ${cout}, ${ho}, ${wo}, ${g.kh}, ${g.kw}, ${g.sh}, ${g.sw}, ${g.dh}, ${g.dw}, ${g.pads[0]}, ${g.pads[2]}, ${g.groups}, ${n.groups.length}, ${kept < cout ? 1 : 0}, ${q.qmin}, ${q.qmax}, L${i}_groups, ${keep?.length ?? 0}, ${keep === null ? 'NULL' : `L${i}_in`} };`);
  return { text: lines.join('\n') + '\n', ksz };
}
