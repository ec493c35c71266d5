/**
 * The generated header's description of what the model expects and returns, for the engineer
 * porting it: the input layout and the preprocessing the training data went through (channels,
 * length, normalisation constants from the checkpoint's preprocessing record), the input codes'
 * step, and the meaning of the outputs (class order, or the regression target's scale). Only
 * comment text: the numbers the code needs are macros and const arrays in emit.ts.
 */

import type { Preprocessing } from '../../data/user/preprocess.js';

/** What the model was trained on, from its checkpoint (ModelMeta): shown in the header. */
export interface CModelAbout {
  /** Dataset name as tsdnas knows it (built-in name, or the user's file / folder). */
  dataset?: string;
  task?: 'classification' | 'regression';
  /** Class index → label (classification); else the preprocessing record's classes, if any. */
  classes?: readonly string[];
  /** Regression: prediction · std + mean gives the target in its units. */
  scaler?: { mean: number; std: number } | null;
  /** Unit of a regression target ('BPM'). */
  unit?: string;
  /** How a user's raw series were prepared (data/user/preprocess.ts). */
  preprocessing?: Preprocessing;
}

const g = (v: number): string => Number(v.toPrecision(9)).toString();

/** Comment lines (without the leading ' * ') describing the input preprocessing. */
export function preprocessingLines(about: CModelAbout | undefined, inputShape: readonly number[]): string[] {
  const p = about?.preprocessing;
  const lines: string[] = [];
  const layout = inputShape.length === 2 ? `[${inputShape[0]} channels][${inputShape[1]} steps]` : `[${inputShape.join('][')}] (channels, rows, columns)`;
  lines.push(`Input layout: ${layout}, channels first, row-major, one sample per call.`);
  if (about?.dataset !== undefined) lines.push(`Trained on: ${about.dataset}${about.task !== undefined ? ` (${about.task})` : ''}.`);
  if (p === undefined) {
    lines.push(about?.dataset !== undefined
      ? `Preprocessing: as tsdnas's loader prepares '${about.dataset}' (docs/datasets.md); feed values on that scale.`
      : 'Preprocessing: not recorded in the checkpoint; feed values prepared as the training data was.');
    return lines;
  }
  lines.push(`Preprocessing (do the same on the device): ${p.channels} channel(s), ${p.length} steps (length policy '${p.lengthPolicy}', padding '${p.pad}'), missing values '${p.missing}'.`);
  if (p.normalize === 'channel' && p.stats !== undefined) {
    lines.push('Normalisation per channel with the training statistics: x = (raw - mean_c) / std_c, with');
    p.stats.forEach((s, c) => lines.push(`  channel ${c}: mean ${g(s.mean)}, std ${g(s.std)}`));
  } else if (p.normalize === 'series') {
    lines.push('Normalisation per series: each channel of each sample minus its own mean, divided by its own standard deviation.');
  } else {
    lines.push('Normalisation: none (raw values).');
  }
  if (p.features?.wav !== undefined) lines.push(`Audio front end: ${p.features.wav.features} at ${p.features.wav.rate} Hz, ${p.features.wav.seconds} s clips (as tsdnas's wav reader computes it).`);
  return lines;
}

/** Comment lines describing the outputs. */
export function outputLines(about: CModelAbout | undefined, outShape: readonly number[], name: string, hasPredict: boolean): string[] {
  const classes = about?.classes ?? about?.preprocessing?.classes;
  const task = about?.task ?? about?.preprocessing?.task;
  const lines: string[] = [];
  if (task === 'classification' || classes !== undefined) {
    lines.push(`Output: one score (logit) per class${hasPredict ? `; ${name}_predict gives the class index (argmax of the Q16.16 logits)` : ''}.`);
    if (classes !== undefined) lines.push(`Classes in output order: ${classes.map((c, i) => `${i} = ${JSON.stringify(c)}`).join(', ')}.`);
    else lines.push(`Classes in output order: 0 .. ${(outShape[0] ?? 1) - 1}, the dataset's class indices.`);
  } else if (task === 'regression') {
    const s = about?.scaler;
    lines.push(s != null
      ? `Output: a standardised regression target; target = value * ${g(s.std)} + ${g(s.mean)}${about?.unit !== undefined ? ` (${about.unit})` : ''}.`
      : `Output: the regression target${about?.unit !== undefined ? ` in ${about.unit}` : ''}.`);
  } else {
    lines.push('Output: the network output (task not recorded in the checkpoint).');
  }
  return lines;
}
