/**
 * Hostile-input fuzzing of the binary readers of a user's data (.npy, .npz, WFDB header /
 * signals / annotations, WAV folders), the way fuzz.test.ts fuzzes the built-in loaders: from
 * one valid file each, CASES seeded mutants (mutate.ts). Every mutant must parse or throw a
 * plain Error naming the file — no TypeError / RangeError from deep inside, no hang (each case
 * is timed), no allocation from an unchecked size field.
 */

import { afterAll, describe, expect, it } from 'vitest';
import {
  npyTable, parseNpy, parseNpz, parseWfdbAnnotations, parseWfdbHeader, parseWfdbSignals, wavTable,
} from '../../src/data/user/formats/binary.js';
import { nodeZlib } from '../../src/platform/node.js';
import { int16Samples, riff, wavChunk, wavFmt } from '../data/builders.js';
import { annotations, checksum, fmt16, fmt212, npy, packed, utf32, zip } from '../data/user/binaryBuilders.js';
import { mutateBytes, mutateText } from './mutate.js';
import { attempt, newTally, recorder, type Tally } from './fuzzHarness.js';

/** Cases per parser, as in fuzz.test.ts. */
const CASES = 1000;
function fuzzBytes(name: string, source: string, valid: Uint8Array, parse: (b: Uint8Array) => unknown): Tally {
  const t = newTally();
  attempt(t, source, `${name} valid`, () => parse(valid));
  expect(t.parsed, `${name}: the valid seed file must parse (${t.bad.join('; ')})`).toBe(1);
  t.parsed = 0;
  for (let i = 0; i < CASES; i++) {
    const { bytes, kind } = mutateBytes(valid, name.length, i);
    attempt(t, source, `${name} case ${i} (${kind})`, () => parse(bytes));
  }
  return t;
}

function fuzzText(name: string, source: string, valid: string, parse: (s: string) => unknown): Tally {
  const t = newTally();
  attempt(t, source, `${name} valid`, () => parse(valid));
  expect(t.parsed, `${name}: the valid seed file must parse (${t.bad.join('; ')})`).toBe(1);
  t.parsed = 0;
  for (let i = 0; i < CASES; i++) attempt(t, source, `${name} case ${i}`, () => parse(mutateText(valid, name.length, i)));
  return t;
}

const { check, report } = recorder(CASES);
afterAll(report);

const xValues = Array.from({ length: 3 * 2 * 5 }, (_, i) => Math.sin(i) * 2);

describe('user binary formats: fuzzing (seeded)', () => {
  it('.npy (float32 3-D; text labels; int64 Fortran-ordered v2)', () => {
    check('npy-f4', fuzzBytes('npy-f4', 'x.npy', npy('<f4', [3, 2, 5], packed(xValues, 'f', 4)), (b) => npyTable(parseNpy(b, 'x.npy'), null, 'x.npy')));
    check('npy-labels', fuzzBytes('npy-labels', 'y.npy', npy('<U3', [4], utf32(['N', 'V', 'yes', '3'], 3)), (b) => parseNpy(b, 'y.npy')));
    check('npy-i8-fortran', fuzzBytes('npy-i8-fortran', 'g.npy', npy('>i8', [2, 3], packed([1, 2, 3, 4, 5, 6], 'i', 8, false), { version: 2, fortran: true }), (b) => parseNpy(b, 'g.npy')));
  });

  it('.npz (stored and deflated members, ZIP64 form) into a table', () => {
    const valid = zip([
      { name: 'x.npy', data: npy('<f4', [3, 2, 5], packed(xValues, 'f', 4)) },
      { name: 'y.npy', data: npy('<i8', [3], packed([0, 1, 1], 'i', 8)), deflate: true },
      { name: 'groups.npy', data: npy('<U2', [3], utf32(['s1', 's2', 's1'], 2)), deflate: true, zip64: true },
    ]);
    check('npz', fuzzBytes('npz', 'data.npz', valid, (b) => {
      const a = parseNpz(b, 'data.npz', nodeZlib);
      if (a.x && a.y) npyTable(a.x, a.y, 'data.npz', { groups: a.groups ?? null });
    }));
  });

  const a = Array.from({ length: 40 }, (_, i) => Math.round(Math.sin(i / 4) * 600));
  const b = Array.from({ length: 40 }, (_, i) => (i * 37) % 200 - 100);
  const heaText = `100 2 360 40 0:0:0 01/01/2000\n100.dat 212 200 11 1024 ${a[0]} ${checksum(a)} 0 MLII\n100.dat 212 200(3)/mV 11 1024 ${b[0]} ${checksum(b)} 0 V5\n# 69 M\n`;
  const dat = fmt212(a.map((v, i) => [v, b[i]]));

  it('WFDB header (text mutants, hostile numbers), then its .dat', () => {
    check('wfdb-header', fuzzText('wfdb-header', '100.hea', heaText, (s) => parseWfdbHeader(s, '100.hea')));
    // Mutated headers against the valid .dat: every error names the header or the .dat.
    check('wfdb-header+dat', fuzzText('wfdb-header+dat', '100.', heaText, (s) => parseWfdbSignals(dat, parseWfdbHeader(s, '100.hea'), '100.dat')));
  });

  it('WFDB signals (format 212 with checksums; format 16 sized by the file)', () => {
    const header = parseWfdbHeader(heaText, '100.hea');
    check('wfdb-212', fuzzBytes('wfdb-212', '100.dat', dat, (x) => parseWfdbSignals(x, header, '100.dat')));
    const h16 = parseWfdbHeader('r 2 250\nr.dat 16+4 100(2)/mV 16 0\nr.dat 16 50 16 0\n', 'r.hea');
    const d16 = new Uint8Array([0, 0, 0, 0, ...fmt16(a.map((v, i) => [v, b[i]]))]);
    check('wfdb-16', fuzzBytes('wfdb-16', 'r.dat', d16, (x) => parseWfdbSignals(x, h16, 'r.dat')));
  });

  it('WFDB annotations (SKIP, NUM, AUX)', () => {
    const valid = annotations([
      { sample: 0, code: 28, aux: '(N' }, { sample: 90, code: 1 }, { sample: 400, code: 5, num: 2 }, { sample: 90_000, code: 1 },
      { sample: 90_300, code: 28, aux: '(AFIB' }, { sample: 90_600, code: 12 }, { sample: 91_000, code: 22, aux: 'noise' },
    ]);
    check('wfdb-atr', fuzzBytes('wfdb-atr', '100.atr', valid, (x) => parseWfdbAnnotations(x, '100.atr')));
  });

  it('WAV folder (one mutated clip beside a valid one) → MFCC table', () => {
    const samples = Array.from({ length: 1600 }, (_, i) => Math.round(Math.sin(i / 5) * 6000));
    const valid = riff(wavChunk('fmt ', wavFmt(1, 1, 8000, 16)), wavChunk('LIST', new Uint8Array(6)), wavChunk('data', int16Samples(samples)));
    const other = { name: '4_theo_0.wav', bytes: valid, label: '4', group: 'theo' };
    check('wav-folder', fuzzBytes('wav-folder', 'recordings', valid, (x) => wavTable([{ name: '3_jackson_0.wav', bytes: x, label: '3', group: 'jackson' }, other], 'recordings', {})));
  });

  it('size fields far larger than the file are refused before allocating', () => {
    expect(() => parseNpy(npy('<f8', [2 ** 40], new Uint8Array(8)), 'big.npy')).toThrow(/big\.npy: shape \(1099511627776\) claims/);
    expect(() => parseNpy(npy('<f8', [2 ** 20, 2 ** 9], new Uint8Array(8)), 'big.npy')).toThrow(/big\.npy: .* needs 4294967296 data bytes .* holds 8 \(the file is truncated\)/);
    const v2 = npy('<f4', [1], new Uint8Array(4), { version: 2 });
    new DataView(v2.buffer).setUint32(8, 0xfffffff0, true);
    expect(() => parseNpy(v2, 'big.npy')).toThrow(/big\.npy: the header claims 4294967280 bytes/);
    const z = zip([{ name: 'x.npy', data: npy('<f4', [4], new Uint8Array(16)), deflate: true }]);
    const cd = z.length - 22 - 46 - 5;
    new DataView(z.buffer).setUint32(cd + 24, 0xfffffff0, true); // the member's uncompressed size
    expect(() => parseNpz(z, 'big.npz', nodeZlib)).toThrow(/big\.npz: member 'x\.npy' claims 4294967280 bytes from \d+ compressed bytes/);
    const h = parseWfdbHeader('r 1 360 999999999999\nr.dat 16\n', 'r.hea');
    expect(() => parseWfdbSignals(new Uint8Array(8), h, 'r.dat')).toThrow(/r\.dat: the header r\.hea says 999999999999 samples per signal .* holds only 4/);
    const skip = Uint8Array.from([0, 59 << 2, 0xff, 0x7f, 0xff, 0xff, 5, 4, 0, 0]);
    expect(() => parseWfdbAnnotations(skip, 'big.atr')).toThrow(/big\.atr: the annotation at offset 6 falls at sample 2147483652/);
    const wav = riff(wavChunk('fmt ', wavFmt(1, 1, 8000, 16)), wavChunk('data', int16Samples([1, 2, 3, 4])));
    new DataView(wav.buffer).setUint32(wav.length - 12, 0xfffffff0, true);
    expect(() => wavTable([{ name: 'a.wav', bytes: wav, label: null, group: null }], 'clips', {})).toThrow(/clips: a\.wav: chunk 'data'/);
  });
});
