/**
 * The pure binary-format parsers of a user's data: .npy / .npz, WFDB (header, signals,
 * annotations, beat and window tables) and WAV folders, on small files built here.
 */

import { describe, expect, it } from 'vitest';
import {
  npyTable, parseNpy, parseNpz, parseWfdbAnnotations, parseWfdbHeader, parseWfdbRecordSignals, parseWfdbSignals,
  wavTable, wfdbTable, groupFromName, type NpyArray, type WfdbRecord,
} from '../../../src/data/user/formats/binary.js';
import { crc32 } from '../../../src/data/user/formats/crc32.js';
import { nodeZlib } from '../../../src/platform/node.js';
import { crc32 as nodeCrc32 } from 'node:zlib';
import { int16Samples, riff, wavChunk, wavFmt } from '../builders.js';
import { annotations, checksum, fmt16, fmt212, npy, packed, utf32, zip } from './binaryBuilders.js';

const f32 = (v: number) => Math.fround(v);

describe('.npy', () => {
  const numeric: [string, 'f' | 'i' | 'u', 1 | 2 | 4 | 8, number[], string][] = [
    ['f2', 'f', 2, [1.5, -2, 0.25, 1024], 'Float32Array'],
    ['f4', 'f', 4, [1.5, -2.25, f32(0.1), f32(3e10)], 'Float32Array'],
    ['f8', 'f', 8, [0.1, -1e300, 5e-324, 2], 'Float64Array'],
    ['i1', 'i', 1, [-128, 127, 0, -1], 'Int32Array'],
    ['i2', 'i', 2, [-32768, 32767, 7, -9], 'Int32Array'],
    ['i4', 'i', 4, [-2147483648, 2147483647, 3, 0], 'Int32Array'],
    ['i8', 'i', 8, [-(2 ** 53), 2 ** 53, 42, -7], 'Float64Array'],
    ['u1', 'u', 1, [0, 255, 17, 1], 'Int32Array'],
    ['u2', 'u', 2, [0, 65535, 300, 1], 'Int32Array'],
    ['u4', 'u', 4, [0, 4294967295, 5, 1], 'Float64Array'],
    ['u8', 'u', 8, [0, 2 ** 53, 5, 1], 'Float64Array'],
  ];
  for (const [dt, kind, size, values, ctor] of numeric) {
    for (const le of [true, false]) {
      for (const version of [1, 2, 3] as const) {
        it(`${dt} ${le ? 'little' : 'big'}-endian, format v${version}`, () => {
          const order = size === 1 ? '|' : le ? '<' : '>';
          const a = parseNpy(npy(`${order}${dt}`, [2, 2], packed(values, kind, size, le), { version }), 'a.npy');
          expect(a.dtype).toBe(dt);
          expect(a.shape).toEqual([2, 2]);
          expect(a.data.constructor.name).toBe(ctor);
          expect(Array.from(a.data as ArrayLike<number>)).toEqual(values);
        });
      }
    }
  }

  it('bool, scalars and empty arrays', () => {
    const b = parseNpy(npy('|b1', [4], Uint8Array.from([0, 1, 2, 0])), 'b.npy');
    expect(b).toEqual({ dtype: 'b1', shape: [4], data: Int32Array.from([0, 1, 1, 0]) });
    expect(parseNpy(npy('<f8', [], packed([7], 'f', 8)), 's.npy').data).toEqual(Float64Array.from([7]));
    expect(parseNpy(npy('<f4', [0, 5], new Uint8Array(0)), 'e.npy').shape).toEqual([0, 5]);
  });

  it('int64 values beyond 2^53 are refused with the index', () => {
    const bytes = npy('<i8', [2], concat8(packed([1], 'i', 8), big64(2n ** 60n)));
    expect(() => parseNpy(bytes, 'big.npy')).toThrow(/big\.npy: value 1152921504606846976 at index 1 .*beyond ±2\^53/);
  });

  it('Fortran order is transposed to C order (2-D and 3-D)', () => {
    // C array [[0,1,2],[3,4,5]] stored column-major: 0 3 1 4 2 5.
    const a = parseNpy(npy('<f4', [2, 3], packed([0, 3, 1, 4, 2, 5], 'f', 4), { fortran: true }), 'f.npy');
    expect(Array.from(a.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
    const shape = [2, 3, 4];
    const c = Array.from({ length: 24 }, (_, i) => i);
    const fortran = new Array<number>(24);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) fortran[i + 2 * j + 6 * k] = c[i * 12 + j * 4 + k];
    const b = parseNpy(npy('<i4', shape, packed(fortran, 'i', 4), { fortran: true }), 'f3.npy');
    expect(Array.from(b.data as Int32Array)).toEqual(c);
    const s = parseNpy(npy('<U2', [2, 2], utf32(['a', 'c', 'b', 'd'], 2), { fortran: true }), 'fs.npy');
    expect(s.data).toEqual(['a', 'b', 'c', 'd']);
  });

  it('string labels: <U (UTF-32, both byte orders, non-ASCII) and |S', () => {
    expect(parseNpy(npy('<U5', [3], utf32(['N', 'yes', 'héllo'], 5)), 'y.npy')).toEqual({ dtype: 'U5', shape: [3], data: ['N', 'yes', 'héllo'] });
    expect(parseNpy(npy('>U2', [2], utf32(['心', '3'], 2, false)), 'y.npy').data).toEqual(['心', '3']);
    const s = new Uint8Array(6);
    s.set(new TextEncoder().encode('abc'), 0);
    s.set(new TextEncoder().encode('d'), 3);
    expect(parseNpy(npy('|S3', [2], s), 'y.npy').data).toEqual(['abc', 'd']);
  });

  it('refuses pickles, unsupported dtypes and corrupt files, naming the file', () => {
    expect(() => parseNpy(npy('|O', [2], new Uint8Array(16)), 'labels.npy')).toThrow(/labels\.npy: object array .*allow_pickle=False.*astype\(str\)|labels\.npy: object array .*astype\(str\).*allow_pickle=False/);
    expect(() => parseNpy(npy('<c8', [1], new Uint8Array(8)), 'c.npy')).toThrow(/c\.npy: dtype '<c8' is not supported/);
    expect(() => parseNpy(npy('<M8[ns]', [1], new Uint8Array(8)), 'd.npy')).toThrow(/d\.npy: dtype '<M8\[ns\]' is not supported/);
    const structured = new TextEncoder().encode("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }\n");
    expect(() => parseNpy(withHeader(structured, new Uint8Array(4)), 's.npy')).toThrow(/s\.npy: structured arrays/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3]), 'x.npy')).toThrow(/x\.npy: not a NumPy \.npy file/);
    const ok = npy('<f4', [4], packed([1, 2, 3, 4], 'f', 4));
    expect(() => parseNpy(ok.subarray(0, ok.length - 3), 't.npy')).toThrow(/t\.npy: shape \(4\) of f4 needs 16 data bytes at offset 128, but the file holds 13 \(the file is truncated\)/);
    expect(() => parseNpy(npy('<f4', [1e6, 1e6], new Uint8Array(0)), 'h.npy')).toThrow(/h\.npy: shape \(1000000, 1000000\) claims/);
    const bad = new TextEncoder().encode("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }\n");
    expect(() => parseNpy(withHeader(bad, new Uint8Array(8)), 'n.npy')).toThrow(/n\.npy: \.npy header: shape entry -1/);
    const deep = new TextEncoder().encode('('.repeat(5000));
    expect(() => parseNpy(withHeader(deep, new Uint8Array(0)), 'deep.npy')).toThrow(/deep\.npy: \.npy header: nesting/);
  });
});

describe('.npz', () => {
  const x = npy('<f4', [2, 3], packed([1, 2, 3, 4, 5, 6], 'f', 4));
  const y = npy('<i8', [2], packed([3, 7], 'i', 8));
  const names = npy('<U4', [2], utf32(['ann', 'bob'], 4));

  it('stored and deflated members, including the ZIP64 form NumPy writes', () => {
    const bytes = zip([
      { name: 'x.npy', data: x },
      { name: 'y.npy', data: y, deflate: true },
      { name: 'groups.npy', data: names, deflate: true, zip64: true },
      { name: 'README.txt', data: new TextEncoder().encode('not an array') },
    ]);
    const a = parseNpz(bytes, 'd.npz', nodeZlib);
    expect(Object.keys(a)).toEqual(['x', 'y', 'groups']);
    expect(Array.from(a.x.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(a.y.data as Float64Array)).toEqual([3, 7]);
    expect(a.groups.data).toEqual(['ann', 'bob']);
  });

  it('crc32 agrees with zlib', () => {
    for (const b of [new Uint8Array(0), x, y, new TextEncoder().encode('123456789')]) expect(crc32(b)).toBe(nodeCrc32(b) >>> 0);
  });

  it('refuses corrupt members, unknown methods and missing inflateRaw, naming the archive and member', () => {
    const stored = zip([{ name: 'x.npy', data: x }]);
    stored[40 + 10] ^= 0xff; // inside the member's data
    expect(() => parseNpz(stored, 'c.npz', nodeZlib)).toThrow(/c\.npz: member 'x\.npy': CRC-32 0x[0-9a-f]{8} does not match/);
    const method = zip([{ name: 'x.npy', data: x }]);
    const cd = method.length - 22 - 46 - 5;
    new DataView(method.buffer).setUint16(cd + 10, 12, true);
    expect(() => parseNpz(method, 'm.npz', nodeZlib)).toThrow(/m\.npz: member 'x\.npy' uses compression method 12 \(bzip2\)/);
    const deflated = zip([{ name: 'x.npy', data: x, deflate: true }]);
    expect(() => parseNpz(deflated, 'z.npz', { gunzip: (b) => b, inflate: (b) => b })).toThrow(/z\.npz: member 'x\.npy' is deflate-compressed and the Zlib adapter given has no inflateRaw/);
    expect(() => parseNpz(new Uint8Array(100), 'n.npz', nodeZlib)).toThrow(/n\.npz: not a ZIP/);
    expect(() => parseNpz(zip([{ name: 'a.txt', data: x }]), 'e.npz', nodeZlib)).toThrow(/e\.npz: the archive holds no \.npy arrays/);
    expect(() => parseNpz(deflated.subarray(0, 60), 't.npz', nodeZlib)).toThrow(/t\.npz/);
    const inner = zip([{ name: 'x.npy', data: x.subarray(0, x.length - 4) }]);
    expect(() => parseNpz(inner, 'i.npz', nodeZlib)).toThrow(/i\.npz: x\.npy: shape \(2, 3\) of f4 needs 24 data bytes/);
  });
});

describe('npyTable', () => {
  const arr = (dtype: string, shape: number[], data: NpyArray['data']): NpyArray => ({ dtype, shape, data });

  it('[n, L] is one channel; [n, C, L] channels first; [n, L, C] with channelsLast', () => {
    const t1 = npyTable(arr('f8', [2, 3], Float64Array.from([1, 2, 3, 4, 5, 6])), null, 'x.npy');
    expect(t1).toMatchObject({ channels: 1, lengths: [3, 3], labels: null, groups: null, rowNames: ['x[0]', 'x[1]'] });
    expect(Array.from(t1.series[1])).toEqual([4, 5, 6]);
    const t2 = npyTable(arr('f4', [1, 2, 3], Float32Array.from([1, 2, 3, 4, 5, 6])), null, 'x.npy');
    expect(t2.channels).toBe(2);
    expect(Array.from(t2.series[0])).toEqual([1, 2, 3, 4, 5, 6]);
    // [1, L=3, C=2]: steps (1,4) (2,5) (3,6) → channel 0 = 1 2 3, channel 1 = 4 5 6.
    const t3 = npyTable(arr('i4', [1, 3, 2], Int32Array.from([1, 4, 2, 5, 3, 6])), null, 'x.npy', { channelsLast: true });
    expect(t3.channels).toBe(2);
    expect(t3.lengths).toEqual([3]);
    expect(Array.from(t3.series[0])).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('labels and groups as text: integers as integers, float32 at their shortest, strings as they are', () => {
    const x = arr('f4', [3, 2], new Float32Array(6));
    expect(npyTable(x, arr('i8', [3], Float64Array.from([3, 0, -1])), 's').labels).toEqual(['3', '0', '-1']);
    expect(npyTable(x, arr('f8', [3, 1], Float64Array.from([3, 2.5, 0.1])), 's').labels).toEqual(['3', '2.5', '0.1']);
    expect(npyTable(x, arr('f4', [3], Float32Array.from([0.1, 1, 1e-7])), 's').labels).toEqual(['0.1', '1', '1e-7']);
    expect(npyTable(x, arr('b1', [3], Int32Array.from([1, 0, 1])), 's').labels).toEqual(['True', 'False', 'True']);
    const t = npyTable(x, arr('U3', [3], ['N', 'yes', '3']), 's', { groups: arr('i4', [3], Int32Array.from([7, 7, 9])) });
    expect(t.labels).toEqual(['N', 'yes', '3']);
    expect(t.groups).toEqual(['7', '7', '9']);
  });

  it('errors name the array and the shapes', () => {
    const x = arr('f4', [3, 2], new Float32Array(6));
    expect(() => npyTable(x, arr('i4', [4], new Int32Array(4)), 'd.npz')).toThrow('d.npz: y has shape [4] but x has 3 samples; expected [3]');
    expect(() => npyTable(x, null, 'd.npz', { groups: arr('i4', [3, 2], new Int32Array(6)) })).toThrow('d.npz: groups has shape [3, 2] but x has 3 samples; expected [3]');
    expect(() => npyTable(arr('f4', [6], new Float32Array(6)), null, 'd.npz')).toThrow(/d\.npz: x has shape \[6\]; expected \[n, L\]/);
    expect(() => npyTable(arr('f4', [1, 1, 2, 3], new Float32Array(6)), null, 'd.npz')).toThrow(/reshape/);
    expect(() => npyTable(arr('U1', [2, 1], ['a', 'b']), null, 'd.npz')).toThrow(/d\.npz: x holds text/);
  });
});

describe('WFDB header', () => {
  it('MIT-BIH style header with comments', () => {
    const h = parseWfdbHeader('100 2 360 650000 0:0:0 01/01/2000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 212 200 11 1024 1011 20052 0 V5\n# 69 M 1085 1629 x1\n# Aldomet, Inderal\n', '100.hea');
    expect(h).toMatchObject({ name: '100', fs: 360, nsamp: 650000, baseTime: '0:0:0', baseDate: '01/01/2000', comments: ['69 M 1085 1629 x1', 'Aldomet, Inderal'] });
    expect(h.signals[0]).toEqual({
      fileName: '100.dat', format: 212, byteOffset: 0, gain: 200, baseline: 1024, units: 'mV', adcResolution: 11, adcZero: 1024,
      initialValue: 995, checksum: -22131, blockSize: 0, description: 'MLII',
    });
  });

  it('optional fields, counter frequency, baseline/units, byte offset, descriptions with spaces', () => {
    const h = parseWfdbHeader('rec 1\r\nrec.dat 16\r\n', 'rec.hea');
    expect(h).toMatchObject({ fs: 250, nsamp: null, counterFreq: null, baseTime: null });
    expect(h.signals[0]).toMatchObject({ gain: 200, baseline: 0, units: 'mV', adcResolution: 16, adcZero: 0, checksum: null, description: '' });
    const g = parseWfdbHeader('r 1 128.5/0.5(12) 0\nr.dat 16+24 0(-5)/uV 12 3 7 -1 0 Lead II (chest)\n', 'r.hea');
    expect(g).toMatchObject({ fs: 128.5, counterFreq: 0.5, baseCounter: 12, nsamp: null });
    expect(g.signals[0]).toMatchObject({ byteOffset: 24, gain: 200, baseline: -5, units: 'uV', adcZero: 3, initialValue: 7, description: 'Lead II (chest)' });
    expect(parseWfdbHeader('r 1 360\nr.dat 212x1:0 100\n', 'r.hea').signals[0].format).toBe(212);
    expect(parseWfdbHeader('r 1 360\nr.dat 80\n', 'r.hea').signals[0].adcResolution).toBe(8);
  });

  it('refuses what the reader cannot decode, naming the file and line', () => {
    expect(() => parseWfdbHeader('multi/3 2 360 100\n', 'm.hea')).toThrow(/m\.hea line 1: 'multi\/3' is a multi-segment record \(3 segments\)/);
    expect(() => parseWfdbHeader('r 1 360\nr.dat 8\n', 'r.hea')).toThrow(/r\.hea line 2: signal format 8 is not supported/);
    expect(() => parseWfdbHeader('r 1 360\nr.dat 310 200\n', 'r.hea')).toThrow(/signal format 310 is not supported/);
    expect(() => parseWfdbHeader('r 1 360\nr.dat 212x2 200\n', 'r.hea')).toThrow(/r\.hea line 2: 2 samples per frame/);
    expect(() => parseWfdbHeader('r 1 360\nr.dat 16:3\n', 'r.hea')).toThrow(/skew 3/);
    expect(() => parseWfdbHeader('r 2 360\n# c\nr.dat 16\n', 'r.hea')).toThrow(/r\.hea line 1: the record line declares 2 signals but 1 signal lines follow/);
    expect(() => parseWfdbHeader('r 1 360\nr.dat 16\nr.dat 16\n', 'r.hea')).toThrow(/r\.hea line 3: more signal lines/);
    expect(() => parseWfdbHeader('r 1 -5\n', 'r.hea')).toThrow(/sampling frequency '-5'/);
    expect(() => parseWfdbHeader('r x\n', 'r.hea')).toThrow(/r\.hea line 1: number of signals 'x' is not an integer/);
    expect(() => parseWfdbHeader('r 1 360\nr.dat 16 abc\n', 'r.hea')).toThrow(/r\.hea line 2: gain field 'abc'/);
    expect(() => parseWfdbHeader('# only\n', 'r.hea')).toThrow(/r\.hea: no record line/);
  });
});

describe('WFDB signals', () => {
  it('format 16: two interleaved signals, physical units, invalid samples, checksums', () => {
    const a = [0, 100, -200, -32768, 50];
    const b = [10, 20, 30, 40, 50];
    const header = parseWfdbHeader(`r 2 100 5\nr.dat 16 100(10)/mV 16 0 0 ${checksum(a)} 0 ECG\nr.dat 16 2/mmHg 16 0 0 ${checksum(b)} 0 BP\n`, 'r.hea');
    const [x, y] = parseWfdbSignals(fmt16(a.map((v, i) => [v, b[i]])), header, 'data/r.dat');
    expect(Array.from(x)).toEqual([-0.1, 0.9, -2.1, NaN, 0.4].map(f32));
    expect(Array.from(y)).toEqual([5, 10, 15, 20, 25]);
    const wrong = parseWfdbHeader(`r 2 100 5\nr.dat 16 100 16 0 0 ${checksum(a) + 1}\nr.dat 16\n`, 'w.hea');
    expect(() => parseWfdbSignals(fmt16(a.map((v, i) => [v, b[i]])), wrong, 'r.dat')).toThrow(/r\.dat: signal 0 \(unnamed\) fails its checksum \(header w\.hea/);
  });

  it('format 212: an odd number of signals, negatives, invalid marker, length from the file size', () => {
    const frames = [[0, 2047, -1], [-2048, 5, -2047], [100, -100, 1], [7, 8, 9]];
    const header = parseWfdbHeader('r 3 250\nr.dat 212 1\nr.dat 212 1\nr.dat 212 2(1)\n', 'r.hea');
    const out = parseWfdbSignals(fmt212(frames), header, 'r.dat');
    expect(out.map((s) => Array.from(s))).toEqual([
      [0, NaN, 100, 7],
      [2047, 5, -100, 8],
      [-1, -2047, 1, 9].map((v) => (v - 1) / 2),
    ]);
  });

  it('byte offsets, signals in several files, and errors naming the .dat', () => {
    const header = parseWfdbHeader('r 2 100 3\na.dat 16+4 1\nb.dat 212 1\n', 'r.hea');
    const a = new Uint8Array([9, 9, 9, 9, ...fmt16([[1], [2], [3]])]);
    const b = fmt212([[4], [5], [6]]);
    expect(parseWfdbRecordSignals({ 'a.dat': a, 'b.dat': b }, header).map((s) => Array.from(s))).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(parseWfdbSignals(b, header, 'b.dat').length).toBe(1);
    expect(() => parseWfdbSignals(b, header, 'c.dat')).toThrow(/c\.dat: the header r\.hea names no signal in this file \(its signals are in a\.dat, b\.dat\)/);
    expect(() => parseWfdbRecordSignals({ 'a.dat': a }, header)).toThrow(/r\.hea: signal file 'b\.dat' was not given/);
    expect(() => parseWfdbSignals(a.subarray(0, 8), header, 'a.dat')).toThrow(/a\.dat: the header r\.hea says 3 samples per signal \(1 signal, format 16\) but the file holds only 2/);
  });
});

describe('WFDB annotations', () => {
  it('reads SKIP, NUM, AUX and the standard symbols', () => {
    const atr = annotations([
      { sample: 0, code: 28, aux: '(N' },
      { sample: 18, code: 1 },
      { sample: 300, code: 5, num: 1 },
      { sample: 200_000, code: 1 },
      { sample: 200_010, code: 28, aux: '(AFIB' },
      { sample: 200_500, code: 12 },
      { sample: 200_600, code: 15 },
    ]);
    const a = parseWfdbAnnotations(atr, '100.atr');
    expect(Array.from(a.sample)).toEqual([0, 18, 300, 200_000, 200_010, 200_500, 200_600]);
    expect(a.symbol).toEqual(['+', 'N', 'V', 'N', '+', '/', '[15]']);
    expect(a.aux).toEqual(['(N', null, null, null, '(AFIB', null, null]);
    expect(parseWfdbAnnotations(annotations([{ sample: 5, code: 8 }], false), 'x.atr').symbol).toEqual(['A']);
  });

  it('errors name the file and the offset', () => {
    const atr = annotations([{ sample: 3, code: 1, aux: 'abcdef' }]);
    expect(() => parseWfdbAnnotations(atr.subarray(0, 7), 'a.atr')).toThrow(/a\.atr: AUX at offset 2 claims 6 bytes but only 3 remain/);
    expect(() => parseWfdbAnnotations(Uint8Array.from([0, 59 << 2, 0]), 'b.atr')).toThrow(/b\.atr: SKIP at offset 0 needs 4 more bytes/);
    expect(() => parseWfdbAnnotations(Uint8Array.from([5, 63 << 2]), 'c.atr')).toThrow(/c\.atr: AUX text at offset 0 comes before any annotation/);
    expect(() => parseWfdbAnnotations(Uint8Array.from([5, 4, 1]), 'd.atr')).toThrow(/d\.atr: a lone byte at offset 2/);
  });
});

describe('wfdbTable', () => {
  const fs = 100;
  const rec = (name: string, n: number, anns: { sample: number; code: number; aux?: string }[], nsig = 2, rate = fs): WfdbRecord => {
    const header = parseWfdbHeader(`${name} ${nsig} ${rate} ${n}\n${Array.from({ length: nsig }, (_, i) => `${name}.dat 16 1 16 0 0 0 0 ${['MLII', 'V5', 'V1'][i]}`).join('\n')}\n`, `${name}.hea`);
    const signals = Array.from({ length: nsig }, (_, c) => Float32Array.from({ length: n }, (_, t) => t + 1000 * c));
    return { name, header, signals, annotations: anns.length ? parseWfdbAnnotations(annotations(anns), `${name}.atr`) : null };
  };

  it('beats: windows around kept beat symbols; edges and non-beats skipped; groups per record', () => {
    const r1 = rec('101', 1000, [{ sample: 10, code: 1 }, { sample: 100, code: 1 }, { sample: 400, code: 5 }, { sample: 500, code: 28, aux: '(N' }, { sample: 980, code: 8 }]);
    const r2 = rec('102', 600, [{ sample: 300, code: 8 }, { sample: 310, code: 14 }]);
    const t = wfdbTable([r1, r2], { mode: 'beats' });
    expect(t.channels).toBe(2);
    expect(t.lengths).toEqual([70, 70, 70]);
    expect(t.labels).toEqual(['N', 'V', 'A']);
    expect(t.groups).toEqual(['101', '101', '102']);
    expect(t.rowNames).toEqual(['rec 101 beat 1 (sample 100)', 'rec 101 beat 2 (sample 400)', 'rec 102 beat 0 (sample 300)']);
    expect(t.channelNames).toEqual(['MLII', 'V5']);
    expect(t.rate).toBe(100);
    expect(t.series[0][0]).toBe(75); // 100 − 25 samples
    expect(t.series[0][70]).toBe(1075); // channel 1 starts after channel 0's 70 values
    const one = wfdbTable([r1], { mode: 'beats', channels: ['V5'], before: 0.1, after: 0.1, symbols: ['V'] });
    expect(one).toMatchObject({ channels: 1, lengths: [20], labels: ['V'], channelNames: ['V5'] });
    expect(one.series[0][0]).toBe(1390);
  });

  it('windows: majority beat, else the rhythm in force; unannotated records give no labels', () => {
    const r = rec('200', 1000, [
      { sample: 0, code: 28, aux: '(AFIB' }, { sample: 50, code: 1 }, { sample: 60, code: 5 }, { sample: 70, code: 5 },
      { sample: 450, code: 28, aux: '(N' }, { sample: 650, code: 1 },
    ]);
    const t = wfdbTable([r], { mode: 'windows', window: 2, stride: 2 });
    expect(t.labels).toEqual(['V', '(AFIB', '(N', 'N', '(N']);
    expect(t.rowNames![0]).toBe('rec 200 window 0 (samples 0–199)');
    expect(wfdbTable([r], { mode: 'windows', window: 2, windowLabel: 'rhythm' }).labels!.slice(0, 3)).toEqual(['(AFIB', '(AFIB', '(N']);
    const bare = wfdbTable([rec('300', 450, [])], { mode: 'windows', window: 1.5, stride: 1 });
    expect(bare).toMatchObject({ labels: null, groups: ['300', '300', '300', '300'], lengths: [150, 150, 150, 150] });
  });

  it('refuses mixed rates, missing channels, mixed annotations', () => {
    expect(() => wfdbTable([rec('a', 500, [{ sample: 100, code: 1 }]), rec('b', 500, [{ sample: 100, code: 1 }], 2, 250)], { mode: 'beats' })).toThrow(/record b is sampled at 250 Hz but record a at 100 Hz/);
    expect(() => wfdbTable([rec('a', 500, [{ sample: 100, code: 1 }])], { mode: 'beats', channels: ['V2'] })).toThrow(/record a has no signal "V2"; it has 0 MLII, 1 V5/);
    expect(() => wfdbTable([rec('a', 500, [{ sample: 100, code: 1 }]), rec('b', 500, [])], { mode: 'windows', window: 1 })).toThrow(/record b has no annotations but others do/);
    expect(() => wfdbTable([rec('a', 500, [{ sample: 100, code: 1 }]), rec('b', 500, [{ sample: 100, code: 1 }], 3)], { mode: 'beats' })).toThrow(/record b has 3 signals but record a has 2/);
    expect(() => wfdbTable([rec('a', 500, [])], { mode: 'beats' })).toThrow(/beats mode needs annotation files/);
    expect(() => wfdbTable([rec('a', 500, [])], { mode: 'windows', window: 1, stride: 0.001 })).toThrow(/under one sample/);
  });
});

describe('WAV folders', () => {
  const tone = (rate: number, seconds: number, hz: number) => {
    const n = Math.round(rate * seconds);
    return riff(wavChunk('fmt ', wavFmt(1, 1, rate, 16)), wavChunk('data', int16Samples(Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate))))));
  };
  const clips = [
    { name: '3_jackson_0.wav', bytes: tone(8000, 0.6, 440), label: '3', group: 'jackson' },
    { name: '4_nicolas_1.wav', bytes: tone(16000, 1.3, 300), label: '4', group: 'nicolas' },
  ];

  it('MFCC: 10 coefficients × 49 frames at 8 kHz, 1 s', () => {
    const t = wavTable(clips, 'recordings', {});
    expect(t).toMatchObject({ channels: 10, lengths: [49, 49], labels: ['3', '4'], groups: ['jackson', 'nicolas'], rowNames: ['3_jackson_0.wav', '4_nicolas_1.wav'], rate: 50 });
    expect(t.series[0].length).toBe(490);
    expect(t.series.every((s) => s.every(Number.isFinite))).toBe(true);
  });

  it('raw: one channel, padded at the end or centre-cropped; other rates and lengths', () => {
    const t = wavTable(clips, 'recordings', { features: 'raw' });
    expect(t).toMatchObject({ channels: 1, lengths: [8000, 8000], rate: 8000 });
    expect(t.series[0].subarray(4800).every((v) => v === 0)).toBe(true);
    expect(t.series[0][1]).toBeCloseTo(Math.round(8000 * Math.sin((2 * Math.PI * 440) / 8000)) / 32768, 6);
    const u = wavTable(clips, 'recordings', { rate: 16000, seconds: 0.5 });
    expect(u.lengths).toEqual([1 + Math.floor((8000 - 480) / 320), 1 + Math.floor((8000 - 480) / 320)]);
  });

  it('groupFromName reads FSDD speaker ids or a given pattern', () => {
    expect(groupFromName('recordings/3_jackson_12.wav')).toBe('jackson');
    expect(groupFromName('noise.wav')).toBeNull();
    expect(groupFromName('s07-yes-2.wav', /^(s\d+)-/)).toBe('s07');
    expect(groupFromName('s07-yes-2.wav', /s\d+/)).toBe('s07');
  });

  it('errors name the folder and the clip', () => {
    const broken = { name: '5_theo_3.wav', bytes: tone(8000, 0.1, 100).subarray(0, 30), label: '5', group: 'theo' };
    expect(() => wavTable([...clips, broken], 'recordings', {})).toThrow(/^recordings: 5_theo_3\.wav: /);
    expect(() => wavTable([clips[0], { ...clips[1], label: null }], 'recordings', {})).toThrow(/recordings: clip 4_nicolas_1\.wav has no label but 3_jackson_0\.wav has one/);
    expect(() => wavTable([], 'recordings', {})).toThrow(/recordings: no WAV clips/);
    expect(() => wavTable(clips, 'recordings', { seconds: 0.01 })).toThrow(/recordings: seconds must give/);
    const slow = { ...clips[0], bytes: tone(8000, 0.1, 100) };
    new DataView(slow.bytes.buffer).setUint32(24, 12, true); // sample rate 12 Hz
    new DataView(slow.bytes.buffer).setUint32(28, 24, true);
    expect(() => wavTable([slow], 'recordings', {})).toThrow(/recordings: 3_jackson_0\.wav: sample rate 12 Hz is outside/);
  });
});

function concat8(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function big64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, v, true);
  return b;
}

/** A v1 .npy with a header given verbatim. */
function withHeader(header: Uint8Array, payload: Uint8Array): Uint8Array {
  const head = new Uint8Array(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(head.buffer).setUint16(8, header.length, true);
  return concat8(head, header, payload);
}
