/** Tests for the safetensors codec: round trips, reference byte layout, hostile inputs. */

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  encodeSafetensors,
  loadSafetensors,
  saveSafetensors,
  SafetensorsError,
  type NamedArray,
} from '../../src/io/safetensors.js';

const SRC = 'x.safetensors';

/** Builds a file from a header string (padded here to 8 bytes) and raw data bytes. */
function buildFile(header: string, data: ArrayLike<number> = [], declaredLength?: number | bigint): Uint8Array {
  const json = Buffer.from(header, 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? padded), true);
  out.fill(0x20, 8, 8 + padded);
  out.set(json, 8);
  out.set(Array.from(data), 8 + padded);
  return out;
}

function entry(dtype: string, shape: unknown, offsets: unknown): string {
  return JSON.stringify({ dtype, shape, data_offsets: offsets });
}

function decodeError(bytes: Uint8Array): string {
  try {
    decodeSafetensors(bytes, SRC);
  } catch (err) {
    expect(err).toBeInstanceOf(SafetensorsError);
    const message = (err as Error).message;
    expect(message.startsWith(`${SRC}: `)).toBe(true);
    return message;
  }
  throw new Error('expected decodeSafetensors to throw');
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'tsdnas-'));
}

describe('round trips', () => {
  const all: Record<string, NamedArray> = {
    f32: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1.5, -0, NaN, Infinity, -3.4e38, 1e-45]) },
    f64: { dtype: 'float64', shape: [3], data: Float64Array.from([Math.PI, -Number.MAX_VALUE, Number.MIN_VALUE]) },
    i32: { dtype: 'int32', shape: [2, 2], data: Int32Array.from([-2147483648, 2147483647, 0, -1]) },
    i8: { dtype: 'int8', shape: [3], data: Int8Array.from([-128, 127, 0]) },
    u8: { dtype: 'uint8', shape: [1, 1, 3], data: Uint8Array.from([0, 255, 7]) },
    scalar: { dtype: 'float32', shape: [], data: Float32Array.from([42]) },
  };

  it('preserves every dtype bit for bit, with shapes and metadata', () => {
    const metadata = { format: 'tsdnas', epoch: '3', 'ünïcode ✓': 'välue "quoted"\n' };
    const { tensors, metadata: meta } = decodeSafetensors(encodeSafetensors(all, metadata));
    expect(meta).toEqual(metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(all).sort());
    for (const [name, original] of Object.entries(all)) {
      const got = tensors[name]!;
      expect(got.dtype).toBe(original.dtype);
      expect(got.shape).toEqual(original.shape);
      expect(got.data.constructor).toBe(original.data.constructor);
      expect(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength)).toEqual(
        Buffer.from(original.data.buffer, original.data.byteOffset, original.data.byteLength),
      );
    }
  });

  it('handles empty tensors, an empty file and metadata without tensors', () => {
    const empties: Record<string, NamedArray> = {
      none: { dtype: 'float32', shape: [0], data: new Float32Array(0) },
      hollow: { dtype: 'int8', shape: [2, 0, 3], data: new Int8Array(0) },
      one: { dtype: 'float64', shape: [1], data: Float64Array.from([2]) },
    };
    const back = decodeSafetensors(encodeSafetensors(empties)).tensors;
    expect(back['none']).toEqual(empties['none']);
    expect(back['hollow']).toEqual(empties['hollow']);
    expect(back['one']).toEqual(empties['one']);
    expect(decodeSafetensors(encodeSafetensors({}))).toEqual({ tensors: {}, metadata: {} });
    expect(decodeSafetensors(encodeSafetensors({}, { k: 'v' }))).toEqual({ tensors: {}, metadata: { k: 'v' } });
  });

  it('encodes views into larger buffers using only the viewed elements', () => {
    const big = Float32Array.from([9, 1, 2, 9]);
    const view = big.subarray(1, 3);
    const back = decodeSafetensors(encodeSafetensors({ v: { dtype: 'float32', shape: [2], data: view } }));
    expect(Array.from(back.tensors['v']!.data)).toEqual([1, 2]);
  });

  it('returns fresh aligned arrays even when the file bytes sit at an odd offset', () => {
    const file = encodeSafetensors({ w: { dtype: 'float64', shape: [2], data: Float64Array.from([1.25, -8]) } });
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const w = decodeSafetensors(shifted.subarray(1)).tensors['w']!;
    expect(w.data.byteOffset).toBe(0);
    expect(w.data.buffer).not.toBe(shifted.buffer);
    expect(Array.from(w.data)).toEqual([1.25, -8]);
  });

  it('saves atomically and loads from disk', () => {
    const dir = tmp();
    const file = join(dir, 'nested', 'ckpt.safetensors');
    saveSafetensors(file, all, { step: '7' });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['ckpt.safetensors']);
    const { tensors, metadata } = loadSafetensors(file);
    expect(metadata).toEqual({ step: '7' });
    expect(Array.from(tensors['i32']!.data)).toEqual([-2147483648, 2147483647, 0, -1]);
  });
});

describe('reference layout', () => {
  it('matches the reference writer byte for byte for a 2-tensor file with metadata', () => {
    // What Python's safetensors writes for {"a": int8 [-1, 0, 127], "b": float32 [1.5, -2]}
    // with metadata {"format": "pt"}: "__metadata__" first, then tensors by descending dtype
    // (F32 before I8, despite the names), compact JSON, spaces to a multiple of 8.
    const header =
      '{"__metadata__":{"format":"pt"},' +
      '"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"a":{"dtype":"I8","shape":[3],"data_offsets":[8,11]}}' +
      '      ';
    const expected = Uint8Array.from([
      0x90, 0, 0, 0, 0, 0, 0, 0, // 144-byte header, little-endian u64
      ...Buffer.from(header, 'utf8'),
      0x00, 0x00, 0xc0, 0x3f, // 1.5f
      0x00, 0x00, 0x00, 0xc0, // -2.0f
      0xff, 0x00, 0x7f, // int8 -1, 0, 127
    ]);
    expect(header.length).toBe(144);
    const ours = encodeSafetensors(
      {
        a: { dtype: 'int8', shape: [3], data: Int8Array.from([-1, 0, 127]) },
        b: { dtype: 'float32', shape: [2], data: Float32Array.from([1.5, -2]) },
      },
      { format: 'pt' },
    );
    expect(Buffer.from(ours)).toEqual(Buffer.from(expected));

    const { tensors, metadata } = decodeSafetensors(expected, 'ref.safetensors');
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors['a']).toEqual({ dtype: 'int8', shape: [3], data: Int8Array.from([-1, 0, 127]) });
    expect(tensors['b']).toEqual({ dtype: 'float32', shape: [2], data: Float32Array.from([1.5, -2]) });
  });

  it('matches the reference test vectors for one tensor, no tensors, and metadata only', () => {
    const attn = encodeSafetensors({ 'attn.0': { dtype: 'float32', shape: [1, 2, 3], data: Float32Array.from([0, 1, 2, 3, 4, 5]) } });
    expect(Array.from(attn)).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34,
      70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95,
      111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0,
      64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
    expect(Array.from(encodeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Buffer.from(encodeSafetensors({}, { framework: 'pt' })).toString('latin1')).toBe(
      '\x28\0\0\0\0\0\0\0{"__metadata__":{"framework":"pt"}}     ',
    );
  });

  it('aligns every tensor to its element size and sorts integer-like names bytewise', () => {
    const bytes = encodeSafetensors({
      b: { dtype: 'uint8', shape: [3], data: new Uint8Array(3) },
      '2': { dtype: 'int32', shape: [1], data: new Int32Array(1) },
      '10': { dtype: 'int32', shape: [1], data: new Int32Array(1) },
      d: { dtype: 'float64', shape: [1], data: new Float64Array(1) },
      c: { dtype: 'int8', shape: [1], data: new Int8Array(1) },
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8');
    const order = [...text.matchAll(/"([^"]+)":\{"dtype"/g)].map((m) => m[1]);
    expect(order).toEqual(['d', '10', '2', 'c', 'b']);
    const header = JSON.parse(text) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    const size: Record<string, number> = { F64: 8, I32: 4, I8: 1, U8: 1 };
    for (const info of Object.values(header)) expect((8 + n + info.data_offsets[0]) % size[info.dtype]!).toBe(0);
  });

  it('reads headers whose key order differs from the data order, as the reference reader does', () => {
    const file = buildFile(`{"late":${entry('U8', [1], [1, 2])},"early":${entry('U8', [1], [0, 1])}}`, [10, 20]);
    const { tensors } = decodeSafetensors(file);
    expect(Object.keys(tensors)).toEqual(['early', 'late']);
    expect(Array.from(tensors['late']!.data)).toEqual([20]);
  });

  it('widens F16 and BF16 exactly to float32', () => {
    const halves = [0x3c00, 0xc000, 0x3800, 0x7bff, 0x7c00, 0x0001, 0x8000, 0x7e00];
    const brains = [0x3f80, 0xc040];
    const data = [...halves, ...brains].flatMap((h) => [h & 0xff, h >> 8]);
    const file = buildFile(`{"h":${entry('F16', [8], [0, 16])},"b":${entry('BF16', [2], [16, 20])}}`, data);
    const { tensors } = decodeSafetensors(file);
    expect(tensors['h']!.dtype).toBe('float32');
    expect(Array.from(tensors['h']!.data)).toEqual([1, -2, 0.5, 65504, Infinity, 2 ** -24, -0, NaN]);
    expect(Object.is(tensors['h']!.data[6], -0)).toBe(true);
    expect(Array.from(tensors['b']!.data)).toEqual([1, -3]);
  });

  it('keeps a tensor named "__proto__" as plain data', () => {
    const { tensors } = decodeSafetensors(buildFile(`{"__proto__":${entry('U8', [1], [0, 1])}}`, [5]));
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(Array.from(tensors['__proto__']!.data)).toEqual([5]);
  });
});

describe('hostile input', () => {
  const f32 = (shape: unknown, offsets: unknown): string => entry('F32', shape, offsets);

  it('rejects a file too short for the header length', () => {
    expect(decodeError(new Uint8Array(5))).toMatch(/file is 5 bytes, too short for the 8-byte header length/);
  });

  it('rejects a header length larger than the file, before allocating', () => {
    expect(decodeError(buildFile('{}', [], 1000))).toMatch(/header length 1000 is larger than the 8 bytes that follow it/);
    expect(decodeError(buildFile('{}', [], 2n ** 63n))).toMatch(/header length 9223372036854775808 exceeds the 100000000-byte limit/);
  });

  it('rejects bad UTF-8, bad JSON and non-object headers', () => {
    const bad = buildFile('{"a":1}');
    bad[10] = 0xff;
    expect(decodeError(bad)).toMatch(/header is not valid UTF-8/);
    expect(decodeError(buildFile('{"a": [1, 2'))).toMatch(/header is not valid JSON/);
    expect(decodeError(buildFile('[1,2]'))).toMatch(/header must be a JSON object, got array/);
  });

  it('rejects unknown, unsupported and I64 dtypes, naming the tensor', () => {
    expect(decodeError(buildFile(`{"w":${entry('Q7', [1], [0, 4])}}`, [0, 0, 0, 0]))).toMatch(
      /tensor "w": unknown dtype "Q7"; expected one of F64, F32/,
    );
    expect(decodeError(buildFile(`{"mask":${entry('BOOL', [1], [0, 1])}}`, [1]))).toMatch(
      /tensor "mask": dtype BOOL is valid safetensors but not supported by tsdnas/,
    );
    expect(decodeError(buildFile(`{"bn.num_batches_tracked":${entry('I64', [], [0, 8])}}`, new Array(8).fill(0)))).toMatch(
      /tensor "bn\.num_batches_tracked": dtype I64 is not supported: tsdnas has no 64-bit integer tensors/,
    );
  });

  it('rejects malformed entries, shapes and offsets', () => {
    expect(decodeError(buildFile('{"w":3}'))).toMatch(/tensor "w": entry must be an object with dtype, shape and data_offsets, got number/);
    expect(decodeError(buildFile(`{"w":${f32([2, -1], [0, 4])}}`, [0, 0, 0, 0]))).toMatch(
      /tensor "w": shape must be a list of non-negative integers, got \[2,-1\]/,
    );
    expect(decodeError(buildFile(`{"w":${f32([1.5], [0, 4])}}`, [0, 0, 0, 0]))).toMatch(/shape must be a list of non-negative integers/);
    expect(decodeError(buildFile(`{"w":${f32([1], [0])}}`, [0, 0, 0, 0]))).toMatch(/tensor "w": data_offsets must be \[begin, end\]/);
    expect(decodeError(buildFile(`{"w":${f32([0], [4, 0])}}`, []))).toMatch(/data_offsets \[4, 0\] end before they begin/);
    expect(decodeError(buildFile(`{"w":${f32([2 ** 30, 2 ** 30], [0, 4])}}`, [0, 0, 0, 0]))).toMatch(/too many elements/);
  });

  it('rejects a shape that disagrees with its offsets', () => {
    const file = buildFile(`{"conv1.weight":${f32([3, 4], [0, 40])}}`, new Array(40).fill(0));
    expect(decodeError(file)).toBe('x.safetensors: tensor "conv1.weight": shape [3,4] needs 48 bytes but data_offsets span 40');
  });

  it('rejects offsets past the end of the buffer', () => {
    expect(decodeError(buildFile(`{"w":${f32([2], [0, 8])}}`, [0, 0, 0, 0]))).toMatch(
      /tensor "w": data_offsets \[0, 8\] run past the end of the 4-byte data buffer/,
    );
  });

  it('rejects overlapping offsets', () => {
    const file = buildFile(`{"a":${f32([4], [0, 16])},"b":${f32([4], [8, 24])}}`, new Array(24).fill(0));
    expect(decodeError(file)).toMatch(/tensor "b": data_offsets \[8, 24\] overlap tensor "a" \[0, 16\]/);
  });

  it('rejects gaps between tensors and before the first one', () => {
    const between = buildFile(`{"a":${f32([1], [0, 4])},"b":${f32([1], [8, 12])}}`, new Array(12).fill(0));
    expect(decodeError(between)).toMatch(/tensor "b": gap of 4 bytes between tensor "a" \(ends at 4\) and this tensor \(begins at 8\)/);
    const leading = buildFile(`{"a":${f32([1], [4, 8])}}`, new Array(8).fill(0));
    expect(decodeError(leading)).toMatch(/tensor "a": gap of 4 bytes between the start of the data buffer and this tensor/);
  });

  it('rejects trailing garbage after the last tensor', () => {
    const file = buildFile(`{"a":${f32([1], [0, 4])}}`, [0, 0, 0, 0, 1, 2, 3]);
    expect(decodeError(file)).toMatch(/3 bytes of trailing data after the last tensor \(tensors end at 4, data buffer is 7 bytes\)/);
    expect(decodeError(buildFile('{}', [1]))).toMatch(/1 bytes of trailing data/);
  });

  it('rejects metadata that is not string to string', () => {
    expect(decodeError(buildFile('{"__metadata__":{"epoch":3}}'))).toMatch(/"__metadata__" key "epoch" must map to a string, got number/);
    expect(decodeError(buildFile('{"__metadata__":[]}'))).toMatch(/"__metadata__" must be an object of string values, got array/);
  });

  it('names the file when loading from disk, and reports missing files', () => {
    const dir = tmp();
    const file = join(dir, 'broken.safetensors');
    writeFileSync(file, buildFile('{"a":', []));
    expect(() => loadSafetensors(file)).toThrow(new RegExp(`^${file.replace(/[.\\]/g, '\\$&')}: header is not valid JSON`));
    expect(() => loadSafetensors(join(dir, 'missing.safetensors'))).toThrow(/missing\.safetensors: cannot read safetensors file/);
  });
});

describe('encoder validation', () => {
  const ok: NamedArray = { dtype: 'float32', shape: [1], data: new Float32Array(1) };

  it('rejects inconsistent tensors with the tensor named', () => {
    const bad = (t: unknown) => () => encodeSafetensors({ w: t as NamedArray });
    expect(bad({ dtype: 'float32', shape: [2], data: new Int32Array(2) })).toThrow(
      /tensor "w": dtype is float32 so data must be a Float32Array, got Int32Array/,
    );
    expect(bad({ dtype: 'float32', shape: [3, 4], data: new Float32Array(10) })).toThrow(
      /tensor "w": shape \[3,4\] has 12 elements but data has 10/,
    );
    expect(bad({ dtype: 'float16', shape: [1], data: new Float32Array(1) })).toThrow(/dtype "float16" cannot be written/);
    expect(bad({ dtype: 'float32', shape: [-1], data: new Float32Array(1) })).toThrow(/shape must be a list of non-negative integers/);
    expect(() => encodeSafetensors({ __metadata__: ok })).toThrow(/the name is reserved for metadata/);
    expect(() => encodeSafetensors({ ['bad\uD800']: ok })).toThrow(/unpaired UTF-16 surrogate/);
    expect(() => encodeSafetensors({ w: ok }, { n: 3 as unknown as string })).toThrow(/metadata key "n" must map to a string, got number/);
  });

  it('writes nothing when validation fails', () => {
    const dir = tmp();
    const file = join(dir, 'bad.safetensors');
    expect(() => saveSafetensors(file, { w: { dtype: 'int8', shape: [2], data: new Int8Array(1) } })).toThrow(
      new RegExp(`bad\\.safetensors: tensor "w": shape \\[2\\] has 2 elements but data has 1`),
    );
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves an existing checkpoint untouched when a new save fails validation', () => {
    const dir = tmp();
    const file = join(dir, 'ckpt.safetensors');
    saveSafetensors(file, { w: ok });
    const before = readFileSync(file);
    expect(() => saveSafetensors(file, { w: { ...ok, shape: [2] } })).toThrow(SafetensorsError);
    expect(readFileSync(file)).toEqual(before);
  });
});
