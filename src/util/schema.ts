/**
 * A small schema for configs and options: every key declared with its type, range, default and
 * help text. Validation runs before any work starts and rejects unknown keys (suggesting the
 * nearest known one) and bad values, naming the key, the value and what is allowed.
 */

export type FieldSpec =
  | { type: 'number'; default: number; min?: number; max?: number; integer?: boolean; help: string }
  | { type: 'string'; default: string; choices?: readonly string[]; help: string }
  | { type: 'optional-string'; default?: undefined; choices?: readonly string[]; help: string }
  | { type: 'boolean'; default: boolean; help: string }
  | { type: 'number-list'; default: readonly number[]; min?: number; max?: number; help: string; /** An empty list is a value (e.g. 'no λ grid: sweep budgets'); only as an array, never as '' */ allowEmpty?: boolean };

export type Schema = Readonly<Record<string, FieldSpec>>;

type ValueOf<F extends FieldSpec> = F extends { type: 'number' } ? number
  : F extends { type: 'string' } ? string
  : F extends { type: 'optional-string' } ? string | undefined
  : F extends { type: 'boolean' } ? boolean
  : F extends { type: 'number-list' } ? number[]
  : never;

export type ConfigOf<S extends Schema> = { -readonly [K in keyof S]: ValueOf<S[K]> };

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

export function nearest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bd = Infinity;
  for (const c of candidates) {
    const dist = editDistance(name.toLowerCase(), c.toLowerCase());
    if (dist < bd) {
      bd = dist;
      best = c;
    }
  }
  return bd <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function checkField(key: string, spec: FieldSpec, v: unknown, where: string): unknown {
  // JSON.stringify shows Infinity and NaN (e.g. 1e400 in a config file) as null: name them.
  const shown = typeof v === 'number' && !Number.isFinite(v) ? `${v} (not a finite number)` : JSON.stringify(v);
  const bad = (allowed: string) => new Error(`${where}: '${key}' = ${shown} is not allowed; expected ${allowed}`);
  switch (spec.type) {
    case 'number': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      const range = `${spec.integer ? 'an integer' : 'a number'}${spec.min !== undefined ? ` ≥ ${spec.min}` : ''}${spec.max !== undefined ? ` ≤ ${spec.max}` : ''}`;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw bad(range);
      if (spec.integer && !Number.isInteger(n)) throw bad(range);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) throw bad(range);
      return n;
    }
    case 'string':
    case 'optional-string': {
      if (typeof v !== 'string') throw bad(spec.choices ? `one of ${spec.choices.join(', ')}` : 'a string');
      if (spec.choices && !spec.choices.includes(v)) {
        const near = nearest(v, spec.choices);
        throw bad(`one of ${spec.choices.join(', ')}${near ? ` (did you mean '${near}'?)` : ''}`);
      }
      return v;
    }
    case 'boolean': {
      if (v === 'true' || v === true) return true;
      if (v === 'false' || v === false) return false;
      throw bad('true or false');
    }
    case 'number-list': {
      // Number('') is 0: an empty entry ('1e-5,,1e-4', '') must not become a silent 0.
      if (typeof v === 'string' && v.split(',').some((s) => s.trim() === '')) throw bad('a comma-separated list of numbers without empty entries (e.g. 1e-6,5e-6)');
      const list = typeof v === 'string' ? v.split(',').map((s) => Number(s.trim())) : v;
      if (!Array.isArray(list) || (list.length === 0 && !(spec.allowEmpty === true && Array.isArray(v))) || !list.every((x) => typeof x === 'number' && Number.isFinite(x))) throw bad('a non-empty list of numbers (e.g. 1e-6,5e-6)');
      for (const x of list as number[]) {
        if ((spec.min !== undefined && x < spec.min) || (spec.max !== undefined && x > spec.max)) throw bad(`numbers in [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`);
      }
      return list;
    }
  }
}

/** Defaults, overlaid by each source in order (later wins), all validated against the schema. */
export function resolveConfig<S extends Schema>(schema: S, sources: { values: Record<string, unknown>; where: string }[]): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(schema)) out[k] = spec.default;
  for (const src of sources) {
    for (const [k, v] of Object.entries(src.values)) {
      if (v === undefined) continue;
      // Own keys only: '__proto__' or 'constructor' must not find Object.prototype's members.
      const spec = Object.hasOwn(schema, k) ? schema[k] : undefined;
      if (spec === undefined) {
        const near = nearest(k, Object.keys(schema));
        throw new Error(`${src.where}: unknown key '${k}'${near ? ` (did you mean '${near}'?)` : ''}; known keys: ${Object.keys(schema).join(', ')}`);
      }
      out[k] = checkField(k, spec, v, src.where);
    }
  }
  return out as ConfigOf<S>;
}

/** One help line per key, for `--help`. */
export function describeSchema(schema: Schema): string {
  return Object.entries(schema)
    .map(([k, s]) => `  --${kebab(k).padEnd(20)} ${s.help}${s.default !== undefined ? ` (default ${JSON.stringify(s.default)})` : ''}${'choices' in s && s.choices ? ` [${s.choices.join('|')}]` : ''}`)
    .join('\n');
}

export function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function camel(s: string): string {
  return s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
