/**
 * `tsdnas models`: lists the seed models, prints a seed's architecture as a
 * `tsdnas.architecture/1` file to copy and edit (--show), and checks a user's model file against
 * an input shape before any training run is started on it (--check).
 */

import { parseCommand, UsageError } from '../args.js';
import { describeSchema, type Schema } from '../../util/schema.js';
import { fmtShape } from '../../tensor/shape.js';
import { SEED_MODELS } from '../../models/seeds.js';
import { architectureFile, checkModelFits, isSeedName, SEED_DEFAULT_SHAPES, seedArchitecture } from '../../models/userModel.js';
import { resolveModelAsync } from '../../api/userModelFiles.js';

const MODELS_SCHEMA = {
  show: { type: 'optional-string', help: "print a seed model's architecture as tsdnas.architecture/1 JSON, to save and edit" },
  check: { type: 'optional-string', help: 'check a model file (.json architecture or .js/.mjs builder module) against --input-shape' },
  inputShape: { type: 'optional-string', help: "one sample's shape, channels first, e.g. 1,96 or 3,32,32 (--show: the seed's usual shape; --check: required)" },
  outputs: { type: 'optional-string', help: "the model's outputs: classes, or 1 for regression (--show: the seed's usual count; --check: not compared when absent)" },
} satisfies Schema;

export function modelsHelp(): string {
  return `tsdnas models — the seed models, and checking your own model files

usage: tsdnas models                                   list the seed models
       tsdnas models --show <seed> [--input-shape 1,96] [--outputs 2] > my-net.json
       tsdnas models --check my-net.json --input-shape 1,96 [--outputs 2]

${describeSchema(MODELS_SCHEMA)}

A model file is a tsdnas.architecture/1 JSON file (what --show prints: edit layer sizes, add or
remove layers) or a .js/.mjs module exporting build({ inputShape, outputs, rng, lib }) that
returns a model made of lib's layers (lib is tsdnas itself, e.g. new lib.Sequential(...)).
Pass it to train / search / sweep / mps with --model <path>.`;
}

/** "1,96" → [1, 96], refusing anything but 1 to 3 positive integers. */
function parseShape(text: string): number[] {
  const dims = text.split(',').map((s) => s.trim());
  const nums = dims.map(Number);
  if (dims.length < 1 || dims.length > 3 || !nums.every((n, i) => dims[i] !== '' && Number.isInteger(n) && n >= 1)) {
    throw new UsageError(`tsdnas models: --input-shape must be 1 to 3 positive integers separated by commas, channels first (e.g. 1,96 or 3,32,32), got '${text}'`);
  }
  return nums;
}

function parseOutputs(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1) throw new UsageError(`tsdnas models: --outputs must be a positive integer (classes, or 1 for regression), got '${text}'`);
  return n;
}

function list(): void {
  for (const [k, v] of Object.entries(SEED_MODELS)) console.log(`${k.padEnd(20)} ${v.description}`);
}

function show(name: string, shape: string | undefined, outputs: string | undefined): void {
  if (!isSeedName(name)) {
    throw new UsageError(`tsdnas models: --show takes a seed model name (${Object.keys(SEED_MODELS).join(', ')}), got '${name}'`);
  }
  const d = SEED_DEFAULT_SHAPES[name] ?? { inputShape: SEED_MODELS[name].spatialDims === 1 ? [1, 96] : [1, 28, 28], outputs: 2 };
  const inputShape = shape === undefined ? d.inputShape : parseShape(shape);
  const arch = seedArchitecture(name, inputShape, outputs === undefined ? d.outputs : parseOutputs(outputs));
  const desc = `${name} for input ${fmtShape(inputShape)}: ${SEED_MODELS[name].description}`;
  console.log(JSON.stringify(architectureFile(arch, desc), null, 2));
}

async function check(path: string, shape: string | undefined, outputs: string | undefined): Promise<void> {
  if (shape === undefined) throw new UsageError(`tsdnas models: --check needs --input-shape (one sample's shape, channels first, e.g. 1,96)`);
  const inputShape = parseShape(shape);
  const r = await resolveModelAsync(path, { inputShape, outputs: outputs === undefined ? undefined : parseOutputs(outputs) });
  const out = checkModelFits(r.model, r.architecture, inputShape, undefined, r.source).outputShape;
  console.log(`${path}: ok — ${r.model.numParameters().toLocaleString('en-US')} parameters, input [N, ${inputShape.join(', ')}] → output [N, ${out.slice(1).join(', ')}]`);
  if (r.description !== undefined) console.log(`  ${r.description}`);
}

export async function runModels(argv: string[]): Promise<void> {
  const { config, positionals } = parseCommand('models', MODELS_SCHEMA, argv);
  if (positionals.length > 0) throw new UsageError(`tsdnas models: unexpected argument '${positionals[0]}'; use --show <seed> or --check <file>`);
  if (config.show !== undefined && config.check !== undefined) throw new UsageError('tsdnas models: give --show or --check, not both');
  if (config.show !== undefined) return show(config.show, config.inputShape, config.outputs);
  if (config.check !== undefined) return check(config.check, config.inputShape, config.outputs);
  if (config.inputShape !== undefined || config.outputs !== undefined) throw new UsageError('tsdnas models: --input-shape and --outputs go with --show or --check');
  list();
}
