/**
 * NumPy .npz reader: a ZIP archive (zip.ts) of `<name>.npy` members (npy.ts), as written by
 * numpy.savez (stored) and numpy.savez_compressed (deflate). Returns the arrays by name, the
 * way `np.load(f)[name]` does; members that are not .npy files are skipped.
 */

import type { Zlib } from '../../../platform/types.js';
import { parseNpy, type NpyArray } from './npy.js';
import { extractZipEntry, readZipEntries } from './zip.js';

/** Parses an .npz archive held in memory; `source` names it in every error. */
export function parseNpz(bytes: Uint8Array, source: string, zlib: Zlib): Record<string, NpyArray> {
  const out: Record<string, NpyArray> = Object.create(null);
  for (const e of readZipEntries(bytes, source)) {
    if (!e.name.endsWith('.npy')) continue;
    const key = e.name.slice(0, -4);
    if (key in out) throw new Error(`${source}: the archive holds two members named '${e.name}'; it is corrupt`);
    out[key] = parseNpy(extractZipEntry(bytes, e, source, zlib), `${source}: ${e.name}`);
  }
  if (Object.keys(out).length === 0) throw new Error(`${source}: the archive holds no .npy arrays; save them with numpy.savez(path, x=..., y=...)`);
  return out;
}
