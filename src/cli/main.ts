#!/usr/bin/env node
/**
 * The tsdnas command line: dispatches sub-commands and turns every error into one clear line
 * (and a non-zero exit code) instead of a stack trace.
 */

import { DATASET_NAMES } from '../data/index.js';
import { UsageError, wantsHelp } from './args.js';
import { nearest } from '../util/schema.js';
import { runTrain, trainHelp } from './commands/train.js';
import { runSearchCommand, searchHelp } from './commands/search.js';
import { reportHelp, runReport } from './commands/report.js';
import { compareHelp, runCompare } from './commands/compare.js';
import { runMpsCommand, mpsHelp, jointHelp } from './commands/mps.js';
import { quantizeHelp, runQuantize } from './commands/quantize.js';
import { exportHelp, runExport } from './commands/export.js';
import { modelsHelp, runModels } from './commands/models.js';
import { runWorker, workerHelp } from './commands/worker.js';
import { evalHelp, predictHelp, runEval, runPredict } from './commands/evaluate.js';
import { isMainThread } from 'node:worker_threads';
import { INTERRUPTIBLE_COMMANDS, runInterruptibly } from './interrupt.js';
import { endStderrLine, installLiveOutput, setJsonStdout, setQuiet } from './output.js';
import { emitEvent } from './events.js';

/** `jsonFile`: the command's own `--json <file>` option (given after its name) is not the global event stream. */
const COMMANDS: Record<string, { help: () => string; run: (argv: string[]) => void | Promise<void>; summary: string; jsonFile?: boolean }> = {
  train: { help: trainHelp, run: runTrain, summary: 'train a seed model on a dataset and evaluate it' },
  search: { help: () => searchHelp(false), run: (a) => runSearchCommand(a, false), summary: 'PIT architecture search at one regulariser strength, export, fine-tune' },
  sweep: { help: () => searchHelp(true), run: (a) => runSearchCommand(a, true), summary: 'PIT search over a list of strengths; writes the Pareto front' },
  quantize: { help: quantizeHelp, run: runQuantize, summary: 'quantisation-aware training (w8a8, w4a8, or a plan), integer model, float vs fake-quant vs integer accuracy' },
  joint: { help: jointHelp, run: (argv: string[]) => runMpsCommand(['--joint', 'true', ...argv]), summary: 'joint architecture + precision search (PIT masks and per-channel bits together), QAT fine-tune, fronts; = mps --joint' },
  mps: { help: mpsHelp, run: runMpsCommand, summary: 'mixed-precision search (per layer / per channel, 0 bits = prune), QAT fine-tune, fronts vs uniform baselines' },
  export: { help: exportHelp, run: runExport, summary: 'write a model as ONNX (float), C99 code (integer model) or safetensors' },
  'export-c': {
    help: () => `tsdnas export-c — the same as 'tsdnas export --format c'\n\n${exportHelp()}`,
    run: (a) => runExport(['--format', 'c', ...a]),
    summary: "write an integer model as a self-contained C99 library (= export --format c)",
  },
  eval: { help: evalHelp, run: runEval, summary: "evaluate a trained model on a dataset or your own files (metric, macro-F1, confusion matrix; MAE for regression)" },
  predict: { help: predictHelp, run: runPredict, summary: 'write a trained model\'s predictions for your files as CSV or .npy' },
  report: { help: reportHelp, run: runReport, summary: 'rebuild the HTML report (report.html) of a search / sweep / mps / joint run directory; --compare charts other runs against it' },
  compare: { help: compareHelp, run: runCompare, jsonFile: true, summary: "does one sweep's front beat another's? hypervolumes paired by seed, paired t test, verdict (--json <file> writes the numbers)" },
  datasets: {
    help: () => 'tsdnas datasets — list the named datasets (any data file, folder or dataset description .json works too: see docs/datasets.md)',
    run: () => console.log(`${DATASET_NAMES.join('\n')}\n\nor your own data: --dataset <file | folder | description.json> (.ts, .arff, .tsv, .csv, .npy / .npz, WFDB records, class folders of .wav / .csv); see docs/datasets.md`),
    summary: 'list the named datasets (your own files work too)',
  },
  worker: { help: workerHelp, run: runWorker, summary: 'run the points of sweeps for a coordinator: --queue redis://… takes the jobs of sweep --queue on any machine (--ipc: started by --jobs N)' },
  models: { help: modelsHelp, run: runModels, summary: 'list seed models; --show one as JSON to edit, --check your own model file' },
};

function usage(): string {
  return `tsdnas — tensors, autodiff and architecture search for tiny networks

usage: tsdnas <command> [options]

commands:
${Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(10)} ${c.summary}`).join('\n')}

'tsdnas <command> --help' lists a command's options.
--quiet (any command): no progress bars or epoch lines, only results and errors (run.log keeps everything).
--json (any command): stdout carries one JSON record per event (epoch, point, done, error); the rest goes to stderr
  (after 'compare', --json <file> is compare's own option: it writes the numbers to that file).`;
}

async function main(args: string[]): Promise<number> {
  // --quiet and --json belong to the output layer, not to a command's options; each thread takes them out itself (the worker gets the same argv).
  // A --json after the name of a command with its own --json <file> (compare) is that option.
  const at = args.findIndex((a) => a !== '--quiet' && a !== '--json');
  const ownJson = at >= 0 && Object.hasOwn(COMMANDS, args[at]) && COMMANDS[args[at]].jsonFile === true;
  const isGlobal = (a: string, i: number) => a === '--quiet' || (a === '--json' && !(ownJson && i > at));
  const quiet = args.includes('--quiet');
  const json = args.some((a, i) => a === '--json' && isGlobal(a, i));
  const argv = args.filter((a, i) => !isGlobal(a, i));
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[name];
  if (cmd === undefined) {
    const near = nearest(name, Object.keys(COMMANDS));
    console.error(`tsdnas: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}${near ? ` (did you mean '${near}'?)` : ''}`);
    return 2;
  }
  if (wantsHelp(rest)) {
    console.log(cmd.help());
    return 0;
  }
  // Long commands run in a worker so that Ctrl-C can stop them cleanly (src/cli/interrupt.ts).
  const code = INTERRUPTIBLE_COMMANDS.has(name) ? await runInterruptibly(import.meta.url, args, name) : null;
  if (code !== null) return code;
  // On the thread that runs the command: lines reach the terminal or pipe as printed, and run.log (src/cli/output.ts).
  installLiveOutput(!isMainThread);
  setQuiet(quiet);
  setJsonStdout(json);
  await cmd.run(rest);
  emitEvent('done', { command: name });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    const err = e as Error;
    setQuiet(false);
    endStderrLine();
    console.error(err.message.startsWith('tsdnas') ? err.message : `tsdnas: ${err.message}`);
    if (process.env.TSDNAS_DEBUG) console.error(err.stack);
    process.exitCode = e instanceof UsageError ? 2 : ((e as { exitCode?: number }).exitCode ?? 1);
    emitEvent('error', { message: err.message, code: process.exitCode });
  },
);
