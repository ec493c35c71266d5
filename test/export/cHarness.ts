/**
 * Test harness of the C export: writes the generated library plus a small main that reads float
 * samples from a binary file, quantises each with the generated helper, runs the network and
 * writes the input codes and the int32 outputs; compiles it with gcc -std=c99 -Wall -Werror.
 * Also the test models shared by the export tests (PIT-exported models, mixed per-channel plans).
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CExport } from '../../src/io/c/index.js';
import type { Module } from '../../src/nn/module.js';
import { Rng } from '../../src/tensor/rng.js';
import { pit, ChannelMasker, TimeMasker } from '../../src/nas/index.js';
import { SEED_SHAPES, seedModel } from '../quant/helpers.js';
import { quantLayerInfo } from '../../src/quant/convert.js';
import type { QuantPlan } from '../../src/quant/plan.js';

export const HAVE_GCC = spawnSync('gcc', ['--version']).status === 0;

/** The library's input code type and optional entry points, read off its header. */
export function entryPoints(e: CExport): { inType: string; predict: boolean; float: boolean } {
  const m = new RegExp(`void ${e.name}_run\\(const (\\w+) \\*input`).exec(e.header);
  if (m === null) throw new Error(`no ${e.name}_run in the header`);
  return { inType: m[1], predict: e.header.includes(`int ${e.name}_predict(`), float: e.header.includes(`${e.name}_quantize_input(const float`) };
}

/** The per-sample body of the x86 harness: codes (int32) -> run -> out, outq, pred; q16 -> qcodes. */
function sampleBody(e: CExport, io: { codesIn: string; q16In: string; out: string; outq: string; qcodes: string }): string {
  const N = e.name.toUpperCase();
  const has = entryPoints(e);
  return `for (i = 0; i < ${N}_INPUT_SIZE; i++) codes[i] = (${has.inType})${io.codesIn}[i];
    ${e.name}_run(codes, ${io.out});
    ${e.name}_output_q16(${io.out}, ${io.outq});
    pred = ${has.predict ? `${e.name}_predict(${io.out})` : '-1'};
    ${e.name}_quantize_input_q16(${io.q16In}, codes);
    for (i = 0; i < ${N}_INPUT_SIZE; i++) ${io.qcodes}[i] = codes[i];`;
}

function mainC(e: CExport): string {
  const N = e.name.toUpperCase();
  const has = entryPoints(e);
  return `#include <stdio.h>
#include <stdlib.h>
#include "${e.name}.h"
/* argv: samples, and the directory holding codes.bin, q16.bin${has.float ? ', float.bin' : ''} and receiving out.bin, qcodes.bin, outq.bin, pred.bin${has.float ? ', fcodes.bin' : ''}. */
static FILE *at(const char *dir, const char *f, const char *mode) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, f);
  return fopen(path, mode);
}
int main(int argc, char **argv) {
  static int32_t cin32[${N}_INPUT_SIZE], q16[${N}_INPUT_SIZE], out[${N}_OUTPUT_SIZE], outq[${N}_OUTPUT_SIZE], qcodes[${N}_INPUT_SIZE];
  static ${has.inType} codes[${N}_INPUT_SIZE];
  ${has.float ? `static float x[${N}_INPUT_SIZE];` : ''}
  FILE *fi, *fq, *fo, *fc, *foq, *fp${has.float ? ', *ff, *ffc' : ''};
  int32_t i, s, n, pred;
  if (argc != 3) return 2;
  n = atoi(argv[1]);
  fi = at(argv[2], "codes.bin", "rb"); fq = at(argv[2], "q16.bin", "rb");
  fo = at(argv[2], "out.bin", "wb"); fc = at(argv[2], "qcodes.bin", "wb"); foq = at(argv[2], "outq.bin", "wb"); fp = at(argv[2], "pred.bin", "wb");
  if (!fi || !fq || !fo || !fc || !foq || !fp) return 3;
  ${has.float ? 'ff = at(argv[2], "float.bin", "rb"); ffc = at(argv[2], "fcodes.bin", "wb"); if (!ff || !ffc) return 3;' : ''}
  for (s = 0; s < n; s++) {
    if (fread(cin32, sizeof(int32_t), ${N}_INPUT_SIZE, fi) != ${N}_INPUT_SIZE || fread(q16, sizeof(int32_t), ${N}_INPUT_SIZE, fq) != ${N}_INPUT_SIZE) return 4;
    ${sampleBody(e, { codesIn: 'cin32', q16In: 'q16', out: 'out', outq: 'outq', qcodes: 'qcodes' })}
    fwrite(out, sizeof(int32_t), ${N}_OUTPUT_SIZE, fo);
    fwrite(outq, sizeof(int32_t), ${N}_OUTPUT_SIZE, foq);
    fwrite(&pred, sizeof(int32_t), 1, fp);
    fwrite(qcodes, sizeof(int32_t), ${N}_INPUT_SIZE, fc);
    ${has.float ? `if (fread(x, sizeof(float), ${N}_INPUT_SIZE, ff) != ${N}_INPUT_SIZE) return 4;
    ${e.name}_quantize_input(x, codes);
    for (i = 0; i < ${N}_INPUT_SIZE; i++) qcodes[i] = codes[i];
    fwrite(qcodes, sizeof(int32_t), ${N}_INPUT_SIZE, ffc);` : ''}
  }
  fclose(fi); fclose(fq); fclose(fo); fclose(fc); fclose(foq); fclose(fp);
  return 0;
}
`;
}

export interface CInputs {
  /** Input codes (the TS engine's), samples × input size. */
  codes: Int32Array;
  /** The same inputs in Q16.16, for the fixed-point quantiser. */
  q16: Int32Array;
  /** The float inputs, for a library exported with float helpers. */
  floats?: Float32Array;
}

export interface CRun {
  /** Outputs of running the given codes. */
  outputs: Int32Array;
  /** output_q16 of them. */
  outputsQ16: Int32Array;
  /** predict of each sample (-1 without it). */
  predictions: Int32Array;
  /** Codes of quantize_input_q16 on the Q16.16 inputs. */
  q16Codes: Int32Array;
  /** Codes of the float quantize_input (float exports only). */
  floatCodes: Int32Array | null;
  /** `size` of the library's object file (text, data, bss), when binutils is present. */
  sections: { text: number; data: number; bss: number } | null;
}

/** The strict flags every export must compile cleanly with. */
export const STRICT_FLAGS = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic', '-Wconversion', '-O2'];

export function writeLibrary(dir: string, e: CExport): void {
  writeFileSync(join(dir, `${e.name}.h`), e.header);
  writeFileSync(join(dir, `${e.name}.c`), e.source);
}

/** Compile the export with a test main (gcc, x86) and run it on `samples` samples. */
export function compileAndRun(e: CExport, inputs: CInputs, samples: number): CRun {
  const dir = mkdtempSync(join(tmpdir(), 'tsdnas-c-'));
  writeLibrary(dir, e);
  writeFileSync(join(dir, 'main.c'), mainC(e));
  execFileSync('gcc', [...STRICT_FLAGS, '-c', join(dir, `${e.name}.c`), '-o', join(dir, `${e.name}.o`)]);
  execFileSync('gcc', ['-std=c99', '-O2', join(dir, 'main.c'), join(dir, `${e.name}.o`), '-o', join(dir, 'run')]);
  const bytes = (a: Int32Array | Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(join(dir, 'codes.bin'), bytes(inputs.codes));
  writeFileSync(join(dir, 'q16.bin'), bytes(inputs.q16));
  if (inputs.floats !== undefined) writeFileSync(join(dir, 'float.bin'), bytes(inputs.floats));
  execFileSync(join(dir, 'run'), [String(samples), dir]);
  const i32 = (f: string): Int32Array => { const b = readFileSync(join(dir, f)); return new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
  let sections: CRun['sections'] = null;
  const sz = spawnSync('size', [join(dir, `${e.name}.o`)], { encoding: 'utf8' });
  if (sz.status === 0) {
    const [text, data, bss] = sz.stdout.trim().split('\n')[1].trim().split(/\s+/).map(Number);
    sections = { text, data, bss };
  }
  const has = entryPoints(e);
  return { outputs: i32('out.bin'), outputsQ16: i32('outq.bin'), predictions: i32('pred.bin'), q16Codes: i32('qcodes.bin'), floatCodes: has.float ? i32('fcodes.bin') : null, sections };
}

/** A PIT-exported model with random masks (pruned channels, shorter receptive fields / dilation). */
export function pitExported(name: string): Module {
  const p = pit(seedModel(name), { inputShape: SEED_SHAPES[name] });
  const rng = new Rng(7);
  for (const [, m] of p.model.namedModules()) {
    if (m instanceof ChannelMasker) for (let i = 0; i < m.size; i++) m.alpha.data[i] = rng.next();
    if (m instanceof TimeMasker && m.beta) for (let i = 0; i < m.beta.size; i++) m.beta.data[i] = rng.next() * 0.4;
  }
  return p.export().eval();
}

/** Per-channel weight precisions 8/4/2/0 cycling over channels; activation precisions vary per layer unless branches meet in adds. */
export function mixedPlan(name: string): QuantPlan {
  const hasAdds = name.includes('resnet');
  const infos = quantLayerInfo(seedModel(name), SEED_SHAPES[name]);
  const choices = [8, 4, 2, 0, 4, 8, 2];
  return {
    inputBits: 8,
    layers: Object.fromEntries(infos.map((l, k) => [l.path, {
      wBits: Array.from({ length: l.outChannels }, (_, c) => (l.isOutput ? 8 : choices[(c + k) % choices.length])),
      aBits: hasAdds ? 8 : [8, 4, 6][k % 3],
    }])),
  };
}
