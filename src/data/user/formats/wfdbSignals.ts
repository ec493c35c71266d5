/**
 * PhysioNet WFDB signal (.dat) reader: digital samples → physical units, (d − baseline) / gain.
 *
 * Signals that share a file are interleaved frame by frame (one sample of each per frame).
 * Format 212 packs two 12-bit two's-complement samples in 3 bytes (the pairs run across the
 * interleaved stream, so an odd number of signals shares bytes between frames); 16 is int16
 * little-endian, 61 int16 big-endian, 80 8-bit offset binary, 24 / 32 little-endian int24 /
 * int32. The smallest value of each format marks an invalid sample and becomes NaN.
 * The sample count comes from the header, or from the file size when the header leaves it out;
 * a file shorter than the header says is refused before anything is allocated.
 */

import { MAX_VALUES } from '../table.js';
import type { WfdbHeader, WfdbSignalSpec } from './wfdbHeader.js';

const BITS: Record<number, number> = { 16: 16, 212: 12, 80: 8, 61: 16, 24: 24, 32: 32 };
const INVALID: Record<number, number> = { 16: -32768, 212: -2048, 80: -128, 61: -32768, 24: -8388608, 32: -2147483648 };

/** The file part of a path (headers name files without directories). */
function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/**
 * The signals stored in `dat` (the file `fileName`), in header order, in physical units. For
 * the usual record with one .dat file that is every signal; a record spread over several files
 * is read with parseWfdbRecordSignals.
 */
export function parseWfdbSignals(dat: Uint8Array, header: WfdbHeader, fileName: string): Float32Array[] {
  const file = baseName(fileName);
  const specs = header.signals.filter((s) => s.fileName === file);
  if (specs.length === 0) {
    const files = [...new Set(header.signals.map((s) => s.fileName))];
    throw new Error(`${fileName}: the header ${header.source} names no signal in this file (its signals are in ${files.join(', ') || 'no file'}); pass the matching .dat file`);
  }
  return decodeGroup(dat, specs, header, fileName);
}

/** Every signal of the header, in header order, from its files (keyed by the names the header uses). */
export function parseWfdbRecordSignals(files: Record<string, Uint8Array>, header: WfdbHeader): Float32Array[] {
  const out = new Map<WfdbSignalSpec, Float32Array>();
  for (const file of new Set(header.signals.map((s) => s.fileName))) {
    const dat = Object.hasOwn(files, file) ? files[file] : undefined;
    if (dat === undefined) throw new Error(`${header.source}: signal file '${file}' was not given; put it next to the header`);
    const specs = header.signals.filter((s) => s.fileName === file);
    decodeGroup(dat, specs, header, file).forEach((x, i) => out.set(specs[i], x));
  }
  return header.signals.map((s) => out.get(s)!);
}

function decodeGroup(dat: Uint8Array, specs: WfdbSignalSpec[], header: WfdbHeader, fileName: string): Float32Array[] {
  const format = specs[0].format;
  const bits = BITS[format];
  if (bits === undefined) throw new Error(`${fileName}: signal format ${format} is not supported (header ${header.source})`);
  if (specs.some((s) => s.format !== format)) {
    throw new Error(`${fileName}: the header ${header.source} gives its signals different formats (${specs.map((s) => s.format).join(', ')}); one file holds one format`);
  }
  const offset = specs[0].byteOffset;
  const g = specs.length;
  if (offset > dat.length) throw new Error(`${fileName}: the header ${header.source} says the samples start at byte ${offset} but the file has ${dat.length} bytes`);
  const framesPresent = Math.floor(Math.floor(((dat.length - offset) * 8) / bits) / g);
  const n = header.nsamp ?? framesPresent;
  if (n > framesPresent) {
    throw new Error(`${fileName}: the header ${header.source} says ${n} samples per signal (${g} signal${g > 1 ? 's' : ''}, format ${format}) but the file holds only ${framesPresent} (truncated, or the wrong .dat)`);
  }
  if (n * g > MAX_VALUES) throw new Error(`${fileName}: ${n} samples × ${g} signals is more than ${MAX_VALUES} values`);
  const view = new DataView(dat.buffer, dat.byteOffset, dat.byteLength);
  const read = reader(format, dat, view, offset);
  const invalid = INVALID[format];
  const out = specs.map(() => new Float32Array(n));
  const sums = new Array<number>(g).fill(0);
  for (let t = 0; t < n; t++) {
    for (let s = 0; s < g; s++) {
      const d = read(t * g + s);
      sums[s] += d;
      out[s][t] = d === invalid ? NaN : (d - specs[s].baseline) / specs[s].gain;
    }
  }
  // The checksum covers the whole record, so it is only meaningful when all of it was read.
  if (header.nsamp !== null) {
    specs.forEach((spec, s) => {
      if (spec.checksum !== null && (((sums[s] - spec.checksum) % 65536) + 65536) % 65536 !== 0) {
        throw new Error(`${fileName}: signal ${header.signals.indexOf(spec)} (${spec.description || 'unnamed'}) fails its checksum (header ${header.source} says ${spec.checksum}); the .dat file is corrupt or belongs to another record`);
      }
    });
  }
  return out;
}

/** Digital value of the k-th sample of the interleaved stream. */
function reader(format: number, b: Uint8Array, view: DataView, o: number): (k: number) => number {
  switch (format) {
    case 212:
      return (k) => {
        const p = o + 3 * (k >> 1);
        const v = k & 1 ? b[p + 2] | ((b[p + 1] & 0xf0) << 4) : b[p] | ((b[p + 1] & 0x0f) << 8);
        return v & 0x800 ? v - 0x1000 : v;
      };
    case 80:
      return (k) => b[o + k] - 128;
    case 61:
      return (k) => view.getInt16(o + 2 * k, false);
    case 24:
      return (k) => ((b[o + 3 * k] | (b[o + 3 * k + 1] << 8) | (b[o + 3 * k + 2] << 16)) << 8) >> 8;
    case 32:
      return (k) => view.getInt32(o + 4 * k, true);
    default:
      return (k) => view.getInt16(o + 2 * k, true);
  }
}
