/**
 * Weight layout of the C export for the SMLAD dot products of runtime.ts: each output channel's
 * row of codes (kept inputs × kernel, row-major) is padded with zero codes to whole 32-bit words
 * (4 int8, 8 int4 or 16 int2 codes per word) and, inside each word, the codes are placed so that
 * the kernel's unpacking yields the pairs (w0, w1), (w2, w3), … in the order of the im2col words
 * (x0 | x1 << 16), (x2 | x3 << 16), …:
 *   int8: SXTB16(v) takes bytes 0 and 2, SXTB16(v ror 8) bytes 1 and 3 → bytes hold w0 w2 w1 w3;
 *   int4: (v << 4) & 0xF0F0F0F0 puts nibbles 0 2 4 6 in the top of the bytes, v & 0xF0F0F0F0 the
 *         odd ones → nibbles hold w0 w4 w2 w6 w1 w5 w3 w7;
 *   int2: (v << (6 − 2k)) & 0xC0C0C0C0 puts crumbs k, 4+k, 8+k, 12+k in the top of the bytes →
 *         crumb k holds w(4k), 8+k w(4k+1), 4+k w(4k+2), 12+k w(4k+3).
 * The same permutation is what CMSIS-NN does offline for its s8 / s4 kernels; doing it at export
 * time costs nothing on the device. Words are numbers, so the layout does not depend on the
 * target's byte order.
 */

import { containerBits, unpackWeights } from '../../quant/integer/pack.js';

/** For a container width, slot s of a word (bit offset s·bits) holds logical code SLOT_CODE[s] of the word's block. */
const SLOT_CODE: Readonly<Record<2 | 4 | 8, readonly number[]>> = {
  8: [0, 2, 1, 3],
  4: [0, 4, 2, 6, 1, 5, 3, 7],
  2: [0, 4, 8, 12, 2, 6, 10, 14, 1, 5, 9, 13, 3, 7, 11, 15],
};

/** 32-bit words per row of `fan` codes at a weight precision. */
export function rowWords(fan: number, bits: number): number {
  return Math.ceil((fan * containerBits(bits)) / 32);
}

/** The rows of a packed weight group (LSB-first, pack.ts) as padded 32-bit words in the DSP order above. */
export function dspWords(packed: Uint8Array, rows: number, fan: number, bits: number): Uint32Array {
  const c = containerBits(bits);
  if (c === 0) return new Uint32Array(0);
  const codes = unpackWeights(packed, rows * fan, bits);
  const per = 32 / c;
  const nw = rowWords(fan, bits);
  const slots = SLOT_CODE[c];
  const mask = (1 << c) - 1;
  const out = new Uint32Array(rows * nw);
  for (let r = 0; r < rows; r++) {
    for (let w = 0; w < nw; w++) {
      let word = 0;
      for (let s = 0; s < per; s++) {
        const j = w * per + slots[s];
        const q = j < fan ? codes[r * fan + j] : 0;
        word |= (q & mask) << (s * c);
      }
      out[r * nw + w] = word >>> 0;
    }
  }
  return out;
}

/** The logical codes of one padded row back from its DSP words (the inverse of dspWords, for tests and docs). */
export function codesOfDspRow(words: Uint32Array, fan: number, bits: number): Int8Array {
  const c = containerBits(bits);
  const per = 32 / c;
  const slots = SLOT_CODE[c as 2 | 4 | 8];
  const out = new Int8Array(fan);
  const half = 1 << (c - 1);
  words.forEach((word, w) => {
    for (let s = 0; s < per; s++) {
      const j = w * per + slots[s];
      if (j >= fan) continue;
      const f = (word >>> (s * c)) & ((1 << c) - 1);
      out[j] = f >= half ? f - (1 << c) : f;
    }
  });
  return out;
}

/** C tables of the inverse placement: tsd_slotB[j] is the field (slot) of a word holding code j of its block. */
export function slotTablesC(): string {
  return ([8, 4, 2] as const).map((b) => {
    const inv = new Array<number>(SLOT_CODE[b].length);
    SLOT_CODE[b].forEach((code, slot) => { inv[code] = slot; });
    return `static const uint8_t tsd_slot${b}[${inv.length}] = { ${inv.join(', ')} };`;
  }).join('\n');
}
