/**
 * PhysioNet WFDB header (.hea) reader: the record line and one line per signal, as specified
 * in the WFDB "header(5)" page. Only what the signal reader (wfdbSignals.ts) can decode is
 * accepted — formats 16, 212, 80, 61, 24 and 32, one sample per frame, no skew — and
 * everything else is refused here, naming the line, so a user learns it before the .dat is read.
 */

export interface WfdbSignalSpec {
  /** The .dat file holding this signal (signals sharing a file are interleaved). */
  fileName: string;
  format: number;
  /** Bytes to skip at the start of the file (the `+offset` of `16+24`). */
  byteOffset: number;
  /** ADC units per physical unit (200 when the header gives none or 0, as WFDB does). */
  gain: number;
  /** Digital value of physical zero (defaults to adcZero). */
  baseline: number;
  units: string;
  adcResolution: number;
  adcZero: number;
  initialValue: number;
  /** 16-bit sum of the samples, when given. */
  checksum: number | null;
  blockSize: number;
  /** Signal name, e.g. "MLII", "V5" (may be empty). */
  description: string;
}

export interface WfdbHeader {
  /** The header's name, for errors. */
  source: string;
  name: string;
  fs: number;
  counterFreq: number | null;
  baseCounter: number | null;
  /** Samples per signal; null when the header leaves it out (then the .dat size decides). */
  nsamp: number | null;
  baseTime: string | null;
  baseDate: string | null;
  signals: WfdbSignalSpec[];
  /** Text of the `#` lines (age, sex, diagnoses …). */
  comments: string[];
}

/** Formats wfdbSignals.ts decodes, with their default ADC resolution. */
export const WFDB_FORMATS: Record<number, number> = { 16: 16, 212: 12, 80: 8, 61: 16, 24: 24, 32: 32 };

const NUM = '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?';

export function parseWfdbHeader(text: string, source: string): WfdbHeader {
  const lines: { no: number; text: string }[] = [];
  const comments: string[] = [];
  text.split(/\r?\n|\r/).forEach((raw, i) => {
    const t = raw.trim();
    if (t.startsWith('#')) comments.push(t.slice(1).trim());
    else if (t !== '') lines.push({ no: i + 1, text: t });
  });
  if (lines.length === 0) throw new Error(`${source}: no record line; this is not a WFDB header (.hea)`);
  const rec = lines[0];
  const at = `${source} line ${rec.no}`;
  const tok = rec.text.split(/\s+/);
  const [name, segs] = tok[0].split('/');
  if (segs !== undefined) {
    throw new Error(`${at}: '${tok[0]}' is a multi-segment record (${segs} segments), which is not supported; convert it to one segment first (e.g. wfdb-python: wfdb.rdrecord(...) then wfdb.wrsamp(...))`);
  }
  const nsig = wholeNumber(tok[1], `${at}: number of signals`);
  let fs = 250;
  let counterFreq: number | null = null;
  let baseCounter: number | null = null;
  if (tok[2] !== undefined) {
    const m = new RegExp(`^(${NUM})(?:/(${NUM})(?:\\((${NUM})\\))?)?$`).exec(tok[2]);
    if (!m || !(Number(m[1]) > 0) || !Number.isFinite(Number(m[1]))) throw new Error(`${at}: sampling frequency '${tok[2]}' is not a positive number (expected e.g. 360 or 360/0.5)`);
    fs = Number(m[1]);
    if (m[2] !== undefined) counterFreq = Number(m[2]);
    if (m[3] !== undefined) baseCounter = Number(m[3]);
  }
  let nsamp: number | null = null;
  if (tok[3] !== undefined) {
    const n = wholeNumber(tok[3], `${at}: number of samples`);
    nsamp = n === 0 ? null : n;
  }
  const signalLines = lines.slice(1);
  if (signalLines.length < nsig) throw new Error(`${at}: the record line declares ${nsig} signals but ${signalLines.length} signal lines follow (truncated header?)`);
  if (signalLines.length > nsig) throw new Error(`${source} line ${signalLines[nsig].no}: more signal lines than the ${nsig} the record line declares; fix the count`);
  return {
    source, name, fs, counterFreq, baseCounter, nsamp,
    baseTime: tok[4] ?? null,
    baseDate: tok[5] ?? null,
    signals: signalLines.map((l) => signalLine(l.text, `${source} line ${l.no}`)),
    comments,
  };
}

function signalLine(line: string, at: string): WfdbSignalSpec {
  // Fields are space-separated; the description (the 9th field on) may itself hold spaces.
  const fields = [...line.matchAll(/\S+/g)];
  const tok = fields.slice(0, 8).map((m) => m[0]);
  const description = fields.length > 8 ? line.slice(fields[8].index ?? 0).trim() : '';
  const file = tok[0];
  if (tok[1] === undefined) throw new Error(`${at}: signal line has no format field (expected e.g. '100.dat 212 200 11 1024')`);
  const f = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(tok[1]);
  if (!f) throw new Error(`${at}: format field '${tok[1]}' is not of the form format[xsamples][:skew][+offset]`);
  const format = Number(f[1]);
  if (!(format in WFDB_FORMATS)) {
    throw new Error(`${at}: signal format ${format} is not supported (supported: ${Object.keys(WFDB_FORMATS).join(', ')}); convert the record, e.g. with wfdb-python wrsamp(fmt=['16', …])`);
  }
  if (f[2] !== undefined && Number(f[2]) !== 1) throw new Error(`${at}: ${f[2]} samples per frame ('${tok[1]}') is not supported; only one sample per signal per frame`);
  if (f[3] !== undefined && Number(f[3]) !== 0) throw new Error(`${at}: skew ${f[3]} ('${tok[1]}') is not supported; write the record without skew`);
  const byteOffset = f[4] === undefined ? 0 : Number(f[4]);
  if (!Number.isSafeInteger(byteOffset)) throw new Error(`${at}: byte offset '${f[4]}' is too large`);
  if (file === '~' || file === '-') throw new Error(`${at}: signal file '${file}' (a null or standard-input signal) is not supported; the samples must be in a .dat file`);

  let gain = 200;
  let baseline: number | null = null;
  let units = 'mV';
  if (tok[2] !== undefined) {
    const g = new RegExp(`^(${NUM})(?:\\(([-+]?\\d+)\\))?(?:/(\\S*))?$`).exec(tok[2]);
    if (!g || !Number.isFinite(Number(g[1]))) throw new Error(`${at}: gain field '${tok[2]}' is not of the form gain[(baseline)][/units]`);
    gain = Number(g[1]) === 0 ? 200 : Number(g[1]);
    if (g[2] !== undefined) baseline = integer(g[2], `${at}: baseline`);
    if (g[3] !== undefined) units = g[3];
  }
  const adcResolution = tok[3] === undefined ? WFDB_FORMATS[format] : integer(tok[3], `${at}: ADC resolution`);
  const adcZero = tok[4] === undefined ? 0 : integer(tok[4], `${at}: ADC zero`);
  return {
    fileName: file, format, byteOffset, gain, baseline: baseline ?? adcZero, units, adcResolution, adcZero,
    initialValue: tok[5] === undefined ? adcZero : integer(tok[5], `${at}: initial value`),
    checksum: tok[6] === undefined ? null : integer(tok[6], `${at}: checksum`),
    blockSize: tok[7] === undefined ? 0 : integer(tok[7], `${at}: block size`),
    description,
  };
}

function integer(s: string, what: string): number {
  if (!/^[-+]?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) throw new Error(`${what} '${s}' is not an integer`);
  return Number(s);
}

function wholeNumber(s: string | undefined, what: string): number {
  if (s === undefined) throw new Error(`${what} is missing`);
  const n = integer(s, what);
  if (n < 0) throw new Error(`${what} ${n} is negative`);
  return n;
}
