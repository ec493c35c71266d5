/** User-defined targets from JSON: the example files load and cost layers; bad files fail naming the file and field. */

import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fullSizes, gap8, parseTarget, BUILTIN_TARGETS, resolveTarget, targetCosts, type LayerSpec } from '../../src/hw/index.js';
import { loadTarget } from '../../src/hw/targets/file.js';

const conv16: LayerSpec = { name: 'c', kind: 'conv2d', cin: 16, cout: 16, kernel: [3, 3], groups: 1, depthwise: false, bias: false, outShape: [32, 32], inShape: [32, 32] };

describe('user targets', () => {
  it('targets/my-mcu.json: MAC/cycle table plus overheads, no library change', () => {
    const t = loadTarget('targets/my-mcu.json');
    expect(t.name).toBe('my-mcu');
    const c = t.cycles(conv16, fullSizes(conv16)).item();
    expect(c).toBeCloseTo(2_359_296 / 0.55 + 3 * 1024 * 144 + 12 * 1024 * 16 + 800, 0);
    expect(targetCosts(t).latency.fn(conv16, fullSizes(conv16)).item()).toBeCloseTo((c / 80e6) * 1e3, 4);
  });

  it('a based target keeps the built-in cycle model at another clock and power', () => {
    const t = loadTarget('./targets/gap8-175mhz.json');
    expect(t.cycles(conv16, fullSizes(conv16)).item()).toBe(gap8.cycles(conv16, fullSizes(conv16)).item());
    expect(t.clockHz).toBe(175e6);
    expect(t.powerW).toBeCloseTo(0.11, 9);
  });

  it('a based target may add a fixed cost per call', () => {
    const t = parseTarget({ name: 'g', base: 'gap8', clockMHz: 100, powerMW: 51, callCycles: 2000 }, 'inline', BUILTIN_TARGETS);
    expect(t.cycles(conv16, fullSizes(conv16)).item()).toBe(151_296 + 2000);
  });

  it('built-in names resolve without a file reader; unknown names list the choices', () => {
    expect(resolveTarget('stm32h7').name).toBe('stm32h7');
    expect(() => resolveTarget('stm32')).toThrow(/unknown target 'stm32'.*gap8.*JSON file/);
  });

  it('validation errors name the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdnas-target-'));
    const bad = (o: unknown) => {
      const p = join(dir, 'bad.json');
      writeFileSync(p, typeof o === 'string' ? o : JSON.stringify(o));
      return () => loadTarget(p);
    };
    const ok = { name: 'x', clockMHz: 10, powerMW: 1, macPerCycle: 1 };
    expect(bad({ ...ok, clockMHz: -1 })).toThrow(/bad\.json: field 'clockMHz' must be a positive number/);
    expect(bad({ ...ok, powerMW: undefined })).toThrow(/bad\.json: field 'powerMW' is required/);
    expect(bad({ ...ok, macPerCycle: { '8': { '8': 1, '4': 2 }, '4': { '8': 1 } } })).toThrow(/field 'macPerCycle\.4' has no entry for weight bits 4/);
    expect(bad({ ...ok, macPerCycle: { eight: { '8': 1 } } })).toThrow(/field 'macPerCycle\.eight' is not a bit-width/);
    expect(bad({ ...ok, clockMhz: 10 })).toThrow(/field 'clockMhz' is not a target field \(did you mean 'clockMHz'\?\)/);
    expect(bad({ ...ok, base: 'gap9' })).toThrow(/field 'base' must name a built-in target/);
    expect(bad({ ...ok, base: 'gap8' })).toThrow(/field 'macPerCycle' cannot be combined with 'base'/);
    expect(bad('{ nope')).toThrow(/bad\.json: not valid JSON/);
    expect(() => loadTarget(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read it \(ENOENT\)/);
    expect(() => parseTarget([], 'inline', BUILTIN_TARGETS)).toThrow(/target inline: must hold a JSON object/);
  });
});
