/**
 * The options that spread a sweep over processes, machines and seeds (`--jobs`, `--queue`,
 * `--seeds`): how a sweep runs, never what it computes (every point gives the same bits with any
 * --jobs or on any queue worker), so --jobs and --queue may change when a run is resumed.
 */

import { join } from 'node:path';
import type { Schema } from '../util/schema.js';
import { UsageError } from './args.js';
import { checkQueueName, DEFAULT_QUEUE_NAME, parseQueueUrl, type QueueAddress } from './worker/queueUrl.js';

export const SCALE_SCHEMA = {
  jobs: {
    type: 'number', default: 1, min: 1, max: 256, integer: true,
    help: 'worker processes running the sweep\'s warm-ups and points at once on this machine (they share each warm-up); every point gives the same bits as with --jobs 1; more jobs than free cores only slows the run down',
  },
  queue: {
    type: 'optional-string',
    help: 'redis://host:port[/db]: put the warm-ups and points on a BullMQ queue on that Redis server, run by \'tsdnas worker --queue <same URL>\' processes on any machines (same tsdnas version; they need the data); this process collects the results into --out; see docs/scale.md',
  },
  queueName: { type: 'string', default: DEFAULT_QUEUE_NAME, help: 'the BullMQ queue of --queue (the workers\' --queue-name)' },
  seeds: {
    type: 'number-list', default: [], allowEmpty: true, min: 0,
    help: 'repeat the whole protocol (split, initialisation, order) for each seed, e.g. 0,1,2: <out>/seed-<s>/ holds each seed\'s complete run, <out>/front.json and front.csv the mean, spread and every seed\'s value per point; instead of --seed',
  },
} as const satisfies Schema;

/** The seeds of --seeds, checked: whole numbers, no repeats, not together with --seed. */
export function checkSeeds(seeds: readonly number[], argv: readonly string[], command: string): number[] {
  if (seeds.length === 0) return [];
  const bad = seeds.find((s) => !Number.isInteger(s) || s > 0xffffffff);
  if (bad !== undefined) throw new UsageError(`--seeds: ${bad} is not a whole number from 0 to 4294967295`);
  const dup = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (dup !== undefined) throw new UsageError(`--seeds ${seeds.join(',')}: seed ${dup} is given twice`);
  if (argv.some((a) => a === '--seed' || a.startsWith('--seed='))) throw new UsageError(`tsdnas ${command}: give either --seed or --seeds, not both`);
  return [...seeds];
}

/** The Redis address and queue name of --queue, checked (a usage error naming the option), or null without --queue. */
export function checkQueue(cfg: { queue?: string; queueName: string }): { address: QueueAddress; name: string } | null {
  if (cfg.queue === undefined) return null;
  return { address: parseQueueUrl(cfg.queue), name: checkQueueName(cfg.queueName) };
}

/** The seed run directory of seed `s` inside a multi-seed run directory. */
export function seedRunDir(outDir: string, seed: number): string {
  return join(outDir, `seed-${seed}`);
}

/** The options a resumed run may change: how it is spread, never what it computes. */
export const RESUME_SCALE_FLAGS = ['--jobs', '--queue', '--queue-name'] as const;

/** A resumed run's saved config with the spreading options given now (else its own). */
export function withScaleOverrides<C extends { jobs: number; queue?: string; queueName: string }>(saved: C, given: C, argv: readonly string[]): C {
  const has = (flag: string) => argv.some((a) => a.split('=')[0] === flag);
  return {
    ...saved,
    jobs: has('--jobs') ? given.jobs : saved.jobs,
    queue: has('--queue') ? given.queue : saved.queue,
    queueName: has('--queue-name') ? given.queueName : saved.queueName,
  };
}

/** True when the options ask for a run spread over tasks (--seeds, --jobs > 1, --queue). */
export function isScaled(cfg: { jobs: number; queue?: string }, seeds: readonly number[]): boolean {
  return seeds.length > 0 || cfg.jobs > 1 || cfg.queue !== undefined;
}
