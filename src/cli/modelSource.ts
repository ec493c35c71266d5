/**
 * `--model` / `--from` for commands that use a trained model: a checkpoint file or a run (point)
 * directory holding one, float (model.safetensors) or quantised (quantized.safetensors), loaded
 * with its metadata. One place, so export, eval and predict agree on what a run directory means.
 */

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readModelMeta, restoreModel, type ModelMeta } from '../io/checkpoint.js';
import { loadSafetensors, type SafetensorsContents } from '../io/safetensors.js';
import { restoreQuantModel } from '../io/quant-checkpoint.js';
import type { Module } from '../nn/module.js';
import { UsageError } from './args.js';

export type CheckpointKind = 'float' | 'quant';

/** A checkpoint file, read once: its kind and its contents (tensors and metadata). */
export interface ResolvedCheckpoint {
  kind: CheckpointKind;
  path: string;
  contents: SafetensorsContents;
}

/** The checkpoint file behind `from` (a file, or a directory holding one), preferring `prefer`. */
export function resolveCheckpoint(from: string, prefer: CheckpointKind, option: string, command: string): ResolvedCheckpoint {
  if (!existsSync(from)) throw new UsageError(`tsdnas ${command}: ${option} ${from} does not exist`);
  let path = from;
  if (statSync(from).isDirectory()) {
    const q = join(from, 'quantized.safetensors');
    const f = join(from, 'model.safetensors');
    const order = prefer === 'float' ? [f, q] : [q, f];
    const hit = order.find((p) => existsSync(p));
    if (hit === undefined) {
      const points = readdirSync(from).filter((d) => /^point-\d+$/.test(d)).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
      const hint = points.length > 0 ? `; it is a run directory with ${points.join(', ')}: pass one of them, e.g. ${join(from, points[0])}` : '; pass a run point directory (e.g. runs/sweep-ecg200/point-2) or a checkpoint file';
      throw new UsageError(`tsdnas ${command}: ${from} holds neither model.safetensors nor quantized.safetensors${hint}`);
    }
    path = hit;
  }
  const contents = loadSafetensors(path);
  const meta = readModelMeta(path, contents.metadata) as { quantPlan?: unknown };
  return { kind: meta.quantPlan === undefined ? 'float' : 'quant', path, contents };
}

/** The model of a resolved checkpoint: the float model, or the fake-quant model of a quantised one. */
export function restoreCheckpoint(src: ResolvedCheckpoint): { model: Module; meta: ModelMeta } {
  const { tensors, metadata } = src.contents;
  return src.kind === 'quant' ? restoreQuantModel(src.path, tensors, metadata) : restoreModel(src.path, tensors, metadata);
}

/** Loads the model behind `from` (float, or the fake-quant model of a quantised checkpoint). */
export function loadTrainedModel(from: string, option: string, command: string): { model: Module; meta: ModelMeta; kind: CheckpointKind; path: string } {
  const src = resolveCheckpoint(from, 'float', option, command);
  const { model, meta } = restoreCheckpoint(src);
  return { model, meta, kind: src.kind, path: src.path };
}
