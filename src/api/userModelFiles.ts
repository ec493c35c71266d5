/**
 * Resolving a `--model` value on Node: a seed name, a `.json` architecture file, or (async only,
 * because `import()` is) a `.js` / `.mjs` module that builds the model in code. The pure parts
 * (validation, building, the shape check) are in userModel.ts, which stays browser-safe.
 *
 * A builder module exports `build` (or a default function) taking
 * `{ inputShape, outputs, rng, lib }` and returning a Module. `lib` is this very copy of tsdnas, so
 * the module needs no import of its own: a module importing 'tsdnas' could load a second copy of
 * the library (another install), whose Module class the training code would not recognise.
 */

import { readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Module } from '../nn/module.js';
import { describeArchitecture } from '../nn/serialize.js';
import { SEED_MODELS } from '../models/seeds.js';
import { checkModelFits } from '../models/architectureFit.js';
import { validateArchitecture } from '../models/validateArchitecture.js';
import { isSeedName, modelFromSpec, resolveSeed, type CheckOptions, type ResolvedModel } from '../models/userModel.js';
import { nearest } from '../util/schema.js';

/** Largest architecture file read (a description is a few kB; anything this big is the wrong file). */
const MAX_SPEC_BYTES = 10 * 1024 * 1024;
const MODULE_EXTENSIONS = ['.js', '.mjs'];

function unknownSpec(spec: string): Error {
  const near = nearest(spec, Object.keys(SEED_MODELS));
  return new Error(
    `unknown model '${spec}'${near ? ` (did you mean '${near}'?)` : ''}: give a seed model (${Object.keys(SEED_MODELS).join(', ')}), ` +
      `a .json architecture file ('tsdnas models --show tcn-ecg' prints one to edit) or a .js/.mjs module exporting build()`,
  );
}

/** The absolute path of a file spec, refusing a missing or oversized file with its resolved path. */
function existingFile(spec: string, maxBytes: number): string {
  const abs = resolve(spec);
  let size: number;
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw new Error(`${spec}: is not a file (resolved to ${abs})`);
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${spec}: no such model file (resolved to ${abs})`);
    throw e;
  }
  if (size > maxBytes) throw new Error(`${spec}: is ${size.toLocaleString('en-US')} bytes, too large for an architecture file (limit ${maxBytes.toLocaleString('en-US')}); is it the right file?`);
  return abs;
}

/** JSON.parse with the fault's line and column when V8 gives only a character offset (newer V8 names them itself, Node 20 neither). */
function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /at position (\d+)/.exec(msg);
    const before = pos === null || /line \d+/.test(msg) ? null : text.slice(0, Number(pos[1])).split('\n');
    const where = before === null ? '' : ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
    throw new Error(`${source}: not valid JSON${where} (${msg})`);
  }
}

/** A model from a `.json` spec file (bare architecture or tsdnas.architecture/1). */
export function loadModelFile(path: string, o: CheckOptions): ResolvedModel {
  const abs = existingFile(path, MAX_SPEC_BYTES);
  return modelFromSpec(parseJson(readFileSync(abs, 'utf8'), path), path, basename(path), o);
}

/**
 * A seed name or a `.json` architecture file, built for the data's input shape and outputs and
 * checked against them (one zero-sample forward pass). JS modules need resolveModelAsync.
 * `o` is a ModelOptions for a run; without `outputs` (models --check) the output size is not compared.
 */
export function resolveModel(spec: string, o: CheckOptions): ResolvedModel {
  if (isSeedName(spec)) return resolveSeed(spec, o);
  const ext = extname(spec).toLowerCase();
  if (ext === '.json') return loadModelFile(spec, o);
  if (MODULE_EXTENSIONS.includes(ext)) throw new Error(`${spec}: a JS builder module loads asynchronously; call resolveModelAsync`);
  if (ext === '.ts' || ext === '.mts') throw new Error(`${spec}: TypeScript builder modules are not loaded directly; compile it to .mjs (e.g. tsc) or write the builder in a .mjs file`);
  throw unknownSpec(spec);
}

/** resolveModel, plus `.js` / `.mjs` builder modules (see the header comment for their contract). */
export async function resolveModelAsync(spec: string, o: CheckOptions): Promise<ResolvedModel> {
  if (!MODULE_EXTENSIONS.includes(extname(spec).toLowerCase()) || isSeedName(spec)) return resolveModel(spec, o);
  if (o.outputs === undefined) throw new Error(`${spec}: a builder module needs the number of outputs (its build() receives it); give --outputs`);
  const abs = existingFile(spec, Number.MAX_SAFE_INTEGER);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${spec}: cannot load the module: ${(e as Error).message}`);
  }
  const build = typeof mod.build === 'function' ? mod.build : typeof mod.default === 'function' ? mod.default : null;
  if (build === null) throw new Error(`${spec}: exports neither a 'build' function nor a default function; export function build({ inputShape, outputs, rng, lib }) returning a model made of lib's layers`);
  // Imported lazily: the library re-exports this module, so a static import would be a cycle.
  const lib = await import('./library.js');
  let model: unknown;
  try {
    model = await (build as (a: unknown) => unknown)({ inputShape: [...o.inputShape], outputs: o.outputs, rng: o.rng, lib });
  } catch (e) {
    throw new Error(`${spec}: build() failed: ${(e as Error).message}`);
  }
  if (!(model instanceof Module)) {
    const looksLikeOne = typeof model === 'object' && model !== null && typeof (model as { forward?: unknown }).forward === 'function';
    throw new Error(looksLikeOne
      ? `${spec}: build() returned a Module of another copy of tsdnas; build it from the 'lib' argument (e.g. new lib.Sequential(...)) instead of importing 'tsdnas'`
      : `${spec}: build() must return a tsdnas Module, got ${model === null ? 'null' : typeof model}`);
  }
  let described;
  try {
    described = describeArchitecture(model);
  } catch (e) {
    throw new Error(`${spec}: ${(e as Error).message.replace(/^describeArchitecture: /, '')} (checkpoints rebuild models from their description, so build() may use only lib's layers)`);
  }
  // The description of a built model is well formed; this applies the size limits and fills defaults.
  const architecture = validateArchitecture(described, spec);
  checkModelFits(model, architecture, o.inputShape, o.outputs, spec);
  return { name: basename(spec), model, architecture, source: spec };
}
