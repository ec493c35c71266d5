/**
 * The report of a run directory: loads the run, assembles the sections (summary, Pareto front,
 * optionally a comparison with other runs, curves, mask heat maps, architectures) into one
 * self-contained HTML page, and writes it atomically as <run-dir>/report.html. A multi-seed run
 * directory is reported by seedsReport.ts instead.
 */

import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { loadRun, NotARunError, type RunData } from './load.js';
import { page } from './page.js';
import { esc } from './svg/markup.js';
import { paretoCharts, pointsTable } from './sections/pareto.js';
import { curveCharts } from './sections/curves.js';
import { maskSections } from './sections/masks.js';
import { architectureTable } from './sections/architecture.js';
import { compareSection, type NamedRun } from './sections/compare.js';
import { formatCost, formatMetric, formatStrength, strengthSymbol } from './labels.js';
import { splitSentence } from './splits.js';
import { isSeedsRunDir, writeSeedsReport } from './seedsReport.js';

export const REPORT_FILE = 'report.html';

const FULL = 1090;
const HALF = 539;

/** The chart's own <title> (already escaped), as a visible caption. */
function titled(svgMarkup: string): string {
  const t = /<title>([^<]*)<\/title>/.exec(svgMarkup)?.[1] ?? '';
  return figure(svgMarkup, t.charAt(0).toUpperCase() + t.slice(1));
}

function figure(svgMarkup: string, caption?: string): string {
  return `<figure>${svgMarkup}${caption === undefined ? '' : `<figcaption>${caption}</figcaption>`}</figure>`;
}

function header(run: RunData): string {
  const c = run.config;
  const sym = strengthSymbol(run);
  const meta: [string, string][] = [
    ['dataset', String(c.dataset ?? '–')],
    ['seed model', String(c.model ?? '–')],
    ['regulariser', `${c.regularizer === undefined ? 'plain' : String(c.regularizer)} on ${String(c.cost ?? '–')}`],
    [`${sym} values`, run.points.filter((p) => p.strength !== null).map((p) => formatStrength(p.strength)).join(', ') || '–'],
    ['epochs', `warm-up ${String(c.warmupEpochs ?? '–')}, search ${String(c.searchEpochs ?? '–')}, fine-tune ${String(c.finetuneEpochs ?? '–')}`],
    [run.seed.label, `${Number.isFinite(run.seed.params) ? `${formatCost(run.seed.params)} params, ${formatCost(run.seed.macs)} MACs, ` : ''}test ${run.metric === 'mae' ? 'MAE' : 'accuracy'} ${formatMetric(run.metric, run.seed.testMetric)}`],
    ['run directory', run.dir],
  ];
  if (run.seconds !== null) meta.push(['duration', `${(run.seconds / 60).toFixed(1)} min`]);
  if (run.target !== null) meta.push(['hardware target', run.target]);
  if (Array.isArray(c.precisions)) meta.push(['candidate bit-widths', `weights ${c.precisions.join(', ')}; activations ${Array.isArray(c.actPrecisions) ? c.actPrecisions.join(', ') : '–'}`]);
  return `<h1>${esc(`tsdnas ${run.command}: ${String(c.dataset ?? 'run')} / ${String(c.model ?? '')}`)}</h1>
<p class="lead">Architecture search report. Hover a point, a line or a cell for its exact values.</p>
<dl class="meta">${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
${run.notes.map((n) => `<p class="note">⚠ ${esc(n)}</p>`).join('')}`;
}

/**
 * Display names of run directories: the basename, or parent/basename where two basenames are
 * equal (seed-0/joint, seed-1/joint), with a number appended if that is still not unique.
 */
export function runNames(dirs: readonly string[]): string[] {
  const base = dirs.map((d) => basename(resolve(d)));
  const named = dirs.map((d, i) => (base.filter((b) => b === base[i]).length > 1 ? `${basename(dirname(resolve(d)))}/${base[i]}` : base[i]));
  return named.map((n, i) => (named.slice(0, i).includes(n) ? `${n} (${i + 1})` : n));
}

/** The report page of a loaded run; `compare` adds a section charting it against other runs. */
export function renderReport(run: RunData, compare?: readonly NamedRun[]): string {
  const parts: string[] = [header(run)];
  const pareto = paretoCharts(run, HALF);
  const baselines = run.points.some((p) => p.kind === 'uniform') ? ' (squares: uniform-precision baselines trained the same way)' : '';
  parts.push(`<h2>Pareto front</h2>
<p class="note">Each point is one search (one regulariser strength) after export and fine-tuning, tested on the test split${baselines}. Solid points are non-dominated (no other point is at least as good in both the metric and the cost); faded points are dominated; the diamond is the model the search started from.</p>`);
  if (run.splits !== null) parts.push(`<p class="note splits">${esc(splitSentence(run.splits, run.metric, run.config.dataset))}</p>`);
  for (let i = 0; i < pareto.length; i += 2) parts.push(`<div class="grid2">${pareto.slice(i, i + 2).map(titled).join('')}</div>`);
  parts.push(pointsTable(run));
  if (compare !== undefined && compare.length > 0) {
    const taken = compare.map((c) => c.name);
    const own = runNames([run.dir])[0];
    const name = taken.includes(own) ? runNames([run.dir, ...compare.map((c) => c.run.dir)])[0] : own;
    parts.push(compareSection([{ name: taken.includes(name) ? `${name} (this run)` : name, run }, ...compare], FULL, titled));
  }
  const curves = curveCharts(run, FULL);
  if (curves.length > 0) {
    parts.push(`<h2>Training and search curves</h2>
<p class="note">The warm-up trains the seed once (grey); each point then searches its masks from the warm weights and fine-tunes the exported model. The dot marks the search epoch whose masks were kept (lowest validation loss + regulariser).</p>`);
    parts.push(...curves.map(titled));
  }
  const masks = maskSections(run, FULL);
  parts.push('<h2>Mask evolution</h2>');
  if (masks.length === 0) {
    parts.push('<p class="note">This run did not record per-layer mask states (runs written before they were recorded, or a model without per-layer summaries).</p>');
  } else {
    parts.push(`<p class="note">Rows are the searchable layers, columns the search epochs. Grey cells: the quantity does not apply (receptive field and dilation are searched on stride-1 1-D convolutions only; bit-widths by mixed-precision searches only). The text at the right end of each row is the layer's state at the kept epoch (red outline), which is what was exported.</p>`);
    for (const m of masks) {
      parts.push(`<h3>${esc(`Point #${m.point.index} (${m.point.label ?? `${strengthSymbol(run)} = ${formatStrength(m.point.strength)}`})`)}</h3>`);
      if (m.unchanged.length > 0) parts.push(`<p class="note">${esc(`Unchanged by the search in every layer (not drawn): ${m.unchanged.join(', ')}.`)}</p>`);
      parts.push(...m.charts.map((c) => figure(c)));
    }
  }
  parts.push(`<h2>Architectures found</h2>
<p class="note">Per layer of each exported model: <i>seed → found</i> where the search changed it. Receptive field in input samples = (taps − 1) · dilation + 1. MACs are per inference.</p>`);
  parts.push(...run.points.map((p) => architectureTable(run, p)));
  return page({ title: `tsdnas ${run.command} report — ${String(run.config.dataset ?? run.dir)}`, body: parts.join('\n') });
}

/** Loads the runs to compare with `main`, each checked (naming its directory) before anything is written. */
export function loadCompared(main: RunData, dirs: readonly string[]): NamedRun[] {
  const names = runNames([main.dir, ...dirs]).slice(1);
  return dirs.map((dir, i) => {
    let run: RunData;
    try {
      run = loadRun(dir);
    } catch (e) {
      if (!(e instanceof NotARunError)) throw e;
      throw new NotARunError(`report: --compare '${dir}': ${e.message.replace(/^report: /, '')}`);
    }
    if (run.metric !== main.metric) throw new NotARunError(`report: --compare '${dir}': its runs are scored by ${run.metric}, those of '${main.dir}' by ${main.metric}; only runs of the same metric can be compared`);
    return { name: names[i], run };
  });
}

/** Builds <run-dir>/report.html from the files of a run (compared with the runs of compareDirs, if any); returns its path. */
export function writeReport(runDir: string, compareDirs: readonly string[] = []): string {
  // A multi-seed run (front.json of format tsdnas.seeds/1) gets the mean-front report.
  if (isSeedsRunDir(runDir)) {
    if (compareDirs.length > 0) throw new NotARunError(`report: --compare charts single runs against each other; '${runDir}' is a multi-seed run: compare it seed by seed with tsdnas compare ${runDir} <other run>`);
    return writeSeedsReport(runDir);
  }
  const run = loadRun(runDir);
  const compare = loadCompared(run, compareDirs);
  const html = renderReport(run, compare.length > 0 ? compare : undefined);
  const path = join(runDir, REPORT_FILE);
  writeFileAtomic(path, html);
  return path;
}

/**
 * The report at the end of a run: a failure to build it must not fail a run whose results are
 * already written, so it is reported as a warning naming the command that retries it.
 */
export function reportAfterRun(runDir: string, warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string | null {
  try {
    return writeReport(runDir);
  } catch (e) {
    warn(`warning: the HTML report could not be written (${(e as Error).message}); the run's results are saved; retry with: tsdnas report ${runDir}`);
    return null;
  }
}
