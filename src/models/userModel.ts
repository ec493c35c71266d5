/**
 * The user's own model, described as JSON: the model spec file format (a bare architecture or a
 * `tsdnas.architecture/1` wrapper), turning a parsed spec into a checked, built model, and the
 * seeds' own descriptions as starting points to copy and edit. Browser-safe: reading files and
 * importing JS builder modules is in src/api/userModelFiles.ts.
 */

import type { Rng } from '../tensor/rng.js';
import type { Module } from '../nn/module.js';
import { describeArchitecture, type ArchNode } from '../nn/serialize.js';
import { buildSeed, SEED_MODELS } from './seeds.js';
import { validateArchitecture } from './validateArchitecture.js';
import { buildModel, checkModelFits } from './architectureFit.js';
import { nearest } from '../util/schema.js';

export { validateArchitecture, architectureParameters, MAX_CHANNELS, MAX_PARAMETERS } from './validateArchitecture.js';
export { checkArchitectureFits, checkModelFits, type FitReport } from './architectureFit.js';

export const ARCHITECTURE_FORMAT = 'tsdnas.architecture/1';

/** A model spec file: `{ "format": "tsdnas.architecture/1", "description"?: ..., "architecture": ArchNode }`. */
export interface ArchitectureFile {
  format: typeof ARCHITECTURE_FORMAT;
  description?: string;
  architecture: ArchNode;
}

export interface ModelOptions {
  /** One sample's shape, channels first, without the batch axis: [C, L] or [C, H, W]. */
  inputShape: readonly number[];
  /** Classes, or 1 for a regression target. */
  outputs: number;
  /** Initialises the weights (tree order, as the seeds do); the global generator when absent. */
  rng?: Rng;
}

/** ModelOptions for checking a file alone (`models --check`): without outputs, the output size is not compared. */
export type CheckOptions = Omit<ModelOptions, 'outputs'> & { outputs?: number };

export interface ResolvedModel {
  /** What to call the model in summaries and checkpoints: the seed name or the file's base name. */
  name: string;
  model: Module;
  /** The validated description, every optional field filled in. */
  architecture: ArchNode;
  /** Where the model came from: `seed model 'tcn-ecg'` or the file path (starts error messages). */
  source: string;
  description?: string;
}

/** The input shape and outputs each seed is usually built with (its benchmark's), for `models --show`. */
export const SEED_DEFAULT_SHAPES: Readonly<Record<string, { inputShape: number[]; outputs: number }>> = {
  'tcn-mnist': { inputShape: [28, 28], outputs: 10 },
  'tcn-ecg': { inputShape: [1, 96], outputs: 2 },
  temponet: { inputShape: [4, 256], outputs: 1 },
  'temponet-seed': { inputShape: [4, 256], outputs: 1 },
  'cnn-small': { inputShape: [1, 28, 28], outputs: 10 },
  'ds-cnn': { inputShape: [1, 49, 10], outputs: 12 },
  'mini-resnet': { inputShape: [3, 32, 32], outputs: 10 },
  resnet8: { inputShape: [3, 32, 32], outputs: 10 },
  'mobilenet-v1-0.25': { inputShape: [3, 96, 96], outputs: 2 },
};

/**
 * Read a parsed spec file: a `tsdnas.architecture/1` wrapper or a bare architecture (any object
 * with a "type"). The architecture comes back validated, optional fields filled in; `root` is
 * its JSON path in the file, for messages.
 */
export function parseModelSpec(value: unknown, source: string): { architecture: ArchNode; description?: string; root: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${source}: must hold a JSON object, either an architecture such as {"type": "Sequential", "layers": [...]} or {"format": "${ARCHITECTURE_FORMAT}", "architecture": {...}}`);
  }
  const o = value as Record<string, unknown>;
  if ('type' in o) return { architecture: validateArchitecture(o, source), root: '' };
  const keys = ['format', 'description', 'architecture'];
  for (const k of Object.keys(o)) {
    if (keys.includes(k)) continue;
    const near = nearest(k, [...keys, 'type']);
    throw new Error(`${source}: '${k}' is not a key of a model spec file${near ? ` (did you mean '${near}'?)` : ''}; valid keys: ${keys.join(', ')} (or a bare architecture with a "type")`);
  }
  if (o.format !== ARCHITECTURE_FORMAT) {
    throw new Error(`${source}: format must be "${ARCHITECTURE_FORMAT}", got ${JSON.stringify(o.format) ?? 'nothing'}; 'tsdnas models --show tcn-ecg' prints an example`);
  }
  if (o.description !== undefined && typeof o.description !== 'string') throw new Error(`${source}: description must be a string, got ${JSON.stringify(o.description)}`);
  if (o.architecture === undefined) throw new Error(`${source}: architecture is missing; a ${ARCHITECTURE_FORMAT} file holds the model under "architecture"`);
  const architecture = validateArchitecture(o.architecture, source, 'architecture');
  return o.description === undefined ? { architecture, root: 'architecture' } : { architecture, description: o.description, root: 'architecture' };
}

/** The spec file for a description, as `models --show` prints it. */
export function architectureFile(architecture: ArchNode, description?: string): ArchitectureFile {
  return description === undefined ? { format: ARCHITECTURE_FORMAT, architecture } : { format: ARCHITECTURE_FORMAT, description, architecture };
}

/** A seed's description, built for this input shape and output count: a starting point to edit. */
export function seedArchitecture(name: string, inputShape: readonly number[], outputs: number): ArchNode {
  return describeArchitecture(buildSeed(name, { inputShape, outputs }));
}

function checkOptions(o: CheckOptions, source: string): void {
  if (o.outputs !== undefined && (!Number.isInteger(o.outputs) || o.outputs < 1)) throw new Error(`${source}: outputs must be a positive integer (classes, or 1 for regression), got ${o.outputs}`);
}

/** A parsed spec file (see parseModelSpec) as a built model, checked against the data's shape. */
export function modelFromSpec(value: unknown, source: string, name: string, o: CheckOptions): ResolvedModel {
  checkOptions(o, source);
  const { architecture, description, root } = parseModelSpec(value, source);
  const model = buildModel(architecture, source, o.rng);
  checkModelFits(model, architecture, o.inputShape, o.outputs, source, root);
  return description === undefined ? { name, model, architecture, source } : { name, model, architecture, source, description };
}

/** Whether `spec` names a seed model. */
export function isSeedName(spec: string): boolean {
  return Object.prototype.hasOwnProperty.call(SEED_MODELS, spec);
}

/** A seed model as a ResolvedModel (checked against the data's shape, like a user's). */
export function resolveSeed(name: string, o: CheckOptions): ResolvedModel {
  const source = `seed model '${name}'`;
  checkOptions(o, source);
  // A seed sizes its head from the outputs; without a count to check, build it with its usual one.
  const model = buildSeed(name, { ...o, outputs: o.outputs ?? SEED_DEFAULT_SHAPES[name]?.outputs ?? 2 });
  const architecture = describeArchitecture(model);
  checkModelFits(model, architecture, o.inputShape, o.outputs, source);
  return { name, model, architecture, source, description: SEED_MODELS[name].description };
}
