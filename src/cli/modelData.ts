/**
 * The data a trained model is evaluated on or predicts for (`tsdnas eval` / `tsdnas predict`):
 * a named dataset through its own loader, or a user's files through the preprocessing saved with
 * the model (classes, length, normalisation, audio / WFDB front end), never refitted on the new
 * data.
 */

import { loadDataset } from '../data/datasets/registry.js';
import { prepareForModel, resolveDatasetRef, type ModelInputs } from '../data/user/load.js';
import type { ArrayDataset } from '../data/types.js';
import type { ModelMeta } from '../io/checkpoint.js';
import { UsageError } from './args.js';

/** A model's inputs (data/user/load.ts), with what eval / predict print about them. */
export interface ModelData extends Omit<ModelInputs, 'filled'> {
  /** Class names in index order (classification), from the model's preprocessing or the dataset. */
  classes: string[] | null;
  task: 'classification' | 'regression';
  notes: string;
}

function concat(parts: ArrayDataset[]): { x: Float32Array; y: Int32Array | Float32Array } {
  const x = new Float32Array(parts.reduce((s, p) => s + p.x.length, 0));
  const y = parts[0].y instanceof Int32Array ? new Int32Array(parts.reduce((s, p) => s + p.length, 0)) : new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let xo = 0;
  let yo = 0;
  for (const p of parts) {
    x.set(p.x, xo);
    y.set(p.y, yo);
    xo += p.x.length;
    yo += p.length;
  }
  return { x, y };
}

/** `split` 'auto': the test split when the data defines one (named datasets, a test file, the data the model was trained on), else every row. */
export function dataForModel(datasetRef: string, meta: ModelMeta, split: 'auto' | 'test' | 'all', dataDir: string | undefined, command: string): ModelData {
  let ref;
  try {
    ref = resolveDatasetRef(datasetRef);
  } catch (e) {
    throw new UsageError(`tsdnas ${command}: --dataset: ${(e as Error).message}`);
  }
  const shape = meta.inputShape;
  if (ref.kind === 'named') {
    const usesLayout = ['mnist', 'fashion-mnist', 'fsdd'].includes(ref.name);
    const raw = ref.name === 'fsdd' && shape.length === 2 && shape[0] === 1;
    const splits = loadDataset(ref.name, {
      dataDir, ...(usesLayout ? { layout: shape.length === 3 ? 'image' : 'sequence' } : {}), ...(raw ? { features: 'raw' } : {}),
    });
    const part = split === 'all' ? 'all' : 'test';
    const parts = part === 'test' ? [splits.test] : [splits.train, splits.val, splits.test];
    const { x, y } = concat(parts);
    return {
      x, y, sampleShape: [...splits.info.sampleShape], count: y.length, source: splits.info.source, part,
      rowNames: Array.from(y, (_, i) => `${part === 'test' ? 'test' : 'row'} ${i + 1}`),
      classes: meta.preprocessing?.classes ?? (splits.info.numClasses !== undefined ? Array.from({ length: splits.info.numClasses }, (_, i) => String(i)) : null),
      task: splits.info.task, notes: splits.info.notes,
    };
  }
  const p = meta.preprocessing;
  if (p === undefined) {
    throw new UsageError(`tsdnas ${command}: the model (trained on '${meta.dataset ?? meta.model}') carries no preprocessing record, so new files cannot be prepared the way its training data was; evaluate it on its named dataset, or retrain it on your files (tsdnas train --dataset <file or description.json>)`);
  }
  const sameData = meta.dataset === ref.spec.name;
  const part: 'test' | 'all' = split === 'auto' ? (ref.spec.test !== undefined || sameData ? 'test' : 'all') : split;
  const m = prepareForModel(ref, p, part);
  if (m.sampleShape.join() !== shape.join()) {
    throw new UsageError(`tsdnas ${command}: the prepared data has shape [${m.sampleShape.join(', ')}] but the model takes [${shape.join(', ')}]`);
  }
  return {
    x: m.x, y: m.y, sampleShape: m.sampleShape, rowNames: m.rowNames, count: m.count, source: m.source, part: m.part,
    classes: p.classes ?? null, task: p.task,
    notes: `${m.part === 'test' ? 'test rows' : 'all rows'} of ${m.source}, prepared with the model's saved preprocessing${m.filled > 0 ? `; ${m.filled} missing values filled` : ''}`,
  };
}
