/**
 * Writes the zoo's architecture files (bench/zoo/archs/*.json, tsdnas.architecture/1): the
 * built-in seeds as `tsdnas models --show <seed>` describes them, the zoo's own TCN with k 33,
 * and ECGNet with its BatchNorms folded away (the network a mixed-precision search trains).
 * The files are committed; run this only to regenerate them:
 *
 *   npx tsx bench/zoo/makeArchs.ts
 *
 * Leaf layers are printed on one line each so that a file reads as a layer list.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import * as T from '../../src/index.js';

const dir = new URL('./archs/', import.meta.url);

/** JSON with containers expanded and every leaf layer on one line. */
function format(n: T.ArchNode, pad = ''): string {
  const inner = `${pad}  `;
  if (n.type === 'Sequential') return `{ "type": "Sequential", "layers": [\n${n.layers.map((c) => inner + format(c, inner)).join(',\n')}\n${pad}] }`;
  if (n.type === 'Residual') {
    const part = (k: string, c: T.ArchNode | null) => `${inner}"${k}": ${c === null ? 'null' : format(c, inner)}`;
    return `{\n${inner}"type": "Residual",\n${part('body', n.body)},\n${part('shortcut', n.shortcut)},\n${part('post', n.post)}\n${pad}}`;
  }
  // Plain layers hold no strings with commas or colons, so spacing the separators is safe.
  return JSON.stringify(n).replace(/,"/g, ', "').replace(/":/g, '": ').replace(/,(?=\d|\[|-)/g, ', ');
}

function write(name: string, description: string, a: T.ArchNode): void {
  const text = `{\n  "format": "${T.ARCHITECTURE_FORMAT}",\n  "description": ${JSON.stringify(description)},\n  "architecture": ${format(a, '  ')}\n}\n`;
  T.parseModelSpec(JSON.parse(text), name); // refuse to write a file the library would not read
  writeFileSync(new URL(name, dir), text);
  console.log(`wrote bench/zoo/archs/${name}`);
}

// The seeds: the same description `tsdnas models --show <seed> --input-shape … --outputs …` prints.
const seeds: [string, number[], number][] = [
  ['temponet', [4, 256], 1], ['tcn-mnist', [28, 28], 10], ['resnet8', [3, 32, 32], 10],
  ['ds-cnn', [1, 49, 10], 12], ['mobilenet-v1-0.25', [3, 96, 96], 2], ['cnn-small', [1, 28, 28], 10],
];
for (const [seed, shape, outputs] of seeds) {
  const desc = `Built-in seed '${seed}' of src/models/seeds.ts (${T.SEED_MODELS[seed].description}), as \`tsdnas models --show ${seed} --input-shape ${shape.join(',')} --outputs ${outputs}\` prints it (regenerate with bench/zoo/makeArchs.ts); input [${shape.join(', ')}], ${outputs} output${outputs > 1 ? 's' : ' (regression)'}`;
  write(`${seed}.json`, desc, T.seedArchitecture(seed, shape, outputs));
}

// A TCN with long kernels (the receptive fields PIT seeds use): 4 × (causal Conv1d k 33 + BN + ReLU), GAP, Linear.
const block = (cin: number, cout: number): T.ArchNode => ({
  type: 'Sequential',
  layers: [
    { type: 'Conv1d', cin, cout, k: 33, stride: 1, dilation: 1, padding: 'causal', groups: 1, bias: true },
    { type: 'BatchNorm1d', features: cout, eps: 1e-5, momentum: 0.1, affine: true },
    { type: 'ReLU' },
  ],
});
write('tcn-k33.json',
  'Written for the zoo (bench/zoo/makeArchs.ts): 4 × (causal Conv1d k 33 + BatchNorm1d + ReLU), channels 4→16→32→32→64, global average pool, Linear 64→8; input [4, 512], 8 classes',
  { type: 'Sequential', layers: [block(4, 16), block(16, 32), block(32, 32), block(32, 64), { type: 'GlobalAvgPool' }, { type: 'Linear', in: 64, out: 8, bias: true }] });

// ECGNet as the mixed-precision search sees it: mpsSearch folds each BatchNorm into the conv before it
// (src/quant/mps/fold.ts), leaving biased convs + ReLU. The folding function is not exported, so the
// folded structure is written out here (the convs already carry biases).
const ecg = JSON.parse(readFileSync(new URL('../plinio/ecgnet.json', import.meta.url), 'utf8')) as { architecture: T.ArchNode };
const noBn = (n: T.ArchNode): T.ArchNode => (n.type === 'Sequential' ? { type: 'Sequential', layers: n.layers.filter((c) => c.type !== 'BatchNorm1d').map(noBn) } : n);
write('ecgnet-folded.json',
  'ECGNet of bench/plinio/ecgnet.json (the PLiNIO kit\'s ECG200 seed) with its BatchNorms folded into the convs, the form src/quant/mps/run.ts searches (foldBatchNorms); input [1, 96], 2 classes',
  noBn(ecg.architecture));
