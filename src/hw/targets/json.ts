/**
 * User-defined targets as JSON files, validated before use (errors name the file and field):
 *   { "name": "my-mcu", "clockMHz": 64, "powerMW": 12,
 *     "macPerCycle": 0.5  or  { "8": { "8": 0.5, "4": 0.9 } }   (activation bits → weight bits → MAC/cycle),
 *     optional: "description", "nativeBits" (8), "depthwiseMacPerCycle", "linearMacPerCycle",
 *               "im2colCycles", "outputCycles", "callCycles" (0),
 *               "im2col": { "columns": 2, "bytesPerElement": 1, "cores": 1 } }
 * or a built-in cycle model at another operating point (optionally with a fixed cost per call):
 *   { "name": "gap8-175", "base": "gap8", "clockMHz": 175, "powerMW": 70, "callCycles": 2000 }
 */

import { nearest } from '../../util/schema.js';
import { mcuTarget } from './mcu.js';
import type { MacTable } from './macTable.js';
import type { HardwareTarget } from './types.js';
import type { EffectiveSizes, LayerSpec } from '../spec.js';
import { add } from '../../autograd/ops/elementwise.js';

const FIELDS = ['name', 'description', 'base', 'clockMHz', 'powerMW', 'nativeBits', 'macPerCycle', 'depthwiseMacPerCycle', 'linearMacPerCycle', 'im2colCycles', 'outputCycles', 'callCycles', 'im2col'] as const;

/** Parse and validate a target description; `where` names its source in errors. */
export function parseTarget(value: unknown, where: string, builtins: Readonly<Record<string, HardwareTarget>>): HardwareTarget {
  const fail = (field: string, what: string): never => {
    throw new Error(`target ${where}: field '${field}' ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`target ${where}: must hold a JSON object (fields: ${FIELDS.join(', ')})`);
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(FIELDS as readonly string[]).includes(k)) {
      const near = nearest(k, FIELDS);
      fail(k, `is not a target field${near ? ` (did you mean '${near}'?)` : ''}; known fields: ${FIELDS.join(', ')}`);
    }
  }
  const positive = (k: string, dflt?: number): number => {
    const v = o[k];
    if (v === undefined && dflt !== undefined) return dflt;
    if (v === undefined) return fail(k, 'is required (a positive number)');
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return fail(k, `must be a positive number, got ${JSON.stringify(v)}`);
    return v;
  };
  const nonNegative = (k: string): number => {
    const v = o[k] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return fail(k, `must be a number ≥ 0, got ${JSON.stringify(v)}`);
    return v;
  };
  const rate = (k: string, required: boolean): number | MacTable | undefined => {
    const v = o[k];
    if (v === undefined) return required ? fail(k, 'is required: MAC/cycle as a number, or a table { "<activation bits>": { "<weight bits>": MAC/cycle } }') : undefined;
    if (typeof v === 'number') return v > 0 && Number.isFinite(v) ? v : fail(k, `must be a positive number, got ${v}`);
    if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length === 0) return fail(k, 'must be a positive number or a non-empty table { "<activation bits>": { "<weight bits>": MAC/cycle } }');
    const widths = new Set<string>();
    for (const [a, row] of Object.entries(v as Record<string, unknown>)) {
      if (!/^[1-9]\d*$/.test(a)) fail(`${k}.${a}`, 'is not a bit-width (use keys such as "2", "4", "8")');
      if (typeof row !== 'object' || row === null || Array.isArray(row) || Object.keys(row).length === 0) fail(`${k}.${a}`, 'must be a table { "<weight bits>": MAC/cycle }');
      for (const [w, r] of Object.entries(row as Record<string, unknown>)) {
        if (!/^[1-9]\d*$/.test(w)) fail(`${k}.${a}.${w}`, 'is not a bit-width (use keys such as "2", "4", "8")');
        if (typeof r !== 'number' || !(r > 0) || !Number.isFinite(r)) fail(`${k}.${a}.${w}`, `must be a positive MAC/cycle, got ${JSON.stringify(r)}`);
        widths.add(w);
      }
    }
    for (const [a, row] of Object.entries(v as Record<string, Record<string, number>>)) {
      for (const w of widths) if (row[w] === undefined) fail(`${k}.${a}`, `has no entry for weight bits ${w}; give every weight width for every activation width`);
    }
    return v as MacTable;
  };
  const name = o.name;
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) fail('name', `is required: a name of letters, digits, '.', '_' or '-', got ${JSON.stringify(name)}`);
  const description = o.description ?? `user-defined target ${where}`;
  if (typeof description !== 'string') fail('description', 'must be a string');
  const clockHz = positive('clockMHz') * 1e6;
  const powerW = positive('powerMW') * 1e-3;
  if (o.base !== undefined) {
    const base = typeof o.base === 'string' ? builtins[o.base] : undefined;
    if (base === undefined) return fail('base', `must name a built-in target (${Object.keys(builtins).join(', ')}), got ${JSON.stringify(o.base)}`);
    const extra = Object.keys(o).filter((k) => !['name', 'description', 'base', 'clockMHz', 'powerMW', 'callCycles'].includes(k));
    if (extra.length > 0) fail(extra[0], `cannot be combined with 'base' (a based target changes only clockMHz, powerMW and callCycles)`);
    const callCycles = nonNegative('callCycles');
    // A fixed cost per call (e.g. GAP8's cluster fork and DMA set-up) added to the built-in cycle model.
    const cycles = callCycles === 0 ? base.cycles : (s: LayerSpec, e: EffectiveSizes) => add(base.cycles(s, e), callCycles);
    return { ...base, name: name as string, description: description as string, clockHz, powerW, cycles };
  }
  const nativeBits = positive('nativeBits', 8);
  if (!Number.isInteger(nativeBits)) fail('nativeBits', `must be an integer, got ${nativeBits}`);
  const im = o.im2col ?? { columns: 0, bytesPerElement: 1 };
  if (typeof im !== 'object' || im === null || Array.isArray(im)) return fail('im2col', 'must be { "columns": n, "bytesPerElement": b, "cores": c }');
  const imo = im as Record<string, unknown>;
  for (const k of Object.keys(imo)) if (!['columns', 'bytesPerElement', 'cores'].includes(k)) fail(`im2col.${k}`, 'is not a field (columns, bytesPerElement, cores)');
  const imNum = (k: string, dflt: number) => {
    const v = imo[k] ?? dflt;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return fail(`im2col.${k}`, `must be a number ≥ 0, got ${JSON.stringify(v)}`);
    return v;
  };
  return mcuTarget({
    name: name as string, description: description as string, clockHz, powerW, nativeBits,
    macPerCycle: rate('macPerCycle', true) as number | MacTable,
    depthwiseMacPerCycle: rate('depthwiseMacPerCycle', false),
    linearMacPerCycle: rate('linearMacPerCycle', false),
    im2colCycles: nonNegative('im2colCycles'), outputCycles: nonNegative('outputCycles'), callCycles: nonNegative('callCycles'),
    im2col: { columns: imNum('columns', 0), bytesPerElement: imNum('bytesPerElement', 1), cores: imNum('cores', 1) },
  });
}

/** Parse the text of a target file (errors name the file and, for bad contents, the field). */
export function parseTargetText(text: string, path: string, builtins: Readonly<Record<string, HardwareTarget>>): HardwareTarget {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`target file ${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseTarget(value, `file ${path}`, builtins);
}
