/**
 * --json: one JSON record per event on stdout ({"event":"epoch",...}, "point", "done",
 * "error"), for scripts that follow a run. Only plain data is written: class instances (a
 * point's model, tensors) are left out, and NaN / Infinity become null as JSON has no such
 * numbers.
 */

import { jsonStdout, writeRecord } from './output.js';

function plain(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null ? value : undefined;
}

/** Writes `{event, ...fields}` when --json is on; does nothing otherwise. */
export function emitEvent(event: 'epoch' | 'point' | 'done' | 'error', fields: object): void {
  if (!jsonStdout()) return;
  writeRecord(`${JSON.stringify({ event, ...fields }, plain)}\n`);
}

type Hook = (...args: unknown[]) => unknown;

/**
 * The same hooks, also emitting a record after each epoch (`onEpoch` of phase `phase`,
 * `onFitEpoch` with its own phase) and each finished point (`onPoint`, after its files are written),
 * through `emit` (stdout by default; a worker process sends them to its coordinator instead).
 */
export function withEvents<H extends object>(hooks: H, phase: string, emit: (event: 'epoch' | 'point', fields: object) => void = emitEvent): H {
  const given = hooks as Record<string, unknown>;
  const out: Record<string, unknown> = { ...given };
  const wrap = (name: string, record: (args: unknown[]) => ['epoch' | 'point', object]) => {
    const hook = given[name];
    if (typeof hook !== 'function') return;
    out[name] = (...args: unknown[]) => {
      const result = (hook as Hook)(...args);
      emit(...record(args));
      return result;
    };
  };
  wrap('onEpoch', ([r]) => ['epoch', { phase, ...(r as object) }]);
  wrap('onFitEpoch', ([p, r]) => ['epoch', { phase: p, ...(r as object) }]);
  wrap('onPoint', ([p, i]) => ['point', { index: i, ...(p as object) }]);
  return out as H;
}
