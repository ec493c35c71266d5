/** Tests the progress bar's pure formatters and its TTY / non-TTY output with a fake clock. */

import { describe, expect, it } from 'vitest';
import {
  formatBar,
  formatDuration,
  formatFields,
  formatNumber,
  formatProgressLine,
  formatRate,
  ProgressBar,
  type ProgressStream,
} from '../../src/cli/progress.js';

class FakeStream implements ProgressStream {
  chunks: string[] = [];
  constructor(
    public isTTY: boolean,
    public columns?: number,
  ) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
}

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('formatters', () => {
  it('formats durations compactly', () => {
    const cases: [number, string][] = [
      [0, '0s'], [0.2, '0s'], [350, '350ms'], [999.4, '999ms'], [999.6, '1.0s'], [4200, '4.2s'],
      [9949, '9.9s'], [9950, '10s'], [42_000, '42s'], [59_600, '1m00s'], [185_000, '3m05s'],
      [3_600_000, '1h00m'], [7_380_000, '2h03m'], [273_600_000, '3d04h'],
      [-1, '?'], [Infinity, '?'], [NaN, '?'],
    ];
    for (const [ms, text] of cases) expect([ms, formatDuration(ms)]).toEqual([ms, text]);
  });

  it('formats numbers compactly', () => {
    const cases: [number, string][] = [
      [0, '0'], [3, '3'], [1500, '1500'], [-42, '-42'], [0.512, '0.512'], [0.5, '0.5'], [93.14, '93.1'],
      [12.0001, '12'], [1234.5, '1235'], [3.14159, '3.14'], [0.001, '0.001'], [0.0001234, '1.23e-4'],
      [2.5e7, '2.5e7'], [1e6, '1e6'], [NaN, 'NaN'], [Infinity, 'inf'], [-Infinity, '-inf'],
    ];
    for (const [x, text] of cases) expect([x, formatNumber(x)]).toEqual([x, text]);
  });

  it('formats rates, switching to seconds per item when slow', () => {
    expect(formatRate(12.345)).toBe('12.3 it/s');
    expect(formatRate(0.25)).toBe('4 s/it');
    expect(formatRate(0)).toBe('? it/s');
    expect(formatRate(Infinity)).toBe('? it/s');
  });

  it('draws bars that are full only when complete', () => {
    expect(formatBar(0.45, 10)).toBe('####------');
    expect(formatBar(0.999, 10)).toBe('#########-');
    expect(formatBar(1, 10)).toBe('##########');
    expect(formatBar(2, 4)).toBe('####');
    expect(formatBar(-1, 4)).toBe('----');
    expect(formatBar(0.3, 10)).toBe('###-------');
  });

  it('formats fields, numbers compactly and strings verbatim', () => {
    expect(formatFields({ loss: 0.51234, acc: '93.1%', step: 1500 })).toBe('loss=0.512 acc=93.1% step=1500');
    expect(formatFields({})).toBe('');
  });

  it('formats a running line and a final line', () => {
    const base = { label: 'train', current: 45, total: 100, elapsedMs: 3658.5, barWidth: 10 };
    const fields = { loss: 0.512, acc: '93.1%' };
    expect(formatProgressLine({ ...base, fields, final: false })).toBe(
      'train [####------] 45/100 12.3 it/s eta 4.5s loss=0.512 acc=93.1%',
    );
    expect(formatProgressLine({ ...base, current: 100, elapsedMs: 8000, fields: {}, final: true })).toBe(
      'train [##########] 100/100 12.5 it/s in 8.0s',
    );
    expect(formatProgressLine({ ...base, label: '', current: 0, elapsedMs: 0, fields: {}, final: false })).toBe(
      '[----------] 0/100 ? it/s eta ?',
    );
    expect(formatProgressLine({ ...base, total: 0, current: 0, fields: {}, final: false })).toBe(
      'train [##########] 0/0 ? it/s eta 0s',
    );
  });
});

describe('ProgressBar on a TTY', () => {
  it('redraws in place at most every 100 ms, and always at completion', () => {
    const stream = new FakeStream(true);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 4, label: 'ep', stream, now: clock.now, barWidth: 4 });
    expect(stream.chunks).toEqual(['\r' + 'ep [----] 0/4 ? it/s eta ?' + '\x1b[K']);
    clock.advance(50);
    bar.tick(); // too soon after the initial draw
    expect(stream.chunks).toHaveLength(1);
    clock.advance(50);
    bar.tick(1, { loss: 0.25 });
    expect(stream.chunks.at(-1)).toBe('\rep [##--] 2/4 20 it/s eta 100ms loss=0.25\x1b[K');
    clock.advance(10);
    bar.tick();
    expect(stream.chunks).toHaveLength(2);
    clock.advance(10);
    bar.tick(); // completion is always shown
    expect(stream.chunks).toHaveLength(3);
    bar.done({ acc: '90%' });
    expect(stream.chunks.at(-1)).toBe('\rep [####] 4/4 33.3 it/s in 120ms loss=0.25 acc=90%\x1b[K\n');
  });

  it('truncates lines to the terminal width so \\r still rewinds the whole line', () => {
    const stream = new FakeStream(true, 20);
    const bar = new ProgressBar({ total: 10, label: 'a-rather-long-label', stream, now: fakeClock().now });
    bar.done();
    for (const chunk of stream.chunks) expect(chunk.replace('\r', '').replace('\x1b[K', '').replace('\n', '').length).toBe(19);
  });
});

describe('ProgressBar off a TTY', () => {
  it('prints nothing per tick and one summary line at done', () => {
    const stream = new FakeStream(false);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 3, label: 'eval', stream, now: clock.now, barWidth: 3 });
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      bar.tick(1, { acc: 0.9 });
    }
    expect(stream.chunks).toEqual([]);
    bar.done();
    bar.done(); // idempotent
    bar.tick(); // ignored after done
    expect(stream.chunks).toEqual(['eval [###] 3/3 1 it/s in 3.0s acc=0.9\n']);
  });

  it('prints milestone lines when asked, leaving 100% to the summary', () => {
    const stream = new FakeStream(false);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 8, stream, now: clock.now, barWidth: 4, logEveryPercent: 25 });
    for (let i = 0; i < 8; i++) {
      clock.advance(500);
      bar.tick();
    }
    bar.done();
    expect(stream.chunks).toEqual([
      '[#---] 2/8 2 it/s eta 3.0s\n',
      '[##--] 4/8 2 it/s eta 2.0s\n',
      '[###-] 6/8 2 it/s eta 1.0s\n',
      '[####] 8/8 2 it/s in 4.0s\n',
    ]);
  });

  it('logs one line per crossed milestone even when a tick jumps several', () => {
    const stream = new FakeStream(false);
    const bar = new ProgressBar({ total: 10, stream, now: fakeClock().now, logEveryPercent: 10 });
    bar.tick(5);
    bar.tick(1);
    expect(stream.chunks).toHaveLength(2);
  });
});

describe('ProgressBar options', () => {
  it('rejects bad options and ticks, naming what is wrong', () => {
    const stream = new FakeStream(false);
    expect(() => new ProgressBar({ total: -1, stream })).toThrow(/option "total" must be a finite number >= 0, got -1/);
    expect(() => new ProgressBar({ total: NaN, stream })).toThrow(/option "total"/);
    expect(() => new ProgressBar({ total: 1, stream, barWidth: 0 })).toThrow(/option "barWidth" must be an integer >= 1/);
    expect(() => new ProgressBar({ total: 1, stream, logEveryPercent: 150 })).toThrow(/option "logEveryPercent"/);
    expect(() => new ProgressBar({ total: 1, label: 'x', stream }).tick(-2)).toThrow(/ProgressBar "x": tick\(n\) needs a finite n >= 0, got -2/);
  });

  it('lets the caller force TTY mode off', () => {
    const stream = new FakeStream(true);
    const bar = new ProgressBar({ total: 2, stream, tty: false, now: fakeClock().now });
    bar.tick();
    expect(stream.chunks).toEqual([]);
  });
});
