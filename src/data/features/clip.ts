/**
 * Audio clips of a fixed length: a spoken word sits in the middle of its recording, and silence
 * around it is digital zero, so a short clip is zero-padded at the end and a long one keeps its
 * central part. Used by the FSDD loader and by class folders of a user's WAV files.
 */

/** Exactly `length` samples: zero-padded at the end, or the central `length` samples. */
export function fitClipTo(x: Float32Array, length: number): Float32Array {
  if (x.length === length) return x;
  const out = new Float32Array(length);
  if (x.length < length) out.set(x);
  else {
    const start = Math.floor((x.length - length) / 2);
    out.set(x.subarray(start, start + length));
  }
  return out;
}
