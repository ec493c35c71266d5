/**
 * Cortex-M harness of the C export: cross-compiles a generated library with arm-none-eabi-gcc for
 * a core, links it with a bare-metal start-up (vector table, .data / .bss set-up, no newlib start
 * files; newlib-nano only for memcpy / memset), embeds the test samples as const arrays, and runs
 * it in qemu-system-arm on a board with that core (MPS2 AN385 / AN386 / AN500 for M3 / M4 / M7, the
 * BBC micro:bit's nRF51 for M0). The program prints each sample's outputs through semihosting.
 *
 * Instruction counts: QEMU runs with -icount shift=0, so virtual time advances 1 ns per
 * instruction, and SysTick (the CPU clock) is read before and after each `<name>_run`: ticks ×
 * (1e9 / clock) instructions, with a resolution of one tick (40 instructions at 25 MHz). These are
 * instructions, not cycles: QEMU models no pipeline, wait states or caches.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CExport } from '../../src/io/c/index.js';
import { entryPoints } from './cHarness.js';

export type Core = 'm0' | 'm3' | 'm4' | 'm7';

interface Board { cpu: string; machine: string; flash: number; ram: number; clockHz: number; extra: string[] }

/** The QEMU board of each core, its memories (flash at 0, RAM at 0x20000000) and its SysTick clock. */
export const BOARDS: Readonly<Record<Core, Board>> = {
  m0: { cpu: 'cortex-m0', machine: 'microbit', flash: 256 * 1024, ram: 16 * 1024, clockHz: 16e6, extra: [] },
  m3: { cpu: 'cortex-m3', machine: 'mps2-an385', flash: 4 << 20, ram: 4 << 20, clockHz: 25e6, extra: [] },
  m4: { cpu: 'cortex-m4', machine: 'mps2-an386', flash: 4 << 20, ram: 4 << 20, clockHz: 25e6, extra: [] },
  m7: { cpu: 'cortex-m7', machine: 'mps2-an500', flash: 4 << 20, ram: 4 << 20, clockHz: 25e6, extra: [] },
};

const ok = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;

/** Why the Cortex-M check cannot run here, or null when it can. */
export function cortexMSkipReason(): string | null {
  if (!ok('arm-none-eabi-gcc', ['--version'])) return 'arm-none-eabi-gcc is not installed (Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)';
  const libc = spawnSync('arm-none-eabi-gcc', ['-mcpu=cortex-m4', '-mthumb', '--specs=nano.specs', '-print-file-name=libc_nano.a'], { encoding: 'utf8' }).stdout.trim();
  if (!existsSync(libc)) return 'newlib for arm-none-eabi is not installed (Debian: apt-get install libnewlib-arm-none-eabi)';
  if (!ok('qemu-system-arm', ['--version'])) return 'qemu-system-arm is not installed (Debian: apt-get install qemu-system-arm)';
  return null;
}

const START_C = String.raw`
#include <stdint.h>
extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;
int main(void);
static int semi(int op, void *arg) {
  register int r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}
void semi_puts(const char *s) { semi(0x04, (void *)s); }
/* SYS_EXIT_EXTENDED: reason ApplicationExit with the exit code. */
void semi_exit(int code) { uint32_t a[2]; a[0] = 0x20026u; a[1] = (uint32_t)code; semi(0x20, a); for (;;) {} }
void reset(void) {
  uint32_t *s = &_sidata, *d = &_sdata;
  while (d < &_edata) *d++ = *s++;
  for (d = &_sbss; d < &_ebss;) *d++ = 0;
  semi_exit(main());
}
static void fault(void) { semi_puts("HARDFAULT\n"); semi_exit(99); }
__attribute__((section(".vectors"), used)) static const void *vectors[16] = {
  &_estack, (void *)reset, (void *)fault, (void *)fault, (void *)fault, (void *)fault, (void *)fault
};
`;

const linkScript = (b: Board): string => `MEMORY { FLASH (rx) : ORIGIN = 0x00000000, LENGTH = ${b.flash}  RAM (rwx) : ORIGIN = 0x20000000, LENGTH = ${b.ram} }
SECTIONS {
  .text : { KEEP(*(.vectors)) *(.text*) *(.rodata*) . = ALIGN(4); } > FLASH
  _sidata = LOADADDR(.data);
  .data : { _sdata = .; *(.data*) . = ALIGN(4); _edata = .; } > RAM AT > FLASH
  .bss (NOLOAD) : { _sbss = .; *(.bss*) *(COMMON) . = ALIGN(4); _ebss = .; } > RAM
  _estack = ORIGIN(RAM) + LENGTH(RAM);
}
`;

const NODES_MAX = 256;

function mainC(e: CExport, samples: number, q16: boolean): string {
  const N = e.name.toUpperCase();
  const has = entryPoints(e);
  return `#include <stdint.h>
#include "${e.name}.h"
#include "samples.h"
void semi_puts(const char *s);
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
/* Per-node SysTick readings of the first sample (the library is built with TSD_NODE_DONE(n) = tsd_node_done(n) when profiling). */
static uint32_t node_at[${NODES_MAX}], node_seen[${NODES_MAX}], profiling = 1;
void tsd_node_done(int node);
void tsd_node_done(int node) { if (profiling && node < ${NODES_MAX}) { node_at[node] = SYST_CVR; node_seen[node] = 1; } }
static char line[12 * (2 * ${N}_OUTPUT_SIZE + ${q16 ? `${N}_INPUT_SIZE + ` : ''}${2 * (e.source.match(/TSD_NODE_DONE\(\d+\)/g) ?? []).length} + 8)];
static char *put(char *p, int32_t v) {
  char t[12];
  int n = 0;
  uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
  if (v < 0) *p++ = '-';
  do { t[n++] = (char)('0' + (char)(u % 10u)); u /= 10u; } while (u != 0u);
  while (n > 0) *p++ = t[--n];
  *p++ = ' ';
  return p;
}
int main(void) {
  static int32_t out[${N}_OUTPUT_SIZE], outq[${N}_OUTPUT_SIZE];
  static ${has.inType} codes[${N}_INPUT_SIZE];
  int32_t i, s, pred;
  uint32_t t0, t1;
  char *p;
  SYST_RVR = 0xFFFFFFu; SYST_CVR = 0u; SYST_CSR = 5u; /* processor clock, no interrupt */
  for (s = 0; s < ${samples}; s++) {
    for (i = 0; i < ${N}_INPUT_SIZE; i++) codes[i] = sample_codes[s][i];
    t0 = SYST_CVR;
    ${e.name}_run(codes, out);
    t1 = SYST_CVR;
    if (s == 0) {
      uint32_t prev = t0;
      p = line; *p++ = 'P'; *p++ = ' ';
      for (i = 0; i < ${NODES_MAX}; i++) if (node_seen[i]) { p = put(p, i); p = put(p, (int32_t)((prev - node_at[i]) & 0xFFFFFFu)); prev = node_at[i]; }
      *p++ = '\\n'; *p = 0;
      semi_puts(line);
      profiling = 0;
    }
    ${e.name}_output_q16(out, outq);
    pred = ${has.predict ? `${e.name}_predict(out)` : '-1'};
    p = line;
    *p++ = 'S'; *p++ = ' ';
    p = put(p, s); p = put(p, (int32_t)((t0 - t1) & 0xFFFFFFu)); p = put(p, pred);
    *p++ = '|'; *p++ = ' ';
    for (i = 0; i < ${N}_OUTPUT_SIZE; i++) p = put(p, out[i]);
    *p++ = '|'; *p++ = ' ';
    for (i = 0; i < ${N}_OUTPUT_SIZE; i++) p = put(p, outq[i]);
    ${q16 ? `*p++ = '|'; *p++ = ' ';
    ${e.name}_quantize_input_q16(sample_q16[s], codes);
    for (i = 0; i < ${N}_INPUT_SIZE; i++) p = put(p, codes[i]);` : ''}
    *p++ = '\\n'; *p = 0;
    semi_puts(line);
  }
  return 0;
}
`;
}

function samplesH(e: CExport, codes: Int32Array, q16: Int32Array | null, samples: number): string {
  const per = codes.length / samples;
  const rows = (a: Int32Array): string => Array.from({ length: samples }, (_, s) => `  { ${Array.from(a.subarray(s * per, (s + 1) * per)).join(', ')} }`).join(',\n');
  const { inType } = entryPoints(e);
  return `static const ${inType} sample_codes[${samples}][${per}] = {\n${rows(codes)}\n};\n` + (q16 === null ? '' : `static const int32_t sample_q16[${samples}][${per}] = {\n${rows(q16)}\n};\n`);
}

export interface CortexMRun {
  core: Core;
  outputs: Int32Array;
  outputsQ16: Int32Array;
  predictions: Int32Array;
  /** Codes of quantize_input_q16 (when q16 inputs were given). */
  q16Codes: Int32Array | null;
  /** Instructions per `<name>_run`, one per sample (resolution: one SysTick tick). */
  instructions: number[];
  /** With `profile`: instructions of each node of the first sample's run (node index → instructions; includes the hook's few instructions). */
  perNode: Map<number, number> | null;
  /** arm-none-eabi-size of the model's object file alone: flash = text + data, RAM = data + bss. */
  model: { text: number; data: number; bss: number };
  /** The same for the whole program (start-up, harness, samples, libc). */
  program: { text: number; data: number; bss: number };
  /** Whether the model's object code uses SMLAD (the DSP path). */
  smlad: boolean;
}

function sizeOf(file: string): { text: number; data: number; bss: number } {
  const out = execFileSync('arm-none-eabi-size', [file], { encoding: 'utf8' });
  const [text, data, bss] = out.trim().split('\n')[1].trim().split(/\s+/).map(Number);
  return { text, data, bss };
}

/** Cross-compile `e` for `core`, run it in QEMU on `samples` samples of input codes (and Q16.16 inputs, when given), and parse what it prints. */
export interface CortexMOptions {
  /** Q16.16 inputs for the on-device input quantiser (same layout as the codes). */
  q16?: Int32Array;
  /** Optimisation flag (default -O2). */
  opt?: string;
  /** Time each node of the first sample (TSD_NODE_DONE hook). */
  profile?: boolean;
  /** Count instructions (-icount shift=0; default true). Without it QEMU runs faster and `instructions` are meaningless. */
  icount?: boolean;
}

export function runOnCortexM(e: CExport, core: Core, codes: Int32Array, samples: number, o: CortexMOptions = {}): CortexMRun {
  const q16 = o.q16 ?? null;
  const opt = o.opt ?? '-O2';
  const board = BOARDS[core];
  const dir = mkdtempSync(join(tmpdir(), `tsdnas-${core}-`));
  writeFileSync(join(dir, `${e.name}.h`), e.header);
  writeFileSync(join(dir, `${e.name}.c`), e.source);
  writeFileSync(join(dir, 'start.c'), START_C);
  writeFileSync(join(dir, 'main.c'), mainC(e, samples, q16 !== null));
  writeFileSync(join(dir, 'samples.h'), samplesH(e, codes, q16, samples));
  writeFileSync(join(dir, 'link.ld'), linkScript(board));
  writeFileSync(join(dir, 'hook.h'), 'void tsd_node_done(int node);\n');
  const cpu = [`-mcpu=${board.cpu}`, '-mthumb', '-mfloat-abi=soft'];
  const strict = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic', '-Wconversion', opt, '-ffunction-sections', '-fdata-sections'];
  const gcc = (args: string[]) => {
    const r = spawnSync('arm-none-eabi-gcc', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`arm-none-eabi-gcc ${args.join(' ')} failed (${core}):\n${r.stderr}`);
  };
  gcc([...cpu, ...strict, ...(o.profile ? ['-DTSD_NODE_DONE(n)=tsd_node_done(n)', '-include', 'hook.h'] : []), '-c', `${e.name}.c`, '-o', `${e.name}.o`]);
  gcc([...cpu, '-std=c99', opt, '-c', 'main.c', '-o', 'main.o']);
  gcc([...cpu, '-std=c99', '-O2', '-c', 'start.c', '-o', 'start.o']);
  gcc([...cpu, '--specs=nano.specs', '-nostartfiles', '-Wl,--gc-sections', '-T', 'link.ld', 'start.o', 'main.o', `${e.name}.o`, '-o', 'prog.elf']);
  const q = spawnSync('qemu-system-arm', ['-M', board.machine, '-nographic', '-semihosting-config', 'enable=on,target=native', ...(o.icount === false ? [] : ['-icount', 'shift=0']), '-kernel', join(dir, 'prog.elf'), ...board.extra], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 28 });
  if (q.status !== 0) throw new Error(`qemu-system-arm -M ${board.machine} exited with ${q.status}${q.signal ? ` (${q.signal})` : ''}: ${q.stderr}\n${q.stdout.slice(-500)}`);
  // QEMU writes the semihosting console to stderr when stdout is not a terminal.
  const printed = q.stdout + q.stderr;
  if (printed.includes('HARDFAULT')) throw new Error(`the program faulted on ${board.cpu} (${board.machine})`);
  const lines = printed.split('\n').filter((l) => l.startsWith('S '));
  const nsPerTick0 = 1e9 / board.clockHz;
  const prof = printed.split('\n').find((l) => l.startsWith('P '));
  let perNode: Map<number, number> | null = null;
  if (o.profile && prof !== undefined) {
    const v = prof.slice(2).trim().split(/\s+/).filter((t) => t !== '').map(Number);
    perNode = new Map();
    for (let k = 0; k + 1 < v.length; k += 2) perNode.set(v[k], v[k + 1] * nsPerTick0);
  }
  if (lines.length !== samples) throw new Error(`qemu (${core}) printed ${lines.length} sample lines, expected ${samples}:\n${printed.slice(-500)}`);
  const outs: number[] = [], outq: number[] = [], preds: number[] = [], qc: number[] = [], instr: number[] = [];
  const nsPerTick = 1e9 / board.clockHz;
  for (const l of lines) {
    const parts = l.slice(2).split('|').map((x) => x.trim().split(/\s+/).filter((t) => t !== '').map(Number));
    instr.push(parts[0][1] * nsPerTick);
    preds.push(parts[0][2]);
    outs.push(...parts[1]);
    outq.push(...parts[2]);
    if (q16 !== null) qc.push(...parts[3]);
  }
  return {
    core, outputs: Int32Array.from(outs), outputsQ16: Int32Array.from(outq), predictions: Int32Array.from(preds),
    q16Codes: q16 === null ? null : Int32Array.from(qc), instructions: instr, perNode,
    model: sizeOf(join(dir, `${e.name}.o`)), program: sizeOf(join(dir, 'prog.elf')),
    smlad: /\bsmlad\b/.test(execFileSync('arm-none-eabi-objdump', ['-d', join(dir, `${e.name}.o`)], { encoding: 'utf8', maxBuffer: 1 << 26 })),
  };
}
