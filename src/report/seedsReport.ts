/**
 * The report of a multi-seed run directory (front.json of format `tsdnas.seeds/1`, written by
 * writeSeedsFront): the mean front with ±1 sd error bars per cost axis and every seed's points
 * behind it, the split sizes in words next to the charts, a table per point, each seed's test
 * metric, and links to every seed's own report.html. One self-contained page like the
 * single-run report; `writeReport` (build.ts) sends multi-seed directories here.
 */

import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { frontFormatOf, readSeedsFront } from '../io/seeds-front.js';
import { SEEDS_FORMAT, type SeedsFront } from '../search/seeds.js';
import { page } from './page.js';
import { esc } from './svg/markup.js';
import { costInfo, formatStrength, strengthSymbol } from './labels.js';
import { splitSentence, splitsPerSeed } from './splits.js';
import { metricMeanSd, perSeedTable, seedsFrontCharts, seedsPointsTable } from './sections/seedsFront.js';
import { NotARunError } from './load.js';

const HALF = 539;
const REPORT = 'report.html';

/** Whether `dir` holds a multi-seed run (a front.json of format tsdnas.seeds/1). */
export function isSeedsRunDir(dir: string): boolean {
  try {
    return frontFormatOf(dir) === SEEDS_FORMAT;
  } catch {
    return false;
  }
}

function figure(svgMarkup: string): string {
  const t = /<title>([^<]*)<\/title>/.exec(svgMarkup)?.[1] ?? '';
  return `<figure>${svgMarkup}<figcaption>${t.charAt(0).toUpperCase() + t.slice(1)}</figcaption></figure>`;
}

function header(agg: SeedsFront, dir: string): string {
  const c = agg.config;
  const run = { config: c, budgetSweep: agg.budgetSweep };
  const strengths = agg.points.filter((p) => p.strength !== null).map((p) => p.budget ?? formatStrength(p.strength));
  const meta: [string, string][] = [
    ['dataset', String(c.dataset ?? '–')],
    ['seed model', String(c.model ?? '–')],
    ['regulariser', `${c.regularizer === undefined ? 'plain' : String(c.regularizer)} on ${String(c.cost ?? '–')}`],
    [`${strengthSymbol(run)} values`, strengths.join(', ') || '–'],
    ['epochs', `warm-up ${String(c.warmupEpochs ?? '–')}, search ${String(c.searchEpochs ?? '–')}, fine-tune ${String(c.finetuneEpochs ?? '–')}`],
    ['seeds', `${agg.seeds.join(', ')} (${agg.seeds.length} runs)`],
    [agg.baseline.label === 'seed' ? 'seed model (before search)' : 'float model (unquantised)', `test ${metricMeanSd(agg, agg.baseline.stats[`test_${agg.metric}`])} (mean ± sd over seeds)`],
    ['run directory', dir],
  ];
  if (agg.configDiffers.length > 0) meta.push(['options that differ by seed', agg.configDiffers.join(', ')]);
  return `<h1>${esc(`tsdnas ${agg.command} over ${agg.seeds.length} seeds: ${String(c.dataset ?? 'run')} / ${String(c.model ?? '')}`)}</h1>
<p class="lead">Multi-seed report: the same ${esc(agg.command)} run once per seed, each point summarised over the seeds. Hover a point for its exact values.</p>
<dl class="meta">${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

function splitsNote(agg: SeedsFront): string {
  const s = agg.splits;
  if (s === null) return '<p class="note splits">The runs did not record their split sizes (written before front.json had <code>splits</code>).</p>';
  if (s.same) return `<p class="note splits">${esc(splitSentence({ train: s.train as number, val: s.val as number, test: s.test as number }, agg.metric, agg.config.dataset))}</p>`;
  return `<p class="note splits">${esc(splitsPerSeed(s.perSeed, s.unknown))}</p>`;
}

function seedLinks(agg: SeedsFront, dir: string): string {
  const items = agg.runs.map((r) => {
    const href = `${r.dir === '.' ? '' : `${r.dir}/`}${REPORT}`;
    const there = existsSync(isAbsolute(r.dir) ? join(r.dir, REPORT) : join(dir, r.dir, REPORT));
    return `<li><a href="${esc(encodeURI(href))}">seed ${esc(r.seed)}</a> — <code>${esc(href)}</code>${there ? '' : ' (not written yet: run <code>tsdnas report</code> on that directory)'}</li>`;
  });
  return `<h2>Each seed's run</h2>
<p class="note">Every seed's run is a complete single-seed run with its own report (curves, mask heat maps, architectures).</p>
<ul class="seeds">${items.join('')}</ul>`;
}

/** The report page of a multi-seed run read from `dir`. */
export function renderSeedsReport(agg: SeedsFront, dir: string): string {
  const parts = [header(agg, dir)];
  const charts = seedsFrontCharts(agg, HALF);
  const axes = agg.costAxes.map((a) => costInfo(a.axis).short).join(', ');
  parts.push(`<h2>Mean front over ${agg.seeds.length} seeds</h2>
<p class="note">Each large point is one search (one strength, budget or baseline) averaged over the seeds, after export and fine-tuning, tested on the test split; bars are ±1 standard deviation over the seeds (sample sd, n − 1) on the metric and, where the found model's size differs by seed, on the cost. Solid points are on the front of the means (no other mean is at least as good in both metric and cost); faded ones are dominated. The small faint dots are each seed's own points, in the colour of their point.${axes === '' ? '' : ` Costs: ${esc(axes)}.`}</p>`);
  parts.push(splitsNote(agg));
  for (let i = 0; i < charts.length; i += 2) parts.push(`<div class="grid2">${charts.slice(i, i + 2).map(figure).join('')}</div>`);
  if (charts.length === 0) parts.push('<p class="note">No cost is recorded by every point of every seed, so there is no front to chart.</p>');
  parts.push(seedsPointsTable(agg));
  parts.push(perSeedTable(agg));
  parts.push(`<p class="note">To test whether this front beats another run's, paired by seed: <code>tsdnas compare ${esc(dir)} &lt;other run&gt;</code>.</p>`);
  parts.push(seedLinks(agg, dir));
  return page({ title: `tsdnas ${agg.command} over ${agg.seeds.length} seeds — ${String(agg.config.dataset ?? dir)}`, body: parts.join('\n') });
}

/** Builds <dir>/report.html of a multi-seed run; returns its path. */
export function writeSeedsReport(dir: string): string {
  let agg: SeedsFront;
  try {
    agg = readSeedsFront(dir);
  } catch (e) {
    throw new NotARunError(`report: ${(e as Error).message}`);
  }
  const path = join(dir, REPORT);
  writeFileAtomic(path, renderSeedsReport(agg, dir));
  return path;
}
