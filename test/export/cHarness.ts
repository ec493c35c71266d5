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

function mainC(e: CExport): string {
  const N = e.name.toUpperCase();
  return `#include <stdio.h>
#include <stdlib.h>
#include "${e.name}.h"
int main(int argc, char **argv) {
  static float x[${N}_INPUT_SIZE];
  static int32_t out[${N}_OUTPUT_SIZE], codes32[${N}_INPUT_SIZE];
  FILE *fi, *fc, *fo;
  int i, s, n;
  if (argc != 5) return 2;
  n = atoi(argv[1]);
  fi = fopen(argv[2], "rb"); fc = fopen(argv[3], "wb"); fo = fopen(argv[4], "wb");
  if (!fi || !fc || !fo) return 3;
  for (s = 0; s < n; s++) {
    static int8_t codes[${N}_INPUT_SIZE];
    if (fread(x, sizeof(float), ${N}_INPUT_SIZE, fi) != ${N}_INPUT_SIZE) return 4;
    ${e.name}_quantize_input(x, (void *)codes);
    for (i = 0; i < ${N}_INPUT_SIZE; i++) codes32[i] = codes[i];
    ${e.name}_run((void *)codes, out);
    fwrite(codes32, sizeof(int32_t), ${N}_INPUT_SIZE, fc);
    fwrite(out, sizeof(int32_t), ${N}_OUTPUT_SIZE, fo);
  }
  fclose(fi); fclose(fc); fclose(fo);
  return 0;
}
`;
}

export interface CRun {
  codes: Int32Array;
  outputs: Int32Array;
  /** `size` of the library's object file (text, data, bss), when binutils is present. */
  sections: { text: number; data: number; bss: number } | null;
}

/** Compile the export with a test main and run it on `samples` float samples (row-major, one after another). */
export function compileAndRun(e: CExport, x: Float32Array, samples: number): CRun {
  const dir = mkdtempSync(join(tmpdir(), 'tsdnas-c-'));
  writeFileSync(join(dir, `${e.name}.h`), e.header);
  writeFileSync(join(dir, `${e.name}.c`), e.source);
  writeFileSync(join(dir, 'main.c'), mainC(e));
  const flags = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-O2'];
  execFileSync('gcc', [...flags, '-c', join(dir, `${e.name}.c`), '-o', join(dir, `${e.name}.o`)]);
  execFileSync('gcc', [...flags, join(dir, 'main.c'), join(dir, `${e.name}.o`), '-o', join(dir, 'run')]);
  writeFileSync(join(dir, 'in.bin'), new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  execFileSync(join(dir, 'run'), [String(samples), join(dir, 'in.bin'), join(dir, 'codes.bin'), join(dir, 'out.bin')]);
  const i32 = (f: string): Int32Array => { const b = readFileSync(join(dir, f)); return new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
  let sections: CRun['sections'] = null;
  const sz = spawnSync('size', [join(dir, `${e.name}.o`)], { encoding: 'utf8' });
  if (sz.status === 0) {
    const [text, data, bss] = sz.stdout.trim().split('\n')[1].trim().split(/\s+/).map(Number);
    sections = { text, data, bss };
  }
  return { codes: i32('codes.bin'), outputs: i32('out.bin'), sections };
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
