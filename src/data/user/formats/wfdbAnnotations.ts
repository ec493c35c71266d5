/**
 * PhysioNet WFDB annotation reader (MIT format, e.g. MIT-BIH .atr files).
 *
 * The file is a stream of 16-bit little-endian words: the top 6 bits hold the annotation code,
 * the low 10 bits the samples since the previous annotation. Codes 59–63 are pseudo-annotations
 * whose low bits are data, not time: SKIP (a 32-bit interval follows, stored PDP-11 style —
 * high 16-bit word first, each word little-endian), NUM / SUB / CHN (fields of the current
 * annotation, not kept here), and AUX (that many bytes of text for the annotation just read,
 * padded to an even length). Code 0 with time 0 ends the file.
 */

export interface WfdbAnnotations {
  /** Sample index of each annotation. */
  sample: Int32Array;
  /** Its symbol ('N', 'V', '+' …); codes without a standard symbol read as '[code]'. */
  symbol: string[];
  /** Its auxiliary text (rhythm annotations: '(AFIB' …), or null. */
  aux: (string | null)[];
}

/** Symbols of the standard codes 0–41 (WFDB ecgcodes.h; '' where no symbol is defined). */
const SYMBOLS = [
  ' ', 'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S', 'E', 'j', '/', 'Q', '~', '', '|', '', 's', 'T', '*', 'D', '"', '=', 'p', 'B', '^',
  't', '+', 'u', '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(', ')', 'r',
];

const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;

export function annotationSymbol(code: number): string {
  return SYMBOLS[code] || `[${code}]`;
}

export function parseWfdbAnnotations(atr: Uint8Array, source: string): WfdbAnnotations {
  const sample: number[] = [];
  const symbol: string[] = [];
  const aux: (string | null)[] = [];
  let time = 0;
  let p = 0;
  const text = new TextDecoder('utf-8');
  while (p < atr.length) {
    if (p + 2 > atr.length) throw new Error(`${source}: a lone byte at offset ${p} ends the file (annotation words are 2 bytes); the file is truncated`);
    const word = atr[p] | (atr[p + 1] << 8);
    const code = word >> 10;
    const data = word & 0x3ff;
    if (code === 0 && data === 0) break;
    if (code === SKIP) {
      if (p + 6 > atr.length) throw new Error(`${source}: SKIP at offset ${p} needs 4 more bytes but the file ends (truncated)`);
      const interval = (atr[p + 3] << 24) | (atr[p + 2] << 16) | (atr[p + 5] << 8) | atr[p + 4];
      time += interval;
      p += 6;
    } else if (code === AUX) {
      if (sample.length === 0) throw new Error(`${source}: AUX text at offset ${p} comes before any annotation; the file is corrupt`);
      if (p + 2 + data > atr.length) throw new Error(`${source}: AUX at offset ${p} claims ${data} bytes but only ${atr.length - p - 2} remain (truncated)`);
      aux[aux.length - 1] = text.decode(atr.subarray(p + 2, p + 2 + data)).replace(/\0+$/, '');
      p += 2 + data + (data & 1);
    } else if (code === NUM || code === SUB || code === CHN) {
      p += 2;
    } else {
      time += data;
      if (time < 0 || time > 0x7fffffff) throw new Error(`${source}: the annotation at offset ${p} falls at sample ${time}, outside 0…2^31−1 (a corrupt SKIP interval)`);
      sample.push(time);
      symbol.push(annotationSymbol(code));
      aux.push(null);
      p += 2;
    }
  }
  return { sample: Int32Array.from(sample), symbol, aux };
}
