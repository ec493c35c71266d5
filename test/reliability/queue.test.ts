/**
 * `tsdnas sweep --queue`: the warm-up and points go through BullMQ on a private redis-server to
 * `tsdnas worker --queue` processes, and the run equals a one-process sweep file for file and bit
 * for bit, even when a worker is SIGKILLed mid-point (its job goes back to the queue after the
 * stall time and another worker reruns it). A coordinator stopped with Ctrl-C after the warm-up
 * is resumed with --resume, re-attaches to the jobs it queued and ends with the same front. A bad
 * --queue is a usage error naming the option.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, hasEcg200, stableJson } from './cli.js';
import { runAndSignal } from './kill.js';
import { ended, hasRedis, startRedis, startWorker, waitFor, type Redis, type Worker } from './queueProcs.js';

const SWEEP = ['sweep', '--dataset', 'ecg200', '--backend', 'wasm', '--warmup-epochs', '3', '--search-epochs', '6', '--finetune-epochs', '2', '--lambdas', '1e-6,1e-4,1e-3,1e-2'];
const POINTS = [0, 1, 2, 3];
const QUEUE_NAME = 'tsdnas-test';

function expectSameRun(a: string, b: string): void {
  expect(readdirSync(b).sort()).toEqual(readdirSync(a).sort());
  expect(stableJson(join(b, 'front.json'))).toBe(stableJson(join(a, 'front.json')));
  for (const i of POINTS) {
    expect(readdirSync(join(b, `point-${i}`)).sort()).toEqual(readdirSync(join(a, `point-${i}`)).sort());
    expect(readFileSync(join(b, `point-${i}`, 'model.safetensors')).equals(readFileSync(join(a, `point-${i}`, 'model.safetensors'))), `point ${i} model`).toBe(true);
    expect(stableJson(join(b, `point-${i}`, 'summary.json'))).toBe(stableJson(join(a, `point-${i}`, 'summary.json')));
  }
}

describe('tsdnas sweep --queue: usage', () => {
  it('a bad --queue (or --queue-name) is a usage error naming the option, before any data is loaded', async () => {
    const scheme = await cli(['sweep', '--dataset', 'ecg200', '--queue', 'http://localhost:6379', '--out', join(tmpdir(), 'tsdnas-queue-never')]);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toMatch(/--queue http:\/\/localhost:6379: the scheme must be redis:\/\//);
    const port = await cli(['sweep', '--dataset', 'ecg200', '--queue', 'redis://localhost:99999']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--queue redis:\/\/localhost:99999: not a valid URL/);
    const name = await cli(['sweep', '--dataset', 'ecg200', '--queue', 'redis://localhost', '--queue-name', 'a:b']);
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/--queue-name 'a:b'/);
    const worker = await cli(['worker', '--queue', 'redis://localhost/x']);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toMatch(/--queue redis:\/\/localhost\/x: '\/x' is not a database number/);
  }, 60_000);
});

const skip = !hasRedis ? 'redis-server is not on PATH (apt-get install redis-server)' : !hasEcg200 ? 'the ECG200 data is missing' : null;

describe.skipIf(skip !== null)(`tsdnas sweep --queue with workers${skip === null ? '' : ` — skipped: ${skip}`}`, () => {
  let redis: Redis | null = null;
  let tmp = '';
  let local = '';
  const workers: Worker[] = [];
  const worker = async () => {
    const w = startWorker(['--queue', redis?.url ?? '', '--queue-name', QUEUE_NAME, '--stalled-seconds', '2']);
    workers.push(w);
    await waitFor(w.proc, w.stderr, /waiting for jobs/);
    return w;
  };

  beforeAll(async () => {
    redis = await startRedis();
    tmp = mkdtempSync(join(tmpdir(), 'tsdnas-queue-'));
    local = join(tmp, 'local');
    const r = await cli([...SWEEP, '--quiet', '--out', local]);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.dispose()));
    redis?.stop();
    if (redis !== null) await ended(redis.proc);
    if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
  });

  it('three workers, one SIGKILLed mid-point: the coordinator finishes with the files and bits of a one-process sweep', async () => {
    const pool = await Promise.all([worker(), worker(), worker()]);
    const out = join(tmp, 'queued');
    const coordinator = cli([...SWEEP, '--queue', redis?.url ?? '', '--queue-name', QUEUE_NAME, '--out', out]);
    // The first worker to print a search epoch of a point is killed there.
    const point = /\[([0-9a-f]{24}-p\d+)\] search epoch \d/;
    const victim = await Promise.any(pool.map((w) => waitFor(w.proc, w.stderr, point).then(() => w)));
    const job = (point.exec(victim.stderr()) as RegExpExecArray)[1];
    const killedAt = Date.now();
    victim.kill('SIGKILL');
    const r = await coordinator;
    expect(r.code, r.stderr).toBe(0);
    expectSameRun(local, out);
    // Another worker ran the killed job again once its lock ran out, and the coordinator said so.
    const rerun = pool.filter((w) => w !== victim).map((w) => ({ w, l: w.lines.find((x) => x.line.includes(`started job ${job}`)) })).find((x) => x.l !== undefined);
    expect(rerun, `nobody reran ${job}`).toBeDefined();
    expect(r.stderr).toMatch(new RegExp(`\\[[^\\]]+:${victim.pid} · point \\d\\] .*stopped answering`));
    expect(r.stderr).toMatch(/\[[^\]]+:\d+ · point \d\] search epoch 1:/);
    console.log(`queue: killed worker ${victim.pid} during ${job}; worker ${rerun?.w.pid} started it again ${((rerun?.l?.at ?? killedAt) - killedAt) / 1000} s later (--stalled-seconds 2)`);
  }, 120_000);

  it('a coordinator stopped (SIGINT) after the warm-up is resumed with --resume, re-attaches to its jobs and ends with the same front', async () => {
    while (workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null).length < 2) await worker();
    const out = join(tmp, 'resumed');
    const stopped = await runAndSignal([...SWEEP, '--queue', redis?.url ?? '', '--queue-name', QUEUE_NAME, '--out', out], join(out, 'state'), { writes: 1, only: 'warm.safetensors', delayMs: 0 }, 'SIGINT');
    expect(stopped.sent).toBe(true);
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted; continue with .*sweep --resume .*keep running on the workers/);
    // The workers go on without the coordinator: wait until one of its points has finished on the queue.
    const key = (/queued as job ([0-9a-f]{24})-warm/.exec(stopped.stderr) as RegExpExecArray)[1];
    await Promise.any(workers.filter((w) => w.proc.exitCode === null).map((w) => waitFor(w.proc, w.stderr, new RegExp(`finished job ${key}-p\\d`))));
    // --queue and --queue-name come from the run's state (recorded when it began).
    const resumed = await cli(['sweep', '--resume', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`job ${key}-p\\d had finished: collected`));
    expectSameRun(local, out);
  }, 120_000);
});
