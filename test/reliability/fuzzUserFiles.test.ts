/**
 * Hostile-input fuzzing of the files a user writes by hand: the dataset description
 * (--dataset my-data.json), the architecture file (--model my-net.json) and the preprocessing
 * record a checkpoint carries. From one valid file each, CASES seeded text mutants
 * (test/reliability/mutate.ts); each must be accepted whole or refused with a plain Error naming
 * the file — never a TypeError / RangeError from deep inside, nor a huge allocation. An accepted
 * description must assemble the splits of a small table or refuse naming the file.
 */

import { describe, expect, it } from 'vitest';
import { checkDatasetSpec } from '../../src/data/user/spec.js';
import { assembleSplits } from '../../src/data/user/assemble.js';
import { checkPreprocessing, fitPreprocessing, applyPreprocessing } from '../../src/data/user/preprocess.js';
import type { SeriesTable } from '../../src/data/user/table.js';
import { parseModelSpec, architectureParameters, checkArchitectureFits } from '../../src/models/userModel.js';
import { seedArchitecture, architectureFile } from '../../src/models/userModel.js';
import { mutateText } from './mutate.js';
import { isPlainError } from './fuzzHarness.js';

const CASES = 1000;

interface Tally { accepted: number; refused: number; bad: string[] }

function fuzz(name: string, source: string, valid: string, use: (value: unknown) => void): Tally {
  const t: Tally = { accepted: 0, refused: 0, bad: [] };
  use(JSON.parse(valid));
  for (let i = 0; i < CASES; i++) {
    const text = mutateText(valid, name.length + 29, i);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // The CLI reports bad JSON itself (with the file name); the parsers get parsed values.
      t.refused++;
      continue;
    }
    try {
      use(value);
      t.accepted++;
    } catch (e) {
      if (isPlainError(e) && (e as Error).message.includes(source)) t.refused++;
      else t.bad.push(`${name} case ${i}: ${(e as Error)?.constructor?.name}: ${String((e as Error)?.message).slice(0, 200)}`);
    }
  }
  return t;
}

function table(n: number): SeriesTable {
  return {
    source: 'rows.csv', channels: 2,
    series: Array.from({ length: n }, (_, i) => Float32Array.from({ length: 2 * (8 + (i % 3)) }, (_, k) => Math.sin(i + k))),
    lengths: Array.from({ length: n }, (_, i) => 8 + (i % 3)),
    labels: Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][i % 3]),
    groups: Array.from({ length: n }, (_, i) => `s${i % 6}`),
  };
}

const tallies: Record<string, Tally> = {};

describe('hand-written files: 1000 mutants each', () => {
  it('dataset description (checked, then used to assemble splits)', () => {
    const spec = JSON.stringify({
      name: 'my-data', train: 'rows.csv', task: 'classification', classes: ['a', 'b', 'c'], labelMap: { x: 'a' }, length: 10,
      lengthPolicy: 'crop', pad: 'last', missing: 'interpolate', normalize: 'channel', testFraction: 0.25, valFraction: 0.2, splitBy: 'group', splitSeed: 3,
      csv: { labelColumn: 'label', groupColumn: 1, channels: 2 }, wav: { rate: 8000, seconds: 1 }, wfdb: { mode: 'beats', before: 0.2, after: 0.4 },
    });
    const t = fuzz('spec', 'my.json', spec, (v) => {
      const s = checkDatasetSpec(v, 'my.json');
      try {
        assembleSplits(table(60), null, s, { source: 'my.json' });
      } catch (e) {
        // Assembly errors name the data file; rethrow them so the tally sees whom they name.
        if (isPlainError(e) && (e as Error).message.includes('rows.csv')) throw new Error(`my.json: ${(e as Error).message}`);
        throw e;
      }
    });
    tallies.spec = t;
    expect(t.bad).toEqual([]);
  });

  it('architecture file (validated, sized, and checked against an input shape when small)', () => {
    const file = JSON.stringify(architectureFile(seedArchitecture('tcn-ecg', [2, 40], 3)));
    const t = fuzz('arch', 'net.json', file, (v) => {
      const { architecture } = parseModelSpec(v, 'net.json');
      if (architectureParameters(architecture, 'net.json') <= 2_000_000) checkArchitectureFits(architecture, [2, 40], 3, 'net.json', 'architecture');
    });
    tallies.arch = t;
    expect(t.bad).toEqual([]);
  });

  it('preprocessing record (checked, then applied to a table)', () => {
    const rec = JSON.stringify(fitPreprocessing(table(30), { normalize: 'channel', length: 9, lengthPolicy: 'resample' }));
    const t = fuzz('prep', 'model.safetensors', rec, (v) => {
      const p = checkPreprocessing(v, 'model.safetensors');
      try {
        applyPreprocessing(table(6), p);
      } catch (e) {
        if (isPlainError(e) && (e as Error).message.includes('rows.csv')) throw new Error(`model.safetensors: ${(e as Error).message}`);
        throw e;
      }
    });
    tallies.prep = t;
    expect(t.bad).toEqual([]);
    console.log(`hand-written file fuzzing (accepted / refused of ${CASES}): ${Object.entries(tallies).map(([k, v]) => `${k} ${v.accepted}/${v.refused}`).join(', ')}`);
  });
});
