/**
 * The committed wasm modules (src/kernels/wasm/generated/modules.ts) are what the in-repo build
 * (AssemblyScript, an npm dev dependency) makes from the entry files in src/kernels/wasm/assembly/.
 */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';

describe('wasm build', () => {
  it('generated/modules.ts is up to date with the AssemblyScript source', () => {
    const out = execFileSync(process.execPath, ['src/kernels/wasm/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/up to date/);
    // Five AssemblyScript entry files in four variants: on a busy shared machine this exceeded the default 60 s.
  }, 180_000);
});
