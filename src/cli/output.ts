/**
 * Live CLI output. A worker thread's process.stdout / stderr are streams that hand each chunk to
 * the main thread and take the next one only when the worker's own event loop has heard back;
 * the commands train synchronously, so their event loop never turns and every line after the
 * first waited (and piled up in memory) until the command ended. In the worker the two streams
 * therefore write straight to file descriptors 1 and 2 with fs.writeSync: the OS gets each line
 * as it is printed, in a terminal, a pipe or a file. On either thread the output is also copied
 * to the run's run.log (src/cli/runLog.ts), and the last byte of stderr is tracked so that a
 * final message starts on a line of its own instead of after a half-drawn progress bar.
 */

import { writeSync } from 'node:fs';
import { teeToRunLog } from './runLog.js';

type Chunk = string | Uint8Array;
type Callback = (err?: Error | null) => void;

let stderrLineOpen = false;
let quiet = false;
const deadFds = new Set<number>();
/** For sleeping while a non-blocking pipe is full (Atomics.wait is allowed off the browser main thread). */
const nap = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `data` to `fd` now. A closed terminal or reader (EIO, EPIPE) silences that fd rather than stopping the run. */
export function writeAllSync(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length && !deadFds.has(fd)) {
    try {
      off += writeSync(fd, data, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') Atomics.wait(nap, 0, 0, 1);
      else deadFds.add(fd);
    }
  }
}

function bytes(chunk: Chunk, encoding: unknown): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Routes process.stdout / stderr through the run log and the newline tracking; `direct` (in the
 * worker) also replaces their writes by synchronous writes to fd 1 / 2. Idempotent per stream.
 */
export function installLiveOutput(direct: boolean): void {
  patch(process.stdout, 1, direct);
  patch(process.stderr, 2, direct);
}

const patched = new WeakSet<object>();
/** Where bytes for fd 1 / 2 really go: the fd itself (worker) or the stream's own write (main thread, synchronous there). */
const raw = new Map<number, (data: Buffer) => void>();
let json = false;

function patch(stream: NodeJS.WriteStream, fd: number, direct: boolean): void {
  if (patched.has(stream)) return;
  patched.add(stream);
  const original = stream.write.bind(stream) as (chunk: Chunk, encoding?: unknown, cb?: unknown) => boolean;
  raw.set(fd, direct ? (data) => writeAllSync(fd, data) : (data) => { original(data); });
  const write = (chunk: Chunk, encoding?: unknown, cb?: unknown): boolean => {
    const data = bytes(chunk, encoding);
    // --json keeps stdout for its records: what a command prints there for people goes to stderr.
    const to = fd === 1 && json ? 2 : fd;
    const silent = quiet && fd === 2;
    if (data.length > 0) {
      const text = data.toString('utf8');
      teeToRunLog(text);
      if (to === 2 && !silent) stderrLineOpen = !text.endsWith('\n');
    }
    if (!silent) (raw.get(to) ?? raw.get(fd))!(data);
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') (done as Callback)(null);
    return true;
  };
  (stream as { write: unknown }).write = write;
}

/** --json: stdout carries only the records written by writeRecord; everything else printed there moves to stderr. */
export function setJsonStdout(on: boolean): void {
  json = on;
}

export function jsonStdout(): boolean {
  return json;
}

/** One line on the real stdout (not into run.log): a --json record. */
export function writeRecord(line: string): void {
  const out = raw.get(1);
  if (out !== undefined) out(Buffer.from(line));
  else process.stdout.write(line);
}

/**
 * --quiet: stderr (progress bars, epoch lines, notes) goes to run.log only, results on stdout
 * still print; an error is printed after setQuiet(false).
 */
export function setQuiet(on: boolean): void {
  quiet = on;
}

/**
 * Ends a progress bar's open line on stderr, so what follows starts a line of its own. On a
 * terminal the half-drawn bar is cleared instead: the main thread's Ctrl-C notice may already
 * have moved the cursor to a fresh line, where a newline would leave a blank one.
 */
export function endStderrLine(): void {
  if (stderrLineOpen) process.stderr.write(process.stderr.isTTY === true ? '\r\x1b[K' : '\n');
}
