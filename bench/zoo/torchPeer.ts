/**
 * Runs the PyTorch peer (bench/zoo/torch_zoo.py) once: every selected entry at every thread
 * count, in one subprocess under Debian's python3-torch, with PLiNIO on PYTHONPATH for the
 * search rows. Returns its parsed JSON, or why there is none.
 */

import { spawnSync } from 'node:child_process';
import { peerEntry, type ZooEntry } from './entries.js';
import { TIMING } from './tsStep.js';

export interface PeerRow {
  params: number | null;
  /** Median ms per thread count ("1", "2"). */
  ms: Record<string, number>;
  /** Why this row has no time (e.g. PLiNIO did not import, or the build failed). */
  missing?: string;
}

export interface PeerResult {
  torch: string;
  /** null when PLiNIO imported, else why not. */
  plinio: string | null;
  results: Record<string, PeerRow>;
}

const PLINIO = '/work/shared/peers/plinio/plinio';
const SCRIPT = new URL('./torch_zoo.py', import.meta.url).pathname;

export function runPeer(entries: readonly ZooEntry[], threads: readonly number[]): PeerResult | { missing: string } {
  const py = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (py === undefined) return { missing: 'python3-torch is not installed (apt-get install -y python3-torch python3-networkx)' };
  const env = { ...process.env, PYTHONPATH: [PLINIO, process.env.PYTHONPATH].filter(Boolean).join(':') };
  const r = spawnSync(py, [SCRIPT], {
    input: JSON.stringify({ entries: entries.map(peerEntry), threads, ...TIMING }), encoding: 'utf8', env, maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return { missing: `torch_zoo.py failed (exit ${r.status}): ${r.stderr.slice(-600)}` };
  return JSON.parse(r.stdout) as PeerResult;
}
