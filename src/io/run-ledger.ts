/**
 * The ledger of a resumable run (search, sweep, mps), `<run-dir>/state/ledger.json`: a sha256 of
 * state/run.json as written when the run started (and the config it held), a sha256 of every file
 * of each finished point-<i>/ as written when the point finished, and the seconds the run has
 * spent over all its segments. --resume checks the first two, so an edited run.json or a
 * deleted / changed point is refused naming what changed instead of resuming silently wrong;
 * the seconds make a resumed run report its whole time. Removed with state/ when the run ends.
 */

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic.js';

export const LEDGER_FILE = 'ledger.json';
const LEDGER_FORMAT = 'tsdnas.ledger/1';

interface Ledger {
  format: string;
  run: { sha256: string; config: Record<string, unknown> };
  /** point index → file path relative to the run directory → sha256 */
  points: Record<string, Record<string, string>>;
  seconds: number;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The config object of a run.json (as written, without revivers); {} when unreadable. */
function fileConfig(runFile: string): Record<string, unknown> {
  try {
    const c = (JSON.parse(readFileSync(runFile, 'utf8')) as { config?: unknown }).config;
    return c !== null && typeof c === 'object' ? (c as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Keys whose values differ between two configs (added, removed or changed). */
function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

export class RunLedger {
  private readonly path: string;
  private segmentStart = performance.now();
  private secondsBefore = 0;
  /** Set by begin or a passed verify: only then does this process own the record's time and points. */
  private active = false;

  constructor(private readonly runDir: string, stateDir: string) {
    this.path = join(stateDir, LEDGER_FILE);
  }

  private read(): Ledger | null {
    if (!existsSync(this.path)) return null;
    try {
      const l = JSON.parse(readFileSync(this.path, 'utf8')) as Ledger;
      if (l.format !== LEDGER_FORMAT || typeof l.run?.sha256 !== 'string' || typeof l.points !== 'object' || typeof l.seconds !== 'number') throw new Error(`not a '${LEDGER_FORMAT}' record`);
      return l;
    } catch (e) {
      throw new Error(`${this.path}: cannot read the run's ledger (${(e as Error).message}); the state is damaged — start the run again (tsdnas … --force)`);
    }
  }

  /** A fresh run: records run.json (just written) and its config. */
  begin(runFile: string): void {
    writeJsonAtomic(this.path, { format: LEDGER_FORMAT, run: { sha256: sha256(runFile), config: fileConfig(runFile) }, points: {}, seconds: 0 } satisfies Ledger);
    this.segmentStart = performance.now();
    this.active = true;
  }

  /**
   * Before a resume: run.json and every finished point's files must be as recorded. Throws
   * naming the file (and run.json's changed keys). A run without a ledger (started by an older
   * tsdnas) is not checked.
   */
  verify(runFile: string): void {
    const l = this.read();
    if (l === null) return;
    if (sha256(runFile) !== l.run.sha256) {
      const keys = changedKeys(l.run.config, fileConfig(runFile));
      const what = keys.length > 0 ? `keys that differ: ${keys.join(', ')}` : 'its text differs';
      throw new Error(`${runFile} was changed since the run started (${what}); a resumed run must continue with the config it started with — restore the file, or start a new run (--force to replace this one)`);
    }
    for (const [point, files] of Object.entries(l.points)) {
      for (const [rel, hash] of Object.entries(files)) {
        const path = join(this.runDir, rel);
        if (!existsSync(path)) throw new Error(`${path} of finished point ${point} is missing (deleted?); the run cannot resume consistently — restore it, or start a new run (--force to replace this one)`);
        if (sha256(path) !== hash) throw new Error(`${path} of finished point ${point} was changed since the point finished; the run cannot resume consistently — restore it, or start a new run (--force to replace this one)`);
      }
    }
    this.secondsBefore = l.seconds;
    this.segmentStart = performance.now();
    this.active = true;
  }

  /** Seconds over all segments of the run so far. */
  seconds(): number {
    return this.secondsBefore + (performance.now() - this.segmentStart) / 1000;
  }

  /** Records the time spent so far (called after each epoch and point, and on a stop). */
  saveSeconds(): void {
    if (!this.active) return;
    const l = this.read();
    if (l !== null) writeJsonAtomic(this.path, { ...l, seconds: this.seconds() });
  }

  /** True when point `index`'s files were written and recorded (recordPoint). */
  hasPoint(index: number): boolean {
    return this.read()?.points[index] !== undefined;
  }

  /** A point finished: the sha256 of every file written to point-<i>/, and the time so far. */
  recordPoint(index: number): void {
    if (!this.active) return;
    const l = this.read();
    if (l === null) return;
    const dir = `point-${index}`;
    const files = Object.fromEntries(readdirSync(join(this.runDir, dir), { withFileTypes: true })
      .filter((e) => e.isFile()).map((e) => [`${dir}/${e.name}`, sha256(join(this.runDir, dir, e.name))]));
    writeJsonAtomic(this.path, { ...l, points: { ...l.points, [index]: files }, seconds: this.seconds() });
  }
}
