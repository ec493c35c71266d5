/**
 * tsdnas PIT sweep and PLiNIO (the PIT authors' PyTorch library, ../shared/peers/plinio) side by
 * side, on exactly the same protocol: the same rows (one splits file for both), the same
 * per-series standardisation (checked value for value against the kit's definition), the same
 * seed networks (bench/plinio/*.json, parameter counts asserted), the kit's epochs, batch,
 * optimiser and selection rules (TSDNAS_PROTOCOL below), and the same λ grid and seeds.
 *
 *   npx tsx bench/plinioSideBySide.ts --dataset ECG200|EOG|ECG5000 [--seeds 0,1,2]
 *       [--lambdas 1e-6,3e-6,1e-5,3e-5 | --budgets 50%,20%,5%,1%]
 *       [--peer run | <results .json/.jsonl files, comma-separated> | none] [--peer-tag <tag>]
 *       [--work <dir>] [--shared <dir>] [--peer-epochs W,S,F] [--allow-protocol-gaps]
 *       [-- <extra tsdnas sweep options>]
 *
 * For each seed it runs `tsdnas sweep` (a child process, CPU time by /usr/bin/time) and, with
 * `--peer run`, bench/plinio/run_peer.py under Debian's /usr/bin/python3 (torch 1.13, 1 thread).
 * It prints per λ (or budget) the mean ± sd over seeds of params and test accuracy of both sides
 * (and the accuracy right after export), then the fronts: for each PLiNIO mean point, the
 * smallest tsdnas mean point at least as accurate (and within 1 point), and the verdict
 * "tsdnas front dominates or equals PLiNIO at k of n points"; CPU seconds per side, the load
 * average, the backend tsdnas ran. Everything goes to <work>/side-by-side.json.
 *
 * --budgets is passed to tsdnas as is (PLiNIO still runs the λ grid); --peer <files> reads runs
 * made before (the kit's runs/*.jsonl, or a JSON array such as results-ECG200.json) instead of
 * running PLiNIO. Options after `--` go to `tsdnas sweep` and override the protocol table (the
 * output then says the protocol was not kept) — e.g. a quick trial:
 *
 *   npx tsx bench/plinioSideBySide.ts --dataset ECG200 --seeds 0 \
 *       --peer ../shared/peers/plinio/results-ECG200.json \
 *       -- --warmup-epochs 2 --search-epochs 3 --finetune-epochs 1
 *
 * Skips (exit 0, with the reason) when ../shared (or --shared) lacks the data, or when
 * `--peer run` is asked and the kit or /usr/bin/python3 with torch is missing. Refuses (exit 2)
 * when this tsdnas cannot keep the protocol (the dataset description's "splits", --select
 * best-loss, --budgets); --allow-protocol-gaps runs anyway and marks the results.
 */

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  SIDE, SIDE_DATASETS, type SideDataset, checkAgainstKit, description, descriptionProblem, missingFiles, protocolSplits, sha1, type DataCheck,
} from './plinio/sideData.js';
import {
  type MeanPoint, type RunPoint, frontLine, jointTable, lambdaKey, matchFront, matchLines, meanSd, means, paretoFront, sideTable,
} from './plinio/sideCompare.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';
const TIME = '/usr/bin/time';

/**
 * The kit's protocol (../shared/peers/plinio/README.md, scripts/run_pit.py) as `tsdnas sweep`
 * options: [flag, value, what the kit does, when]. Edit here to change the comparison; options
 * after `--` override single entries for one run. `when`: 'lambdas' = only for a λ sweep;
 * 'if-available' = only when this tsdnas has the option (older ones lack it: noted in the output).
 */
type ProtocolFlag = readonly [flag: string, value: string, kit: string, when?: 'lambdas' | 'if-available'];
const TSDNAS_PROTOCOL: readonly ProtocolFlag[] = [
  ['--batch-size', '16', 'BS = 16'],
  ['--optimizer', 'adam', 'torch.optim.Adam for weights (warm-up, search, fine-tune)'],
  ['--lr', '1e-3', 'WARMUP_LR = NET_LR = FT_LR = 1e-3'],
  ['--weight-decay', '1e-4', 'WD = 1e-4 (Adam weight_decay = L2 on the gradient)'],
  ['--scheduler', 'none', 'constant learning rate'],
  ['--warmup-epochs', '40', 'WARMUP_EPOCHS = 40'],
  ['--search-epochs', '60', 'SEARCH_EPOCHS = 60'],
  ['--search-patience', '15', 'PATIENCE = 15 on the search objective'],
  ['--finetune-epochs', '30', 'FT_EPOCHS = 30'],
  ['--select', 'best-loss', 'fit() keeps the first epoch of lowest validation loss (warm-up, fine-tune)'],
  ['--regularizer', 'plain', 'task loss + λ·cost (not passed with --budgets, which picks its own)', 'lambdas'],
  ['--cost', 'params', 'plinio.cost.params'],
  ['--discrete-cost', 'true', 'PIT(discrete_cost=True)'],
  ['--search-channels', 'true', 'output channels searched'],
  ['--search-receptive-field', 'true', 'receptive field searched'],
  ['--search-dilation', 'true', 'dilation searched'],
  // Not set: the search's own knobs (objective, validation order, mask updates per epoch, mask lr): what is compared is tsdnas's defaults against the kit's tuned PLiNIO.
  ['--threads', '1', 'torch.set_num_threads(1) (--threads 1 of run_peer.py)'],
  // Not set: --mask-lr (tsdnas derives its own; the kit uses Adam(2e-2) for the masks, below).
];

/** run_peer.py's options besides dataset / seed / λ / splits. */
const PEER_PROTOCOL: readonly string[] = ['--mask-lr', '2e-2', '--threads', '1'];
const PEER_MASK_LR = 2e-2;
const DEFAULT_LAMBDAS = '1e-6,3e-6,1e-5,3e-5';

// ----------------------------------------------------------------------------- options
interface Options {
  dataset: SideDataset;
  seeds: number[];
  lambdas: number[];
  budgets: string[] | null;
  peer: { kind: 'run' } | { kind: 'none' } | { kind: 'files'; files: string[] };
  peerTag: string | null;
  peerEpochs: string | null;
  work: string;
  shared: string;
  allowGaps: boolean;
  /** Read the tsdnas sweeps an earlier run of the harness left in --work instead of running them again. */
  reuseTsdnas: boolean;
  extra: string[];
}

class Usage extends Error {}

function usage(): string {
  const doc = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  return doc.slice(doc.indexOf('/**') + 3, doc.indexOf('*/')).replace(/^ \* ?/gm, '').trim();
}

function parseOptions(argv: string[]): Options {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const extra = dash < 0 ? [] : argv.slice(dash + 1);
  const v: Record<string, string> = {};
  const flags = new Set<string>();
  const known = ['--dataset', '--seeds', '--lambdas', '--budgets', '--peer', '--peer-tag', '--peer-epochs', '--work', '--shared'];
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    if (a === '--help' || a === '-h') throw new Usage('');
    if (a === '--allow-protocol-gaps' || a === '--reuse-tsdnas') {
      flags.add(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (!known.includes(name)) throw new Usage(`unknown option '${a}' (tsdnas sweep options go after '--')`);
    const value = eq > 0 ? a.slice(eq + 1) : own[++i];
    if (value === undefined) throw new Usage(`${name} needs a value`);
    v[name] = value;
  }
  const dataset = SIDE_DATASETS.find((d) => d.toLowerCase() === (v['--dataset'] ?? '').toLowerCase());
  if (dataset === undefined) throw new Usage(`--dataset must be one of ${SIDE_DATASETS.join(', ')}${v['--dataset'] ? ` (got '${v['--dataset']}')` : ''}`);
  const seeds = (v['--seeds'] ?? '0,1,2').split(',').map(Number);
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0) || new Set(seeds).size !== seeds.length) throw new Usage(`--seeds takes distinct non-negative integers, e.g. 0,1,2 (got '${v['--seeds']}')`);
  const lamText = v['--lambdas'] ?? DEFAULT_LAMBDAS;
  const lambdas = lamText.split(',').map(Number);
  if (lambdas.some((l) => !Number.isFinite(l) || l < 0) || new Set(lambdas).size !== lambdas.length) throw new Usage(`--lambdas takes distinct non-negative numbers, e.g. ${DEFAULT_LAMBDAS} (got '${lamText}')`);
  const budgets = v['--budgets'] === undefined ? null : v['--budgets'].split(',').filter((b) => b !== '');
  if (budgets !== null && budgets.length === 0) throw new Usage('--budgets needs at least one budget, e.g. 50%,20%,5%,1%');
  const p = v['--peer'] ?? 'run';
  const peer: Options['peer'] = p === 'run' ? { kind: 'run' } : p === 'none' ? { kind: 'none' } : { kind: 'files', files: p.split(',').map((f) => resolve(f)) };
  const peerEpochs = v['--peer-epochs'] ?? null;
  if (peerEpochs !== null && !/^\d+,\d+,\d+$/.test(peerEpochs)) throw new Usage(`--peer-epochs takes warm-up,search,fine-tune epochs, e.g. 2,3,1 (got '${peerEpochs}')`);
  if (peerEpochs !== null && peer.kind !== 'run') throw new Usage('--peer-epochs shortens a PLiNIO run: it needs --peer run');
  if (budgets !== null && v['--lambdas'] === undefined && peer.kind !== 'none') console.log(`--budgets: PLiNIO runs the λ grid ${DEFAULT_LAMBDAS} (give --lambdas to change it)`);
  return {
    dataset, seeds, lambdas, budgets, peer, peerTag: v['--peer-tag'] ?? null, peerEpochs,
    work: resolve(v['--work'] ?? join(REPO, 'bench', 'results', `side-${dataset}`)),
    shared: resolve(v['--shared'] ?? join(REPO, '..', 'shared')),
    allowGaps: flags.has('--allow-protocol-gaps'), reuseTsdnas: flags.has('--reuse-tsdnas'), extra,
  };
}

// ----------------------------------------------------------------------------- children
interface ChildRun {
  what: string;
  command: string[];
  log: string;
  exitCode: number | null;
  wallSeconds: number;
  /** user + system CPU seconds of the child and its descendants (null without /usr/bin/time). */
  cpuSeconds: number | null;
  maxRssMB: number | null;
  loadStart: number[];
  loadEnd: number[];
}

/** Runs a command with stdout + stderr to `log`, timed by /usr/bin/time when it is there. */
function runChild(what: string, command: string[], log: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildRun {
  mkdirSync(dirname(log), { recursive: true });
  const timeFile = `${log}.time`;
  rmSync(timeFile, { force: true });
  const timed = existsSync(TIME) ? [TIME, '-f', '%U %S %M', '-o', timeFile, ...command] : command;
  const fd = openSync(log, 'w');
  const loadStart = loadavg();
  const t0 = performance.now();
  let r: SpawnSyncReturns<Buffer>;
  try {
    r = spawnSync(timed[0], timed.slice(1), { cwd: opts.cwd ?? REPO, env: opts.env ?? process.env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  let cpuSeconds: number | null = null;
  let maxRssMB: number | null = null;
  if (existsSync(timeFile)) {
    // /usr/bin/time writes "Command exited with non-zero status N" first when the command failed.
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    const [u, s, m] = last.split(' ').map(Number);
    if (Number.isFinite(u) && Number.isFinite(s)) cpuSeconds = u + s;
    if (Number.isFinite(m)) maxRssMB = m / 1024;
  }
  if (r.error !== undefined) throw new Error(`${what}: could not start ${timed[0]} (${r.error.message})`);
  return { what, command, log, exitCode: r.status, wallSeconds, cpuSeconds, maxRssMB, loadStart, loadEnd: loadavg() };
}

function failChild(c: ChildRun): never {
  const tail = existsSync(c.log) ? readFileSync(c.log, 'utf8').split('\n').slice(-25).join('\n') : '';
  throw new Error(`${c.what} failed (exit ${c.exitCode}); log ${c.log}:\n${tail}`);
}

const tsdnasCli = (args: string[]): string[] => [process.execPath, '--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), ...args];

function tsdnasOutput(args: string[]): { code: number | null; text: string } {
  const r = spawnSync(process.execPath, tsdnasCli(args).slice(1), { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, text: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

// ----------------------------------------------------------------------------- checks
/** Why the harness cannot run here (→ skip), or null. */
function whySkip(o: Options): string | null {
  const ucr = join(o.shared, 'data', 'ucr');
  if (!existsSync(o.shared)) return `${o.shared} is not there (the shared data and the PLiNIO kit sit beside the repository as ../shared; or give --shared <dir>)`;
  const missing = missingFiles(ucr, o.dataset);
  if (missing.length > 0) return `the ${o.dataset} data is missing: ${missing.join(', ')}`;
  const kit = join(o.shared, 'peers', 'plinio');
  if (SIDE[o.dataset].kitSplits !== null && !existsSync(join(kit, SIDE[o.dataset].kitSplits!))) return `the kit's ${SIDE[o.dataset].kitSplits} is not in ${kit}`;
  if (o.peer.kind === 'run') {
    if (!existsSync(join(kit, 'scripts', 'run_pit.py')) || !existsSync(join(kit, 'plinio'))) return `the PLiNIO kit is not in ${kit} (use --peer <results files> or --peer none to run without it)`;
    if (!existsSync(PYTHON)) return `${PYTHON} is not there: PLiNIO needs Debian's python3-torch (apt-get install python3-torch python3-networkx), or use --peer <results files> / --peer none`;
    const r = spawnSync(PYTHON, ['-c', 'import torch, numpy, networkx; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status !== 0) return `${PYTHON} cannot import torch / numpy / networkx (${(r.stderr ?? '').trim().split('\n').pop()}); apt-get install python3-torch python3-networkx, or use --peer <results files> / --peer none`;
  }
  return null;
}

/** Conv + linear weights and biases, and BatchNorm affine parameters, of an architecture file. */
function countArchitecture(path: string): { convLin: number; bn: number } {
  let convLin = 0;
  let bn = 0;
  const walk = (n: Record<string, unknown>): void => {
    if (n.type === 'Conv1d') convLin += (n.cout as number) * ((n.cin as number) / ((n.groups as number) ?? 1)) * (n.k as number) + (n.bias === false ? 0 : (n.cout as number));
    else if (n.type === 'Linear') convLin += (n.in as number) * (n.out as number) + (n.bias === false ? 0 : (n.out as number));
    else if (n.type === 'BatchNorm1d') bn += n.affine === false ? 0 : 2 * (n.features as number);
    for (const k of ['layers', 'body']) if (Array.isArray(n[k])) (n[k] as Record<string, unknown>[]).forEach(walk);
  };
  walk((JSON.parse(readFileSync(path, 'utf8')) as { architecture: Record<string, unknown> }).architecture);
  return { convLin, bn };
}

/** The seed network file, checked by `tsdnas models --check` and against the kit's parameter count. */
function checkSeedNetwork(ds: SideDataset): { file: string; convLinParams: number; allParams: number } {
  const info = SIDE[ds];
  const file = join(REPO, 'bench', 'plinio', info.arch);
  const own = countArchitecture(file);
  if (own.convLin !== info.convLinParams) throw new Error(`${relative(REPO, file)}: ${own.convLin} conv + linear parameters, the kit's ${ds} seed has ${info.convLinParams}`);
  const r = tsdnasOutput(['models', '--check', file, '--input-shape', info.inputShape.join(','), '--outputs', String(info.classes.length)]);
  const m = /ok — ([\d,]+) parameters/.exec(r.text);
  if (r.code !== 0 || m === null) throw new Error(`tsdnas models --check ${relative(REPO, file)} failed:\n${r.text}`);
  const all = Number(m[1].replace(/,/g, ''));
  if (all !== own.convLin + own.bn) throw new Error(`tsdnas counts ${all} parameters in ${relative(REPO, file)}; expected ${own.convLin} conv + linear + ${own.bn} BatchNorm = ${own.convLin + own.bn}`);
  return { file, convLinParams: own.convLin, allParams: all };
}

// ----------------------------------------------------------------------------- tsdnas side
interface TsdnasSeedRun {
  seed: number;
  child: ChildRun;
  backend: string | null;
  sweepSeconds: number | null;
  seedNet: { params: number; macs: number; valAcc: number; testAcc: number; seconds: number; warmupEpochs: number };
  points: (RunPoint & { maskLr: number | null; seconds: number | null; phaseSeconds: { search?: number; finetune?: number } | null; testMacroF1: number | null; valAcc: number | null })[];
}

/** A number in a point summary that is the test accuracy right after export (before fine-tuning), if tsdnas records one. */
function afterExport(s: Record<string, unknown>): number | null {
  const look = (o: Record<string, unknown>, prefix: string): number | null => {
    for (const [k, v] of Object.entries(o)) {
      const name = `${prefix}${k}`;
      if (typeof v === 'number' && /test/i.test(name) && /(export|before.?fine)/i.test(name) && !/f1|loss/i.test(name)) return v;
    }
    return null;
  };
  if (typeof s.exportTestMetric === 'number') return s.exportTestMetric;
  const nested = ['export', 'exported', 'afterExport'].map((k) => s[k]).find((v) => typeof v === 'object' && v !== null) as Record<string, unknown> | undefined;
  return look(s, '') ?? (nested === undefined ? null : look(nested, 'export.'));
}

function tsdnasArch(layers: { kind: string; cin: number; cout: number; kernel: string; dilation: string }[]): string {
  return layers
    .map((l) => (l.kind === 'Linear' ? `fc ${l.cin}→${l.cout}` : `${l.cin}→${l.cout} k${l.kernel}${l.dilation !== '1' ? `d${l.dilation}` : ''}`))
    .join(', ');
}

function readTsdnasRun(dir: string, seed: number, o: Options, child: ChildRun): TsdnasSeedRun {
  const front = JSON.parse(readFileSync(join(dir, 'front.json'), 'utf8')) as {
    sweepSeconds?: number; config: Record<string, unknown>;
    seed: { params: number; macs: number; valMetric: number; testMetric: number; seconds: number; warmupHistory?: unknown[] };
    points: Record<string, unknown>[];
  };
  const log = existsSync(join(dir, 'run.log')) ? readFileSync(join(dir, 'run.log'), 'utf8') : '';
  const backend = /backend (\w+)/.exec(log)?.[1] ?? null;
  const grid = o.budgets ?? o.lambdas.map(String);
  if (front.points.length !== grid.length) throw new Error(`${dir}/front.json: ${front.points.length} points for ${grid.length} ${o.budgets ? 'budgets (does this tsdnas sweep run --budgets yet?)' : 'λ values'}; log ${child.log}`);
  const points = front.points.map((_, i) => {
    const s = JSON.parse(readFileSync(join(dir, `point-${i}`, 'summary.json'), 'utf8')) as Record<string, unknown> & {
      strength: number; params: number; macs: number; testMetric: number; valMetric: number; testMacroF1?: number; searchBestEpoch?: number;
      searchHistory?: unknown[]; maskLr?: number; seconds?: number; phaseSeconds?: { search?: number; finetune?: number }; layers: { kind: string; cin: number; cout: number; kernel: string; dilation: string }[];
    };
    if (o.budgets === null && Math.abs(s.strength - o.lambdas[i]) > 1e-12 * Math.max(1, o.lambdas[i])) throw new Error(`${dir}/point-${i}: strength ${s.strength}, expected λ ${o.lambdas[i]}`);
    return {
      side: 'tsdnas' as const, seed, key: o.budgets === null ? lambdaKey(o.lambdas[i]) : `budget ${o.budgets[i]}`,
      lambda: typeof s.strength === 'number' ? s.strength : null,
      params: s.params, macs: s.macs, testAcc: s.testMetric, testAccAfterExport: afterExport(s),
      searchEpochs: s.searchHistory?.length ?? null, searchBestEpoch: s.searchBestEpoch ?? null, arch: tsdnasArch(s.layers),
      maskLr: s.maskLr ?? null, seconds: s.seconds ?? null, phaseSeconds: s.phaseSeconds ?? null, testMacroF1: s.testMacroF1 ?? null, valAcc: s.valMetric ?? null,
    };
  });
  const sd = front.seed;
  return {
    seed, child, backend, sweepSeconds: front.sweepSeconds ?? null,
    seedNet: { params: sd.params, macs: sd.macs, valAcc: sd.valMetric, testAcc: sd.testMetric, seconds: sd.seconds, warmupEpochs: sd.warmupHistory?.length ?? 0 },
    points,
  };
}

/** Whether `tsdnas sweep --help` lists the option. */
const hasOption = (help: string, flag: string): boolean => new RegExp(`^\\s*${flag}\\s`, 'm').test(help);

/** The protocol entries that apply to this run and this tsdnas. */
function protocolFlags(o: Options, help: string): ProtocolFlag[] {
  return TSDNAS_PROTOCOL.filter(([flag, , , when]) => (when === 'lambdas' ? o.budgets === null : when === 'if-available' ? hasOption(help, flag) : true));
}

/** The sweep's options: the protocol table minus what `extra` overrides, then the grid and `extra`. */
function sweepArgs(o: Options, descPath: string, archFile: string, seed: number, outDir: string, help: string): { args: string[]; overridden: string[] } {
  const given = new Set(o.extra.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]));
  const overridden = TSDNAS_PROTOCOL.filter(([f]) => given.has(f)).map(([f, v]) => `${f} ${v}`);
  const args = ['sweep', '--dataset', descPath, '--model', archFile, '--seed', String(seed), '--out', outDir, '--force'];
  for (const entry of protocolFlags(o, help)) if (!given.has(entry[0])) args.push(entry[0], entry[1]);
  if (!given.has('--lambdas') && !given.has('--budgets')) args.push(...(o.budgets === null ? ['--lambdas', o.lambdas.join(',')] : ['--budgets', o.budgets.join(',')]));
  return { args: [...args, ...o.extra], overridden };
}

// ----------------------------------------------------------------------------- PLiNIO side
interface PeerRecord {
  kind: string; tag: string; dataset: string; seed: number; lam: number | null; mask_lr: number | null; test_acc: number;
  params_own?: number; params_plinio: number; ops_own?: number; macs_own?: number; cost_initial?: number;
  layers: { type: string; cin: number; cout: number; k?: number; dilation?: number; params: number; l_out?: number }[];
  export?: { test_acc_before_ft?: number }; search?: { epochs_run?: number; best_epoch?: number };
  warmup?: { test_acc?: number; val_acc?: number; best_val_acc?: number }; times?: Record<string, number>;
  splits?: { sha1?: string | null; n_train?: number; n_val?: number; n_test?: number }; epochs?: Record<string, number>; env?: Record<string, unknown>;
}

function readPeerFile(path: string): PeerRecord[] {
  const text = readFileSync(path, 'utf8');
  if (text.trimStart().startsWith('[')) return JSON.parse(text) as PeerRecord[];
  return text.split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try {
      return JSON.parse(l) as PeerRecord;
    } catch (e) {
      throw new Error(`${path} line ${i + 1}: not JSON (${(e as Error).message})`);
    }
  });
}

function peerArch(layers: PeerRecord['layers']): string {
  return layers.map((l) => (l.type === 'Linear' ? `fc ${l.cin}→${l.cout}` : `${l.cin}→${l.cout} k${l.k}${(l.dilation ?? 1) > 1 ? `d${l.dilation}` : ''}`)).join(', ');
}

/** Multiply-accumulates with one add per output for biases (= tsdnas's MACs): the kit's ops_own, or from its layers. */
function peerMacs(r: PeerRecord): number | null {
  if (typeof r.ops_own === 'number') return r.ops_own;
  if (!Array.isArray(r.layers) || r.layers.some((l) => l.type === 'Conv1d' && typeof l.l_out !== 'number')) return null;
  return r.layers.reduce((s, l) => s + (l.type === 'Conv1d' ? l.params * (l.l_out as number) : l.params), 0);
}

function peerPoint(r: PeerRecord): RunPoint {
  return {
    side: 'plinio', seed: r.seed, key: lambdaKey(r.lam as number), lambda: r.lam,
    params: r.params_own ?? r.params_plinio, macs: peerMacs(r), testAcc: r.test_acc,
    testAccAfterExport: r.export?.test_acc_before_ft ?? null, searchEpochs: r.search?.epochs_run ?? null,
    searchBestEpoch: r.search?.best_epoch ?? null, arch: peerArch(r.layers),
  };
}

/** The PIT records of this dataset, seeds and λ grid; with several tags, the one with the kit's mask lr (or --peer-tag). */
function selectPeer(all: PeerRecord[], o: Options, notes: string[]): PeerRecord[] {
  let recs = all.filter((r) => r.kind === 'pit' && r.dataset === o.dataset && o.seeds.includes(r.seed) && r.lam !== null && o.lambdas.some((l) => Math.abs(l - (r.lam as number)) <= 1e-12 * Math.max(1, l)));
  if (o.peerTag !== null) recs = recs.filter((r) => r.tag === o.peerTag);
  else {
    const tags = [...new Set(recs.map((r) => r.tag))];
    // One tag per seed (a run per seed, e.g. side-s0, side-s1) is not ambiguous: every (seed, λ) once.
    const oneRunEach = new Set(recs.map((r) => `${r.seed} ${r.lam}`)).size === recs.length;
    if (tags.length > 1 && oneRunEach) notes.push(`PLiNIO: runs from the tags ${tags.join(', ')}, one run per seed and λ`);
    else if (tags.length > 1) {
      const kitLr = recs.filter((r) => r.mask_lr !== null && Math.abs((r.mask_lr as number) - PEER_MASK_LR) < 1e-12);
      const kept = [...new Set(kitLr.map((r) => r.tag))];
      if (kept.length !== 1) throw new Error(`the PLiNIO results hold the tags ${tags.join(', ')}: choose one with --peer-tag`);
      notes.push(`PLiNIO: kept tag '${kept[0]}' (mask lr ${PEER_MASK_LR}) of ${tags.join(', ')}; --peer-tag chooses another`);
      recs = kitLr;
    }
  }
  const seen = new Set<string>();
  for (const r of recs) {
    const k = `${r.seed} ${r.lam}`;
    if (seen.has(k)) throw new Error(`the PLiNIO results hold seed ${r.seed} λ ${r.lam} twice (tag '${r.tag}'): give one run per seed and λ (--peer-tag, or fewer files)`);
    seen.add(k);
  }
  for (const l of o.lambdas) for (const s of o.seeds) if (!recs.some((r) => r.seed === s && Math.abs((r.lam as number) - l) <= 1e-12 * Math.max(1, l))) notes.push(`PLiNIO: no run for seed ${s} λ ${l}`);
  return recs;
}

// ----------------------------------------------------------------------------- main
/** A path inside the repository relative to it, anything else as is. */
function shortPath(p: string): string {
  if (!p.startsWith('/')) return p;
  const r = relative(REPO, p);
  return r.startsWith('..') ? p : r;
}

function fmtLoad(l: number[]): string {
  return l.map((v) => v.toFixed(2)).join(' ');
}

function gitState(): { commit: string | null; dirty: string[] } {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' });
  const st = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO, encoding: 'utf8' });
  return { commit: head.status === 0 ? head.stdout.trim() : null, dirty: st.status === 0 ? st.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.slice(3)) : [] };
}

function main(): number {
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    if (e.message !== '') console.error(`bench/plinioSideBySide: ${e.message}\n`);
    console.log(usage());
    return e.message === '' ? 0 : 2;
  }
  const skip = whySkip(o);
  if (skip !== null) {
    console.log(`bench/plinioSideBySide: skipped — ${skip}`);
    return 0;
  }
  const ucr = join(o.shared, 'data', 'ucr');
  const kit = join(o.shared, 'peers', 'plinio');
  const load0 = loadavg();
  const notes: string[] = [];
  console.log(`PLiNIO side by side: ${o.dataset}, seeds ${o.seeds.join(',')}, ${o.budgets === null ? `λ ${o.lambdas.join(', ')}` : `budgets ${o.budgets.join(', ')} (PLiNIO: λ ${o.lambdas.join(', ')})`}; peer ${o.peer.kind === 'files' ? o.peer.files.join(', ') : o.peer.kind}; work ${o.work}`);
  console.log(`machine: ${cpus().length} cores, load ${fmtLoad(load0)}`);

  // What this tsdnas can do of the protocol.
  const help = tsdnasOutput(['sweep', '--help']).text;
  const gaps: string[] = [];
  if (!help.includes('best-loss') && !o.extra.some((a) => a.startsWith('--select'))) gaps.push("tsdnas sweep has no '--select best-loss' (keep the epoch of lowest validation loss in warm-up and fine-tune, as the kit): warm-up and fine-tune would keep another epoch");
  const absent = TSDNAS_PROTOCOL.filter(([flag, , , when]) => when === 'if-available' && !hasOption(help, flag));
  if (absent.length > 0) notes.push(`tsdnas: this version has no ${absent.map(([f, v]) => `${f} ${v}`).join(', ')} — its own behaviour there (see the protocol table in bench/plinioSideBySide.ts)`);
  if (o.budgets !== null && !hasOption(help, '--budgets')) gaps.push("tsdnas sweep has no '--budgets' option yet: run with --lambdas");
  mkdirSync(join(o.work, 'data'), { recursive: true });
  const { splits, source: splitsSource } = protocolSplits(o.dataset, ucr, kit);
  const splitsPath = join(o.work, 'data', 'splits.json');
  const splitsText = JSON.stringify({ ...splits, note: `0-based rows of the ${SIDE[o.dataset].ucr.join(' / ')} _TRAIN.tsv file: ${splitsSource}` }) + '\n';
  writeFileSync(splitsPath, splitsText);
  const descPath = join(o.work, 'data', `${o.dataset}.json`);
  let desc = description(o.dataset, ucr, 'splits.json');
  const problem = descriptionProblem(desc, descPath);
  if (problem !== null) {
    gaps.push(`tsdnas does not take the protocol's dataset description (the "splits" key of the fixed rows): ${problem}. The tsdnas side would draw its own validation${SIDE[o.dataset].testFile ? '' : ' and test'} rows`);
    desc = description(o.dataset, ucr, null);
  }
  writeFileSync(descPath, JSON.stringify(desc, null, 2) + '\n');
  if (gaps.length > 0) {
    for (const g of gaps) console.log(`protocol gap: ${g}`);
    if (!o.allowGaps) {
      console.error('bench/plinioSideBySide: this tsdnas cannot keep the kit\'s protocol (above); update tsdnas, or pass --allow-protocol-gaps to run anyway (the results are marked as not the protocol)');
      return 2;
    }
    if (gaps.some((g) => g.includes("'--budgets'"))) {
      console.error('bench/plinioSideBySide: --budgets is not in this tsdnas; nothing to run without it');
      return 2;
    }
  }

  // Seed network and data: the kit's, checked.
  const seedNet = checkSeedNetwork(o.dataset);
  console.log(`seed network ${relative(REPO, seedNet.file)}: ${seedNet.convLinParams.toLocaleString('en-US')} conv + linear parameters (the kit's count), ${seedNet.allParams.toLocaleString('en-US')} with BatchNorm — checked by tsdnas models --check`);
  const parts = problem === null ? (['train', 'val', 'test'] as const) : SIDE[o.dataset].testFile ? (['test'] as const) : ([] as const);
  const dataChecks: DataCheck[] = parts.length === 0 ? [] : checkAgainstKit(descPath, o.dataset, ucr, splits, o.seeds[0], parts, 1e-5);
  for (const c of dataChecks) console.log(`data ${c.part}: tsdnas ${c.tsdnas} rows, kit ${c.kit}; labels ${c.labelsEqual ? 'equal' : 'DIFFER'}; max |tsdnas − kit| ${c.maxAbsDiff.toExponential(1)} ${c.ok ? 'ok' : 'MISMATCH'}`);
  if (dataChecks.some((c) => !c.ok)) throw new Error(`tsdnas does not load the kit's ${o.dataset} data from ${descPath} (above)`);
  console.log(`splits ${shortPath(splitsPath)}: ${splits.train.length} train / ${splits.val.length} val / ${splits.test?.length ?? 'test file'}${splits.test ? ' test' : ''} rows — ${splitsSource}`);

  // tsdnas.
  const tsRuns: TsdnasSeedRun[] = [];
  let overridden: string[] = [];
  for (const seed of o.seeds) {
    const out = join(o.work, 'tsdnas', `seed-${seed}`);
    const { args, overridden: ov } = sweepArgs(o, descPath, seedNet.file, seed, out, help);
    overridden = ov;
    console.log(`\ntsdnas seed ${seed}: tsdnas ${args.join(' ')}`);
    const reuse = o.reuseTsdnas && existsSync(join(out, 'front.json'));
    if (reuse) console.log(`  --reuse-tsdnas: reading ${shortPath(out)} (its time is the sweep's own record; CPU not measured)`);
    const child: ChildRun = reuse
      ? { what: `tsdnas sweep seed ${seed}`, command: tsdnasCli(args), log: join(o.work, 'logs', `tsdnas-seed${seed}.log`), exitCode: 0, wallSeconds: Number(JSON.parse(readFileSync(join(out, 'front.json'), 'utf8')).sweepSeconds), cpuSeconds: null, maxRssMB: null, loadStart: loadavg(), loadEnd: loadavg() }
      : runChild(`tsdnas sweep seed ${seed}`, tsdnasCli(args), join(o.work, 'logs', `tsdnas-seed${seed}.log`));
    if (child.exitCode !== 0) failChild(child);
    const run = readTsdnasRun(out, seed, o, child);
    if (run.seedNet.params !== seedNet.convLinParams) throw new Error(`tsdnas reports ${run.seedNet.params} parameters for the seed network, the kit ${seedNet.convLinParams}: the counts do not cover the same tensors`);
    tsRuns.push(run);
    console.log(`  done: ${child.wallSeconds.toFixed(0)} s wall, ${child.cpuSeconds?.toFixed(0) ?? '?'} s CPU, backend ${run.backend ?? '?'}; seed net test ${(100 * run.seedNet.testAcc).toFixed(1)} %; ${run.points.map((p) => `${p.key}: ${p.params} params ${(100 * p.testAcc).toFixed(1)} %`).join('; ')}`);
  }
  if (overridden.length > 0) notes.push(`tsdnas: options after '--' replaced the protocol's ${overridden.join(', ')} — NOT the kit's protocol`);

  // PLiNIO.
  let peerRecs: PeerRecord[] = [];
  const peerChildren: ChildRun[] = [];
  if (o.peer.kind === 'run') {
    const anchor = join(o.work, 'peer');
    mkdirSync(join(anchor, 'runs'), { recursive: true });
    const env = {
      ...process.env, KIT: kit, ANCHOR: anchor, UCR_DIR: ucr, PYTHONPATH: join(kit, 'plinio'),
      OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1',
    };
    for (const seed of o.seeds) {
      const tag = `side-s${seed}`;
      const jsonl = join(anchor, 'runs', `${tag}.jsonl`);
      rmSync(jsonl, { force: true });
      const args = [join(REPO, 'bench', 'plinio', 'run_peer.py'), '--dataset', o.dataset, '--seed', String(seed), '--lambdas', o.lambdas.join(','),
        ...PEER_PROTOCOL, '--tag', tag, '--splits', splitsPath, '--fresh-warmup', ...(o.peerEpochs === null ? [] : ['--epochs', o.peerEpochs])];
      console.log(`\nPLiNIO seed ${seed}: ${PYTHON} ${args.map(shortPath).join(' ')}`);
      const child = runChild(`PLiNIO seed ${seed}`, [PYTHON, ...args], join(o.work, 'logs', `plinio-seed${seed}.log`), { env });
      if (child.exitCode !== 0) failChild(child);
      peerChildren.push(child);
      const recs = readPeerFile(jsonl);
      peerRecs.push(...recs);
      console.log(`  done: ${child.wallSeconds.toFixed(0)} s wall, ${child.cpuSeconds?.toFixed(0) ?? '?'} s CPU; ${recs.map((r) => `${lambdaKey(r.lam as number)}: ${r.params_own ?? r.params_plinio} params ${(100 * r.test_acc).toFixed(1)} %`).join('; ')}`);
    }
    if (o.peerEpochs !== null) notes.push(`PLiNIO: --peer-epochs ${o.peerEpochs} (warm-up, search, fine-tune) — NOT the kit's protocol`);
    peerRecs = selectPeer(peerRecs, o, notes);
  } else if (o.peer.kind === 'files') {
    peerRecs = selectPeer(o.peer.files.flatMap(readPeerFile), o, notes);
    console.log(`\nPLiNIO: ${peerRecs.length} runs read from ${o.peer.files.join(', ')}`);
  }
  const badSeed = peerRecs.filter((r) => typeof r.cost_initial === 'number' && r.cost_initial !== seedNet.convLinParams);
  if (badSeed.length > 0) notes.push(`PLiNIO: ${badSeed.length} runs start from a seed network of ${badSeed[0].cost_initial} params, not the ${seedNet.convLinParams} of ${SIDE[o.dataset].arch}`);
  // Were the PLiNIO runs made on these rows?
  const sha = sha1(splitsText);
  const unknownSplit = peerRecs.filter((r) => r.splits?.sha1 == null).length;
  if (peerRecs.some((r) => r.splits?.sha1 != null && r.splits.sha1 !== sha)) notes.push('PLiNIO: some runs were made with another splits file (sha1 differs)');
  if (unknownSplit > 0) {
    notes.push(SIDE[o.dataset].kitSplits !== null
      ? `PLiNIO: ${unknownSplit} runs do not record their rows; the kit's own split is ${SIDE[o.dataset].kitSplits}, the rows used here`
      : `PLiNIO: ${unknownSplit} runs do not record their rows — they may not be the rows used here`);
  }
  for (const r of peerRecs) {
    const s = r.splits;
    if (s?.n_train !== undefined && (s.n_train !== splits.train.length || s.n_val !== splits.val.length)) notes.push(`PLiNIO seed ${r.seed} λ ${r.lam}: ${s.n_train} train / ${s.n_val} val rows, here ${splits.train.length} / ${splits.val.length}`);
  }

  // Tables.
  const tsPoints = tsRuns.flatMap((r) => r.points);
  const plPoints = peerRecs.map(peerPoint);
  const tsMeans = means(tsPoints);
  const plMeans = means(plPoints);
  const lines: string[] = [];
  const say = (s: string) => {
    lines.push(s);
    console.log(s);
  };
  say(`\n## ${o.dataset}: tsdnas vs PLiNIO, seeds ${o.seeds.join(',')} (mean ± sd over seeds; params = conv + linear weights and biases)`);
  if (o.budgets === null && plMeans.length > 0) for (const l of jointTable(tsMeans, plMeans)) say(l);
  else {
    for (const l of sideTable('tsdnas', tsMeans)) say(l);
    if (plMeans.length > 0) for (const l of sideTable('PLiNIO', plMeans)) say(l);
  }
  const tsSeedAcc = meanSd(tsRuns.map((r) => r.seedNet.testAcc));
  const plWarm = [...new Map(peerRecs.filter((r) => typeof r.warmup?.test_acc === 'number').map((r) => [r.seed, r.warmup!.test_acc as number])).values()];
  say(`\nseed network after warm-up (${seedNet.convLinParams.toLocaleString('en-US')} params): tsdnas test ${(100 * tsSeedAcc.mean).toFixed(1)} ± ${(100 * tsSeedAcc.sd).toFixed(1)} %${plWarm.length > 0 ? `, PLiNIO ${(100 * meanSd(plWarm).mean).toFixed(1)} ± ${(100 * meanSd(plWarm).sd).toFixed(1)} %` : ''}`);
  if (o.budgets === null && plMeans.length > 0) for (const l of sideTable('searched networks (details)', [...tsMeans, ...plMeans].map((m) => ({ ...m, key: `${m.side} ${m.key}` })))) say(l);
  say('');
  say(frontLine('tsdnas', paretoFront(tsMeans)));
  let verdict: Record<string, unknown> | null = null;
  if (plMeans.length > 0) {
    say(frontLine('PLiNIO', paretoFront(plMeans)));
    const strict = matchFront(plMeans, tsMeans, 0);
    const loose = matchFront(plMeans, tsMeans, 1);
    const reverse = matchFront(tsMeans, plMeans, 0);
    for (const l of matchLines('For each PLiNIO mean point, the smallest tsdnas mean point with accuracy ≥ PLiNIO\'s:', strict, 'PLiNIO', 'tsdnas')) say(l);
    for (const l of matchLines('… and with accuracy ≥ PLiNIO\'s − 1 point:', loose, 'PLiNIO', 'tsdnas')) say(l);
    const k = strict.filter((m) => m.dominatesOrEquals).length;
    const k1 = loose.filter((m) => m.dominatesOrEquals).length;
    const kr = reverse.filter((m) => m.dominatesOrEquals).length;
    say(`\ntsdnas front dominates or equals PLiNIO at ${k} of ${strict.length} points`);
    say(`(within 1 accuracy point: ${k1} of ${loose.length}; the other way round, PLiNIO dominates or equals tsdnas at ${kr} of ${reverse.length} points)`);
    verdict = { dominatesOrEquals: k, of: strict.length, within1Point: k1, reversePlinioOverTsdnas: kr, reverseOf: reverse.length, strict, loose, reverse };
  }

  // Cost and conditions.
  const tsCpu = tsRuns.reduce((s, r) => s + (r.child.cpuSeconds ?? NaN), 0);
  const tsWall = tsRuns.reduce((s, r) => s + r.child.wallSeconds, 0);
  const plCpu = peerChildren.reduce((s, c) => s + (c.cpuSeconds ?? NaN), 0);
  const plWall = peerChildren.reduce((s, c) => s + c.wallSeconds, 0);
  const plRecorded = peerRecs.reduce((s, r) => s + (r.times?.search_s ?? 0) + (r.times?.finetune_s ?? 0), 0)
    + [...new Map(peerRecs.map((r) => [r.seed, r.times?.warmup_s ?? 0])).values()].reduce((s, v) => s + v, 0);
  const backends = [...new Set(tsRuns.map((r) => r.backend ?? '?'))];
  const load1 = loadavg();
  say(`\nCPU: tsdnas ${tsCpu.toFixed(0)} s (wall ${tsWall.toFixed(0)} s, ${tsRuns.length} sweeps, backend ${backends.join('/')}, --threads ${TSDNAS_PROTOCOL.find(([f]) => f === '--threads')?.[1]})`
    + (peerChildren.length > 0 ? `; PLiNIO ${plCpu.toFixed(0)} s (wall ${plWall.toFixed(0)} s, torch 1 thread); PLiNIO / tsdnas CPU ${(plCpu / tsCpu).toFixed(2)}×` : peerRecs.length > 0 ? `; PLiNIO (read from files) ${plRecorded.toFixed(0)} s of warm-up + search + fine-tune as its runs recorded (wall or CPU seconds, as the kit ran)` : ''));
  const avg = (v: number[]) => (v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length);
  const tsWarm = avg(tsRuns.map((r) => r.seedNet.seconds));
  const tsPoint = avg(tsPoints.flatMap((p) => (p.seconds === null ? [] : [p.seconds])));
  const tsSearch = avg(tsPoints.map((p) => p.phaseSeconds?.search ?? NaN));
  const tsFt = avg(tsPoints.map((p) => p.phaseSeconds?.finetune ?? NaN));
  const tsPhases = Number.isFinite(tsSearch) && Number.isFinite(tsFt) ? `search ${tsSearch.toFixed(1)} + fine-tune ${tsFt.toFixed(1)} per point` : `search + fine-tune per point ${tsPoint.toFixed(1)}`;
  say(`time per phase (mean wall s): tsdnas warm-up ${tsWarm.toFixed(1)}, ${tsPhases}`
    + (peerRecs.length > 0 ? `; PLiNIO warm-up ${avg(peerRecs.map((r) => r.times?.warmup_s ?? NaN)).toFixed(1)}, search ${avg(peerRecs.map((r) => r.times?.search_s ?? NaN)).toFixed(1)} + fine-tune ${avg(peerRecs.map((r) => r.times?.finetune_s ?? NaN)).toFixed(1)} per point` : ''));
  const lrs = [...new Set(tsPoints.flatMap((p) => (p.maskLr === null ? [] : [Number(p.maskLr.toPrecision(3))])))];
  say(`mask learning rate: tsdnas ${lrs.join(', ') || '?'} (its own rule, --mask-lr not set)${peerRecs.length > 0 ? `; PLiNIO ${[...new Set(peerRecs.map((r) => r.mask_lr))].join(', ')}` : ''}`);
  say(`load average at start ${fmtLoad(load0)}, at end ${fmtLoad(load1)} (${cpus().length} cores)`);
  for (const n of notes) say(`note: ${n}`);
  if (gaps.length > 0) say(`NOT THE PROTOCOL (--allow-protocol-gaps): ${gaps.join(' | ')}`);

  const file = join(o.work, 'side-by-side.json');
  writeFileSync(file, JSON.stringify({
    date: new Date().toISOString(), dataset: o.dataset, seeds: o.seeds, lambdas: o.lambdas, budgets: o.budgets,
    protocolKept: gaps.length === 0 && overridden.length === 0 && o.peerEpochs === null, gaps, notes,
    tsdnasProtocol: protocolFlags(o, help).map(([flag, value, kit]) => ({ flag, value, kit })), extraTsdnasArgs: o.extra, peerProtocol: PEER_PROTOCOL, peerEpochs: o.peerEpochs,
    git: gitState(), node: process.version, machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? null }, load: { start: load0, end: load1 },
    data: { description: descPath, splits: splitsPath, splitsSha1: sha, splitsSource, sizes: { train: splits.train.length, val: splits.val.length, test: splits.test?.length ?? null }, checks: dataChecks },
    seedNetwork: { ...seedNet, file: relative(REPO, seedNet.file) },
    tsdnas: { backend: backends, cpuSeconds: tsCpu, wallSeconds: tsWall, runs: tsRuns, means: tsMeans, front: paretoFront(tsMeans).map((p) => p.key) },
    plinio: {
      source: o.peer.kind === 'files' ? o.peer.files : o.peer.kind, cpuSeconds: peerChildren.length > 0 ? plCpu : null, wallSeconds: peerChildren.length > 0 ? plWall : null,
      recordedSeconds: plRecorded, children: peerChildren, env: peerRecs[0]?.env ?? null,
      runs: peerRecs.map((r) => ({ ...peerPoint(r), tag: r.tag, maskLr: r.mask_lr, times: r.times ?? null, warmupTestAcc: r.warmup?.test_acc ?? null, splits: r.splits ?? null, epochs: r.epochs ?? null })),
      means: plMeans, front: paretoFront(plMeans).map((p: MeanPoint) => p.key),
    },
    seedNetAfterWarmup: { tsdnas: tsSeedAcc, plinio: plWarm.length > 0 ? meanSd(plWarm) : null },
    verdict, report: lines,
  }, null, 2));
  console.log(`\nresults written to ${file}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`bench/plinioSideBySide: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
