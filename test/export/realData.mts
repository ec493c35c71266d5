/**
 * Real-data check (a script, not a unit test: it needs trained checkpoints under runs/): each
 * quantised checkpoint is exported to C (compiled with gcc) and to integer ONNX (onnxruntime-node)
 * and both are run on the first <limit> test samples of <dataset> and compared with the TS integer
 * engine.  Usage: node --import tsx test/export/realData.mts ecg200 100 runs/mps-ecg200/point-{0..10}/quantized.safetensors
 */
import * as ort from 'onnxruntime-node';
import { loadDataset } from '../../src/data/index.js';
import { tensor } from '../../src/tensor/create.js';
import { loadQuantCheckpoint } from '../../src/io/quant-checkpoint.js';
import { integerize } from '../../src/quant/integer/engine.js';
import { integerModelToC, toQ16 } from '../../src/io/c/index.js';
import { encodeOnnxModel, integerModelToOnnx } from '../../src/io/onnx/index.js';
import { compileAndRun } from './cHarness.js';

const [dataset, limit, ...paths] = process.argv.slice(2);
const splits = loadDataset(dataset);
const t = splits.test;
const shape = splits.info.sampleShape;
const per = shape.reduce((a: number, b: number) => a * b, 1);
const n = Math.min(Number(limit), t.x.length / per);
const xs = t.x.subarray(0, n * per);
const x = tensor(Array.from(xs), [n, ...shape]);
for (const p of paths) {
  const { model } = loadQuantCheckpoint(p);
  const im = integerize(model.eval());
  const run = im.run(x).values;
  const want = run[im.outputNode].data;
  const c = compileAndRun(integerModelToC(im, { inputShape: shape, name: 'm' }), { codes: Int32Array.from(run[0].data), q16: Int32Array.from(xs, (v) => toQ16(v)) }, n);
  const cSame = want.reduce((s, v, i) => s + (v === c.outputs[i] ? 1 : 0), 0);
  const session = await ort.InferenceSession.create(encodeOnnxModel(integerModelToOnnx(im, { inputShape: shape })));
  const o = (await session.run({ input: new ort.Tensor('float32', Float32Array.from(xs), [n, ...shape]) })).output.data as Int32Array;
  const oSame = want.reduce((s, v, i) => s + (v === o[i] ? 1 : 0), 0);
  console.log(`${p}: ${n} test samples; C ${cSame}/${want.length}, integer ONNX ${oSame}/${want.length} outputs identical`);
}
