/**
 * `tsdnas export`: deploy a trained model. --from is a checkpoint file or a run point directory
 * (train / search / sweep point with model.safetensors, quantize / mps point with
 * quantized.safetensors). Formats: onnx (the float model, or the integer model with integer-exact
 * ops for a quantised checkpoint; both checked against onnxruntime in the tests),
 * c (the integer model as a C99 library, bit-exact with the TS integer engine), safetensors
 * (the checkpoint re-saved in canonical form). Everything is built in memory and checked first;
 * each file is then written atomically.
 */

import { join } from 'node:path';
import { describeSchema, type Schema } from '../../util/schema.js';
import { parseCommand, UsageError } from '../args.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { checkOutWritable } from '../outProbe.js';
import { saveModelCheckpoint } from '../../io/checkpoint.js';
import { resolveCheckpoint, restoreCheckpoint, type ResolvedCheckpoint } from '../modelSource.js';
import { restoreQuantModel } from '../../io/quant-checkpoint.js';
import { integerize } from '../../quant/integer/engine.js';
import { encodeOnnxModel, integerModelToOnnx, moduleToOnnx } from '../../io/onnx/index.js';
import { integerModelToC } from '../../io/c/index.js';
import { lockRunDir } from '../../io/run-lock.js';

export const EXPORT_SCHEMA = {
  format: { type: 'string', default: 'onnx', choices: ['onnx', 'c', 'safetensors'], help: 'onnx (float or integer model), c (integer model as C99 code), safetensors (checkpoint)' },
  from: { type: 'optional-string', help: 'checkpoint (model.safetensors / quantized.safetensors) or a run point directory holding one' },
  out: { type: 'optional-string', help: 'output directory (created if missing)' },
  name: { type: 'string', default: 'model', help: 'file stem (and C identifier prefix) of the exported files' },
  foldBn: { type: 'boolean', default: false, help: 'onnx: fold each BatchNorm into the conv / linear before it' },
  cFloat: { type: 'boolean', default: false, help: 'c: also emit float helpers (<name>_quantize_input from float, double output scales); default integer-only code' },
} as const satisfies Schema;

export function exportHelp(): string {
  return `tsdnas export — write a trained model as ONNX, C99 inference code or safetensors

usage: tsdnas export --format onnx|c|safetensors --from <checkpoint | run point dir> --out <dir> [options]

${describeSchema(EXPORT_SCHEMA)}

onnx writes the float model (model.safetensors of train / search / sweep) or, from a quantised
checkpoint (quantized.safetensors of quantize / mps), the integer model with integer-exact ops
(int32 output; <name>.output-scale.json gives the per-channel scale). c needs an integer model
and writes <name>.h, <name>.c and <name>.memory.json (flash and RAM of the generated code next to
the hardware cost model's prediction). The C is integer-only (inputs as codes or Q16.16, outputs as
int32 or Q16.16) unless --c-float; it builds for Cortex-M (SMLAD loops with the DSP extension);
see docs/export.md.`;
}

/** Resolve --from to a checkpoint file of the kind the format needs. */
function resolveSource(from: string, format: string): ResolvedCheckpoint {
  return resolveCheckpoint(from, format === 'onnx' ? 'float' : 'quant', '--from', 'export');
}

export function runExport(argv: string[]): void {
  const { config: cfg, positionals } = parseCommand('export', EXPORT_SCHEMA, argv);
  if (positionals.length > 0) throw new UsageError(`tsdnas export: unexpected argument '${positionals[0]}'; use --from and --out (see 'tsdnas export --help')`);
  if (cfg.from === undefined) throw new UsageError(`tsdnas export: --from is required (a checkpoint or a run point directory)`);
  if (cfg.out === undefined) throw new UsageError(`tsdnas export: --out is required (the directory to write to)`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(cfg.name)) throw new UsageError(`tsdnas export: --name '${cfg.name}' must be a C identifier (letters, digits, '_')`);
  checkOutWritable(cfg.out);
  const src = resolveSource(cfg.from, cfg.format);
  // Every output is built (and checked) in memory before the first file is written.
  const files: { name: string; write: (path: string) => void }[] = [];
  const bytes = (name: string, data: Uint8Array | string) => files.push({ name, write: (p) => writeFileAtomic(p, data) });
  const log = (s: string) => process.stderr.write(s + '\n');

  if (cfg.format === 'onnx') {
    if (src.kind === 'quant') {
      const { model, meta } = restoreQuantModel(src.path, src.contents.tensors, src.contents.metadata);
      const im = integerize(model.eval());
      const g = integerModelToOnnx(im, { inputShape: meta.inputShape, name: cfg.name });
      bytes(`${cfg.name}.onnx`, encodeOnnxModel(g));
      const scale = typeof im.outputScale === 'number' ? [im.outputScale] : Array.from(im.outputScale);
      bytes(`${cfg.name}.output-scale.json`, JSON.stringify({ outputScale: scale, note: 'output (int32) × outputScale[channel] = network output' }) + '\n');
      log(`tsdnas export: ${src.path} (${meta.model}) → integer ONNX opset 13 (ConvInteger / MatMulInteger, int64 requantisation), ${g.nodes.length} nodes, int32 output`);
    } else {
    const { model, meta } = restoreCheckpoint(src);
    model.eval();
    const g = moduleToOnnx(model, { inputShape: meta.inputShape, foldBatchNorm: cfg.foldBn, name: cfg.name });
    bytes(`${cfg.name}.onnx`, encodeOnnxModel(g));
    log(`tsdnas export: ${src.path} (${meta.model}) → ONNX opset 13, ${g.nodes.length} nodes, input [N, ${meta.inputShape.join(', ')}]`);
    }
  } else if (cfg.format === 'c') {
    if (src.kind === 'float') throw new UsageError(`tsdnas export: ${src.path} is a float model; C export needs an integer model — quantise it first (tsdnas quantize --checkpoint ${src.path} …, or tsdnas mps) and pass the quantized.safetensors`);
    const { model, meta } = restoreQuantModel(src.path, src.contents.tensors, src.contents.metadata);
    const im = integerize(model.eval());
    const classes = meta.preprocessing?.classes;
    const about = { dataset: meta.dataset, task: meta.task, scaler: meta.scaler, preprocessing: meta.preprocessing, ...(classes !== undefined ? { classes } : {}) };
    const c = integerModelToC(im, { inputShape: meta.inputShape, name: cfg.name, float: cfg.cFloat, about });
    bytes(`${cfg.name}.h`, c.header);
    bytes(`${cfg.name}.c`, c.source);
    bytes(`${cfg.name}.memory.json`, JSON.stringify({ source: src.path, ...c.memory }, null, 2) + '\n');
    const m = c.memory;
    log(`tsdnas export: ${src.path} (${meta.model}) → C99; flash: weights ${m.weightBytes} B + bias ${m.biasBytes} B + requant ${m.requantBytes} B (+ ${m.indexBytes} B channel indices, descriptors, code); RAM: arena ${m.arenaBytes} B + im2col ${m.scratchBytes} B; integer-only${cfg.cFloat ? ' + float helpers' : ''}; hw cost model: flash ${m.costModel.flashBytes} B, RAM ${m.costModel.ramBytes} B`);
  } else {
    const { model, meta } = restoreCheckpoint(src);
    files.push({ name: `${cfg.name}.safetensors`, write: (p) => saveModelCheckpoint(p, model, meta) });
    log(`tsdnas export: ${src.path} → safetensors (${src.kind === 'quant' ? 'fake-quant model with its float architecture and plan' : 'float model with its architecture'})`);
  }
  const out = cfg.out;
  // The set of files is one deployment: a second export into the same --out waits for nothing
  // and is refused by the lock, so a header never sits beside another model's source.
  const release = lockRunDir(out, 'tsdnas export');
  try {
    for (const f of files) f.write(join(out, f.name));
  } finally {
    release();
  }
  console.log(`wrote ${files.map((f) => join(out, f.name)).join(', ')}`);
}
