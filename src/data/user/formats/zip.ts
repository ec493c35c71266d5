/**
 * Minimal ZIP reader for .npz archives: the central directory (found from the end-of-central-
 * directory record), stored and deflated members, and the simple ZIP64 case NumPy itself
 * writes (64-bit sizes in the ZIP64 end record and the 0x0001 extra field). Multi-disk and
 * encrypted archives and other compression methods are refused with the reason.
 *
 * The central directory is the authority for sizes: NumPy writes members with
 * force_zip64=True, whose local headers carry 0xFFFFFFFF placeholders. Every offset and size is
 * checked against the bytes present before anything is read or allocated.
 */

import type { Zlib } from '../../../platform/types.js';
import { crc32 } from './crc32.js';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's local header. */
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Deflate cannot expand data by more than ~1032:1; a larger claim is a corrupt size field. */
const MAX_DEFLATE_RATIO = 1032;

/** The members listed in the central directory, in archive order. */
export function readZipEntries(bytes: Uint8Array, source: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEocd(bytes, view);
  if (eocd < 0) throw new Error(`${source}: not a ZIP/.npz archive (no end-of-central-directory record); save the arrays with numpy.savez or numpy.savez_compressed`);
  const disk = view.getUint16(eocd + 4, true);
  const cdDisk = view.getUint16(eocd + 6, true);
  if (disk !== 0 || cdDisk !== 0) throw new Error(`${source}: multi-disk (split) ZIP archives are not supported; join the parts into one file`);
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  let cdLimit = eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || view.getUint32(loc, true) !== ZIP64_LOCATOR) throw new Error(`${source}: the archive needs ZIP64 records but has no ZIP64 locator at offset ${Math.max(0, loc)} (corrupt)`);
    const at = u64(view, loc + 8, source, 'ZIP64 end record offset', bytes.length);
    if (at + 56 > loc || view.getUint32(at, true) !== ZIP64_EOCD) throw new Error(`${source}: no ZIP64 end-of-central-directory record at offset ${at} (corrupt)`);
    if (view.getUint32(at + 16, true) !== 0 || view.getUint32(at + 20, true) !== 0) throw new Error(`${source}: multi-disk (split) ZIP archives are not supported; join the parts into one file`);
    count = u64(view, at + 32, source, 'ZIP64 entry count', bytes.length);
    cdSize = u64(view, at + 40, source, 'ZIP64 central directory size', bytes.length);
    cdOffset = u64(view, at + 48, source, 'ZIP64 central directory offset', bytes.length);
    cdLimit = at;
  }
  if (cdOffset + cdSize > cdLimit) {
    throw new Error(`${source}: the central directory claims ${cdSize} bytes at offset ${cdOffset}, past its end record at offset ${cdLimit} (truncated or corrupt archive)`);
  }
  if (count * 46 > cdSize) throw new Error(`${source}: the archive claims ${count} members but its central directory has only ${cdSize} bytes (corrupt)`);
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  const end = cdOffset + cdSize;
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || view.getUint32(p, true) !== CENTRAL) throw new Error(`${source}: central directory entry ${i + 1} at offset ${p} is missing or corrupt`);
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    let compressedSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let localOffset = view.getUint32(p + 42, true);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > end) throw new Error(`${source}: central directory entry ${i + 1} at offset ${p} runs past the directory's end (corrupt)`);
    const name = new TextDecoder('utf-8').decode(bytes.subarray(p + 46, p + 46 + nameLen));
    if (flags & 1) throw new Error(`${source}: member '${name}' is encrypted; save the archive without a password`);
    // ZIP64 extra field: 64-bit values for exactly the 32-bit fields that hold 0xFFFFFFFF, in this order.
    let q = p + 46 + nameLen;
    const extraEnd = q + extraLen;
    while (q + 4 <= extraEnd) {
      const id = view.getUint16(q, true);
      const len = view.getUint16(q + 2, true);
      if (q + 4 + len > extraEnd) break;
      if (id === 1) {
        let r = q + 4;
        const take = (what: string): number => {
          if (r + 8 > q + 4 + len) throw new Error(`${source}: member '${name}': its ZIP64 extra field lacks the ${what} (corrupt)`);
          const v = u64(view, r, source, `member '${name}' ${what}`, Number.MAX_SAFE_INTEGER);
          r += 8;
          return v;
        };
        if (size === 0xffffffff) size = take('size');
        if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
        if (localOffset === 0xffffffff) localOffset = take('header offset');
      }
      q += 4 + len;
    }
    entries.push({ name, method, crc, compressedSize, size, localOffset });
    p = next;
  }
  return entries;
}

/** A member's bytes, decompressed and checked against its CRC-32. */
export function extractZipEntry(bytes: Uint8Array, e: ZipEntry, source: string, zlib: Zlib | undefined): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const where = `${source}: member '${e.name}'`;
  const lo = e.localOffset;
  if (lo + 30 > bytes.length || view.getUint32(lo, true) !== LOCAL) throw new Error(`${where}: no local header at offset ${lo} (corrupt archive)`);
  const start = lo + 30 + view.getUint16(lo + 26, true) + view.getUint16(lo + 28, true);
  if (start + e.compressedSize > bytes.length) {
    throw new Error(`${where} claims ${e.compressedSize} bytes at offset ${start} but the archive has only ${bytes.length} bytes (truncated)`);
  }
  const raw = bytes.subarray(start, start + e.compressedSize);
  let out: Uint8Array;
  if (e.method === 0) {
    if (e.size !== e.compressedSize) throw new Error(`${where} is stored uncompressed but claims ${e.size} bytes in ${e.compressedSize} (corrupt)`);
    out = raw;
  } else if (e.method === 8) {
    if (e.size > e.compressedSize * MAX_DEFLATE_RATIO + 64 || e.size > 0xffffffff) {
      throw new Error(`${where} claims ${e.size} bytes from ${e.compressedSize} compressed bytes, more than deflate can produce (corrupt size field)`);
    }
    if (!zlib?.inflateRaw) throw new Error(`${where} is deflate-compressed and the Zlib adapter given has no inflateRaw; pass one (in Node: nodeZlib from src/platform/node.ts)`);
    try {
      out = zlib.inflateRaw(raw, e.size);
    } catch (err) {
      throw new Error(`${where}: deflate decompression failed (${err instanceof Error ? err.message : String(err)}); the archive is truncated or corrupt`);
    }
    if (out.length !== e.size) throw new Error(`${where} inflated to ${out.length} bytes, not the ${e.size} the archive declares (corrupt)`);
  } else {
    const names: Record<number, string> = { 9: 'deflate64', 12: 'bzip2', 14: 'lzma', 93: 'zstd', 95: 'xz' };
    throw new Error(`${where} uses compression method ${e.method}${names[e.method] ? ` (${names[e.method]})` : ''}; only stored and deflate members are read (numpy.savez / numpy.savez_compressed)`);
  }
  const crc = crc32(out);
  if (crc !== e.crc) throw new Error(`${where}: CRC-32 ${hex(crc)} does not match the archive's ${hex(e.crc)}; the file is corrupt`);
  return out;
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

function findEocd(bytes: Uint8Array, view: DataView): number {
  const last = bytes.length - 22;
  const first = Math.max(0, last - 0xffff); // the archive comment is at most 65535 bytes
  for (let p = last; p >= first; p--) if (view.getUint32(p, true) === EOCD) return p;
  return -1;
}

/** A 64-bit size or offset, refused when it exceeds `limit` (so it is also a safe integer). */
function u64(view: DataView, at: number, source: string, what: string, limit: number): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(limit)) throw new Error(`${source}: ${what} ${v} at offset ${at} is beyond the ${limit}-byte archive (corrupt)`);
  return Number(v);
}
