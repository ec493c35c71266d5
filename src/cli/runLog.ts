/**
 * run.log: a copy of what a run printed (stderr and stdout), appended line by line with
 * synchronous writes as the run goes, so a run killed by SIGKILL or the OOM killer still leaves
 * its log in the run directory. Terminal redraws are reduced to what the line finally showed:
 * the text after a line's last `\r`, without colour or clear-line escapes.
 */

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUN_LOG_FILE = 'run.log';

/** Lines printed before the run directory is known (the header, data preparation) wait here, up to this many characters. */
const EARLY_LIMIT = 64 * 1024;
/** A line this long without a newline is written as it is, so an endless redraw cannot grow memory. */
const PARTIAL_LIMIT = 64 * 1024;

const ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]/g;

let path: string | null = null;
let early = '';
let partial = '';

/** What a finished line looked like on a terminal: the last redraw, escapes removed. */
export function finalText(line: string): string {
  const r = line.lastIndexOf('\r');
  return (r < 0 ? line : line.slice(r + 1)).replace(ESCAPE, '');
}

/**
 * Starts (or continues: a resumed run appends) `<dir>/run.log`. The earlier lines of this process
 * go first, with the next line: `--force` clears the old run's files (run.log too) right after
 * the lock is taken, which is also why each write opens the file anew rather than keeping a
 * descriptor to a file that may have been replaced.
 */
export function startRunLog(dir: string): void {
  path = join(dir, RUN_LOG_FILE);
}

/** Lines from now on wait in memory again (the run directory was removed). */
export function stopRunLog(): void {
  path = null;
}

/** Feeds text the process printed; whole lines reach run.log (or wait for it) as soon as they end. */
export function teeToRunLog(text: string): void {
  partial += text;
  const end = partial.lastIndexOf('\n');
  if (end < 0 && partial.length < PARTIAL_LIMIT) return;
  const cut = end < 0 ? partial.length : end + 1;
  const lines = partial.slice(0, cut).split('\n').map(finalText).join('\n');
  partial = partial.slice(cut);
  if (path === null) {
    if (early.length < EARLY_LIMIT) early += lines;
    return;
  }
  try {
    appendFileSync(path, early + lines);
    early = '';
  } catch {
    // A full disk or a removed directory must not stop training; the terminal still shows the lines.
  }
}
