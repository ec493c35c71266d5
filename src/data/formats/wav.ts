/**
 * WAV (RIFF/WAVE) reader for the spoken-digit clips.
 *
 * Walks the RIFF chunks instead of assuming the 44-byte canonical header (LIST / fact chunks
 * are common), reads PCM 8/16/24/32-bit and IEEE float32, and returns one Float32Array per
 * channel scaled to [-1, 1].
 */

import { ascii, asBytes, dataView, need } from './bytes.js';

export interface WavAudio {
  sampleRate: number;
  bitsPerSample: number;
  /** One array per channel, de-interleaved, values in [-1, 1]. */
  channels: Float32Array[];
  /** Samples per channel. */
  length: number;
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/** Parses a WAV file held in memory; `source` names it in errors. */
export function parseWav(buf: Uint8Array | ArrayBuffer, source = 'WAV'): WavAudio {
  const bytes = asBytes(buf);
  const view = dataView(bytes);
  need(source, bytes, 0, 12, 'the RIFF header');
  if (ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') {
    throw new Error(`${source}: not a WAV file (expected 'RIFF'…'WAVE' at the start, found '${ascii(bytes, 0, 4)}'…'${ascii(bytes, 8, 4)}')`);
  }
  let fmt: { format: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | null = null;
  let data: { offset: number; size: number } | null = null;
  let off = 12;
  while (off + 8 <= bytes.length && data === null) {
    const id = ascii(bytes, off, 4);
    const size = view.getUint32(off + 4, true);
    if (off + 8 + size > bytes.length) {
      throw new Error(`${source}: chunk '${id}' at offset ${off} declares ${size} bytes but only ${bytes.length - off - 8} remain (the file is truncated)`);
    }
    if (id === 'fmt ') {
      if (size < 16) throw new Error(`${source}: 'fmt ' chunk has ${size} bytes, expected at least 16`);
      let format = view.getUint16(off + 8, true);
      if (format === EXTENSIBLE && size >= 26) format = view.getUint16(off + 8 + 24, true);
      fmt = {
        format,
        channels: view.getUint16(off + 10, true),
        sampleRate: view.getUint32(off + 12, true),
        blockAlign: view.getUint16(off + 20, true),
        bits: view.getUint16(off + 22, true),
      };
    } else if (id === 'data') {
      data = { offset: off + 8, size };
    }
    off += 8 + size + (size & 1); // chunks are padded to an even length
  }
  if (fmt === null) throw new Error(`${source}: no 'fmt ' chunk before the audio data; the file is corrupt`);
  if (data === null) throw new Error(`${source}: no 'data' chunk found (the file is truncated or holds no audio)`);
  const { format, channels, sampleRate, bits } = fmt;
  const okFormat = (format === PCM && [8, 16, 24, 32].includes(bits)) || (format === IEEE_FLOAT && bits === 32);
  if (!okFormat) {
    throw new Error(`${source}: unsupported encoding (format ${format}, ${bits} bits); expected PCM 8/16/24/32-bit or float32`);
  }
  if (channels < 1) throw new Error(`${source}: the 'fmt ' chunk says ${channels} channels`);
  if (sampleRate <= 0) throw new Error(`${source}: the 'fmt ' chunk says sample rate ${sampleRate}`);
  const width = bits / 8;
  const frameBytes = width * channels;
  if (fmt.blockAlign !== frameBytes) {
    throw new Error(`${source}: block align ${fmt.blockAlign} does not match ${channels} channel(s) × ${bits} bits`);
  }
  // A trailing partial frame is dropped rather than read past its end.
  const length = Math.floor(data.size / frameBytes);
  const out: Float32Array[] = [];
  for (let c = 0; c < channels; c++) out.push(new Float32Array(length));
  const o = data.offset;
  for (let i = 0; i < length; i++) {
    for (let c = 0; c < channels; c++) {
      const p = o + i * frameBytes + c * width;
      let v: number;
      if (format === IEEE_FLOAT) v = view.getFloat32(p, true);
      else if (bits === 16) v = view.getInt16(p, true) / 32768;
      else if (bits === 8) v = (bytes[p] - 128) / 128; // 8-bit WAV is unsigned
      else if (bits === 24) v = ((bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) << 8 >> 8) / 8388608;
      else v = view.getInt32(p, true) / 2147483648;
      out[c][i] = v;
    }
  }
  return { sampleRate, bitsPerSample: bits, channels: out, length };
}

/** Average of the channels (the clips we use are mono; stereo files are mixed down). */
export function toMono(audio: WavAudio): Float32Array {
  if (audio.channels.length === 1) return audio.channels[0];
  const out = new Float32Array(audio.length);
  for (const ch of audio.channels) for (let i = 0; i < audio.length; i++) out[i] += ch[i];
  for (let i = 0; i < audio.length; i++) out[i] /= audio.channels.length;
  return out;
}
