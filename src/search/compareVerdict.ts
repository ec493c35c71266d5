/**
 * The plain-words verdict of `tsdnas compare`: which front dominates more area on how many seeds,
 * what the paired t test says, and how much that can mean with the few seeds a search can afford.
 * With 3 seeds (2 degrees of freedom) a difference is significant at 5 % only when |t| ≥ 4.30,
 * i.e. when all differences agree in sign and their mean is large against their spread; three
 * wins out of three alone happen by chance one time in four. The text says so rather than
 * letting a count of wins read as proof.
 */

import type { FrontComparison } from './compareFronts.js';

const fmt = (v: number) => (Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());
const signed = (v: number) => `${v > 0 ? '+' : ''}${fmt(v)}`;
/** `p = 0.229` or `p < 0.001`. */
const pIs = (p: number | null) => (p === null ? 'p undefined' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

export function compareVerdict(c: Omit<FrontComparison, 'verdict'>): string {
  const { n, meanDifference: mean, sdDifference: sd, t, dof, p, tCritical: crit, aWins, bWins, ties, signTestP } = c.summary;
  const A = c.a.dir;
  const B = c.b.dir;
  const out: string[] = [];
  const seedWord = n === 1 ? 'seed' : 'seeds';
  const leader = mean > 0 ? A : B;
  const other = mean > 0 ? B : A;
  const lead = mean > 0 ? aWins : bWins;
  out.push(`On ${c.cost.axis} (log axis) against ${c.split} ${c.metric}, ${A}'s front has the larger hypervolume on ${aWins} of ${n} ${seedWord}, ${B}'s on ${bWins}${ties > 0 ? ` (${ties} tied)` : ''}; mean difference ${A} − ${B} = ${signed(mean)} ${c.unit}${sd === null ? '' : ` (sd ${fmt(sd)})`}.`);
  if (ties === n) {
    out.push(`The hypervolumes are equal on ${n === 1 ? 'this seed' : 'every seed'}: no difference between the fronts on this axis.`);
    return out.join(' ');
  }
  if (n === 1) {
    out.push(`With one seed there is no estimate of how much fronts vary from seed to seed, so this difference may be noise; run both with several seeds (tsdnas sweep --seeds 0,1,2) to test it.`);
    return out.join(' ');
  }
  const tText = t === null ? 't undefined' : !Number.isFinite(t) ? 't infinite (every seed differs by exactly the same amount)' : `t = ${t.toFixed(2)}`;
  const critText = crit === null ? '' : `, |t| ≥ ${crit.toFixed(2)} needed for 5 %`;
  if (p !== null && p < 0.05) {
    out.push(`Paired t test over the seeds: ${tText}, ${dof} dof, ${pIs(p)}${critText}: ${leader}'s front is better than ${other}'s, significant at the 5 % level.`);
    if (n <= 5) out.push(`With only ${n} seeds this rests on the differences agreeing and being large against their spread, which they are here; a few more seeds would make it firmer.`);
  } else {
    out.push(`Paired t test over the seeds: ${tText}, ${dof} dof, ${pIs(p)}${critText}: not significant at 5 %; the difference is within the seed-to-seed spread, so neither front can be called better yet.`);
    if (n <= 5) out.push(`With ${n} seeds nothing is significant at 5 % unless all differences agree in sign and are large compared with their spread.`);
    if (lead === n && n > 1) out.push(`${leader} wins on every seed, but ${n} seeds all agreeing happens by chance with probability ${Number((100 * signTestP).toPrecision(2))} % (two-sided sign test), so that alone is not evidence.`);
  }
  return out.join(' ');
}
