/**
 * A small dependency-free progress bar for long CLI work (epochs, data preparation, search).
 *
 * On a TTY it redraws one line in place (`\r`, then clear-to-end-of-line), throttled to about
 * 10 Hz so tight loops do not spend their time painting. When the stream is not a TTY (CI
 * logs, pipes, files), carriage-return redraws would turn into garbage, so by default it
 * prints nothing per tick and exactly one summary line at done(); a long job that wants
 * heartbeats in its log opts into a line every `logEveryPercent` percent.
 *
 * The formatting functions are pure and exported so they can be tested without a terminal.
 */

export type ProgressFields = Record<string, string | number>;

/** The subset of a writable stream the bar uses; process.stderr satisfies it. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Number of units of work; 0 is allowed and shows as complete. */
  total: number;
  label?: string;
  /** Default process.stderr, so progress never mixes into piped stdout results. */
  stream?: ProgressStream;
  /** Characters inside the brackets; default 20. */
  barWidth?: number;
  /** Overrides TTY detection (stream.isTTY, and TERM=dumb counts as no TTY). */
  tty?: boolean;
  /** Non-TTY only: also print a line each time this many percent complete; default 0 (off). */
  logEveryPercent?: number;
  /** Millisecond clock, injectable for tests; default performance.now. */
  now?: () => number;
}

export interface ProgressSnapshot {
  label: string;
  current: number;
  total: number;
  elapsedMs: number;
  fields: ProgressFields;
  barWidth: number;
  /** Final lines show the elapsed time ("in 12s") instead of an estimate ("eta 4s"). */
  final: boolean;
}

const REDRAW_INTERVAL_MS = 100;
const CLEAR_TO_END = '\x1b[K';

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Compact number: integers as-is, otherwise ~3 significant digits, exponent when huge or tiny. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) {
    const [mantissa, exponent] = x.toExponential(2).split('e') as [string, string];
    return `${stripZeros(mantissa)}e${exponent.replace('+', '')}`;
  }
  if (Number.isInteger(x)) return String(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return stripZeros(x.toFixed(1));
  if (a >= 1) return stripZeros(x.toFixed(2));
  return stripZeros(x.toPrecision(3));
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Compact duration: "350ms", "4.2s", "42s", "3m05s", "2h03m", "3d04h"; "?" when unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 0.5) return '0s';
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 9950) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${pad2(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${pad2(m % 60)}m`;
  return `${Math.floor(h / 24)}d${pad2(h % 24)}h`;
}

/** Throughput: "12.3 it/s", or "4.5 s/it" when slower than one per second (easier to read). */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '? it/s';
  return perSecond < 1 ? `${formatNumber(1 / perSecond)} s/it` : `${formatNumber(perSecond)} it/s`;
}

/** "#####-----" for fraction 0.5 at width 10; rounds down so the bar is full only when done. */
export function formatBar(fraction: number, width: number): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(clamped * width + 1e-9);
  return '#'.repeat(filled) + '-'.repeat(width - filled);
}

/** "loss=0.512 acc=93.1%": numbers are formatted compactly, strings shown verbatim. */
export function formatFields(fields: ProgressFields): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? formatNumber(value) : value}`)
    .join(' ');
}

function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : formatNumber(n);
}

/** One full progress line, e.g. `train [#####-----] 45/100 12.3 it/s eta 4.5s loss=0.512`. */
export function formatProgressLine(s: ProgressSnapshot): string {
  const fraction = s.total > 0 ? s.current / s.total : 1;
  const perSecond = s.elapsedMs > 0 ? (s.current * 1000) / s.elapsedMs : Number.NaN;
  const remaining = Math.max(0, s.total - s.current);
  const time = s.final
    ? `in ${formatDuration(s.elapsedMs)}`
    : `eta ${remaining === 0 ? formatDuration(0) : formatDuration((remaining / perSecond) * 1000)}`;
  const parts = [
    s.label,
    `[${formatBar(fraction, s.barWidth)}]`,
    `${formatCount(s.current)}/${formatCount(s.total)}`,
    formatRate(perSecond),
    time,
    formatFields(s.fields),
  ];
  return parts.filter((part) => part !== '').join(' ');
}

function checkOption(ok: boolean, name: string, value: unknown, want: string): void {
  if (!ok) throw new RangeError(`ProgressBar: option "${name}" must be ${want}, got ${String(value)}`);
}

export class ProgressBar {
  private readonly label: string;
  private readonly total: number;
  private readonly stream: ProgressStream;
  private readonly barWidth: number;
  private readonly tty: boolean;
  private readonly logEveryPercent: number;
  private readonly now: () => number;
  private readonly startedAt: number;
  private current = 0;
  private fields: ProgressFields = {};
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private nextLogPercent: number;
  private finished = false;

  constructor(options: ProgressOptions) {
    const { total, label = '', barWidth = 20, logEveryPercent = 0 } = options;
    checkOption(Number.isFinite(total) && total >= 0, 'total', total, 'a finite number >= 0');
    checkOption(Number.isInteger(barWidth) && barWidth >= 1, 'barWidth', barWidth, 'an integer >= 1');
    checkOption(
      Number.isFinite(logEveryPercent) && logEveryPercent >= 0 && logEveryPercent <= 100,
      'logEveryPercent',
      logEveryPercent,
      'a number from 0 (off) to 100',
    );
    this.label = label;
    this.total = total;
    this.stream = options.stream ?? process.stderr;
    this.barWidth = barWidth;
    this.tty = options.tty ?? (this.stream.isTTY === true && process.env['TERM'] !== 'dumb');
    this.logEveryPercent = logEveryPercent;
    this.nextLogPercent = logEveryPercent;
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    // Show the bar immediately, so a slow first step does not look like a hang.
    if (this.tty) this.redraw(this.startedAt);
  }

  /** Records `n` more units done and the latest fields; draws if a redraw is due. */
  tick(n = 1, fields?: ProgressFields): void {
    // A cosmetic helper must not crash long work, so late ticks (e.g. from callbacks) are ignored.
    if (this.finished) return;
    if (!Number.isFinite(n) || n < 0) {
      throw new RangeError(`ProgressBar ${JSON.stringify(this.label)}: tick(n) needs a finite n >= 0, got ${n}`);
    }
    this.current += n;
    if (fields !== undefined) Object.assign(this.fields, fields);
    const t = this.now();
    if (this.tty) {
      if (t - this.lastDrawAt >= REDRAW_INTERVAL_MS || this.current >= this.total) this.redraw(t);
    } else if (this.logEveryPercent > 0) {
      this.logMilestone(t);
    }
  }

  /** Finishes the bar with one final line (elapsed time instead of eta). Later calls do nothing. */
  done(finalFields?: ProgressFields): void {
    if (this.finished) return;
    this.finished = true;
    if (finalFields !== undefined) Object.assign(this.fields, finalFields);
    const line = formatProgressLine(this.snapshot(this.now(), true));
    this.stream.write(this.tty ? `\r${this.fit(line)}${CLEAR_TO_END}\n` : `${line}\n`);
  }

  private snapshot(t: number, final: boolean): ProgressSnapshot {
    return {
      label: this.label,
      current: this.current,
      total: this.total,
      elapsedMs: t - this.startedAt,
      fields: this.fields,
      barWidth: this.barWidth,
      final,
    };
  }

  private redraw(t: number): void {
    this.lastDrawAt = t;
    this.stream.write(`\r${this.fit(formatProgressLine(this.snapshot(t, false)))}${CLEAR_TO_END}`);
  }

  // The 100% line is left to done(), so a finished job logs one summary, not two.
  private logMilestone(t: number): void {
    const percent = this.total > 0 ? (this.current * 100) / this.total : 100;
    if (percent < this.nextLogPercent || percent >= 100) return;
    this.nextLogPercent = (Math.floor(percent / this.logEveryPercent) + 1) * this.logEveryPercent;
    this.stream.write(`${formatProgressLine(this.snapshot(t, false))}\n`);
  }

  // A line wider than the terminal wraps, and `\r` then only rewinds the last row.
  private fit(line: string): string {
    const columns = this.stream.columns;
    return columns !== undefined && columns > 1 && line.length >= columns ? line.slice(0, columns - 1) : line;
  }
}
