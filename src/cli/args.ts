/**
 * Command-line parsing on Node's built-in `util.parseArgs`: flags are derived from a config
 * schema (camelCase keys become --kebab-case flags), a `--config file.json` supplies the same
 * keys, and flags override the file. Unknown flags are rejected with the nearest known one.
 */

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { camel, kebab, nearest, resolveConfig, type ConfigOf, type Schema } from '../util/schema.js';
import { configKeyProblem } from './configKeys.js';

export class UsageError extends Error {}

export interface ParsedCommand<S extends Schema> {
  config: ConfigOf<S>;
  positionals: string[];
}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--config ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config ${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`--config ${path}: must hold a JSON object of option names to values`);
  const problem = configKeyProblem(text);
  if (problem !== null) throw new UsageError(`--config ${path}: ${problem}`);
  // Accept both camelCase and kebab-case keys in files.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), v]));
}

/**
 * `--lr -1`: util.parseArgs refuses a value that starts with a dash ("argument is ambiguous"), so a
 * negative number after an option that takes a value is joined to it (`--lr=-1`); the schema then
 * rejects or accepts it with its usual message naming the key and the allowed range.
 */
function joinNegativeValues(argv: string[], options: Record<string, { type: 'string' | 'boolean' }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    if (a.startsWith('--') && !a.includes('=') && options[a.slice(2)]?.type === 'string' && next !== undefined && /^-(\d|\.\d|inf)/i.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

/**
 * `--per-layer` alone means true: every option is declared to parseArgs as taking a value (so
 * `--sweep false` works), and parseArgs would then call a bare flag followed by another option
 * ambiguous. A boolean option followed by another option or by nothing gets `=true`.
 */
function bareBooleans(argv: string[], schema: Schema): string[] {
  return argv.map((a, i) => {
    const next = argv[i + 1];
    const key = a.startsWith('--') && !a.includes('=') ? camel(a.slice(2)) : '';
    const isBoolean = key !== '' && Object.hasOwn(schema, key) && schema[key].type === 'boolean';
    return isBoolean && (next === undefined || next.startsWith('-')) ? `${a}=true` : a;
  });
}

export function parseCommand<S extends Schema>(command: string, schema: S, argv: string[]): ParsedCommand<S> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { config: { type: 'string' }, help: { type: 'boolean' } };
  for (const k of Object.keys(schema)) options[kebab(k)] = { type: 'string' };
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(bareBooleans(argv, schema), options), options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message;
    const m = /Unknown option '(-{1,2}[^']+)'/.exec(msg);
    if (m !== null) {
      const near = nearest(m[1].replace(/^-+/, ''), Object.keys(options));
      throw new UsageError(`tsdnas ${command}: unknown option ${m[1]}${near ? ` (did you mean --${near}?)` : ''}; see 'tsdnas ${command} --help'`);
    }
    throw new UsageError(`tsdnas ${command}: ${msg}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const fromFlags: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (k !== 'config' && k !== 'help') fromFlags[camel(k)] = v;
  const sources = [];
  if (typeof values.config === 'string') sources.push({ values: readConfigFile(values.config), where: `--config ${values.config}` });
  sources.push({ values: fromFlags, where: 'command line' });
  try {
    return { config: resolveConfig(schema, sources), positionals: parsed.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/'([a-z][A-Za-z0-9]*)'/, (_, k: string) => (sources.length && k in schema ? `'${k}' (--${kebab(k)})` : `'${k}'`)));
  }
}

export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
