/**
 * Checking optimiser, scheduler and clipping options, so that a bad value fails where it is
 * given, with a message naming the owner, the option, the value and what is allowed.
 */

/** Bounds for a numeric option; every numeric option must also be finite. */
export interface NumberRule {
  min?: number;
  /** The bound `min` itself is not allowed. */
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
  integer?: boolean;
}

export type OptionRule =
  | { kind: 'number'; rule: NumberRule }
  | { kind: 'boolean' }
  /** Two numbers, both obeying `rule` (Adam's betas). */
  | { kind: 'pair'; rule: NumberRule };

/** One rule per hyper-parameter of an optimiser. */
export type OptionSchema<H> = { readonly [K in keyof H]: OptionRule };

/** A value as it should appear in an error message. */
export function fmtValue(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || v === null || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.slice(0, 8).map(fmtValue).join(', ')}${v.length > 8 ? ', …' : ''}]`;
  // Class instances (a Tensor, a typed array) by kind: their JSON would be long and unhelpful.
  const ctor = typeof v === 'object' ? (v as object).constructor?.name : undefined;
  if (ctor !== undefined && ctor !== 'Object') return `${/^[AEIOU]/.test(ctor) ? 'an' : 'a'} ${ctor}`;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function describeRule(r: NumberRule): string {
  const noun = r.integer ? 'an integer' : 'a finite number';
  if (r.min !== undefined && r.max !== undefined) {
    return `${noun} in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
  }
  if (r.min !== undefined) return `${noun} ${r.minOpen ? '>' : '≥'} ${r.min}`;
  if (r.max !== undefined) return `${noun} ${r.maxOpen ? '<' : '≤'} ${r.max}`;
  return noun;
}

function obeys(v: unknown, r: NumberRule): v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (r.integer && !Number.isInteger(v)) return false;
  if (r.min !== undefined && (r.minOpen ? v <= r.min : v < r.min)) return false;
  if (r.max !== undefined && (r.maxOpen ? v >= r.max : v > r.max)) return false;
  return true;
}

export function checkNumber(owner: string, option: string, v: unknown, r: NumberRule): number {
  if (!obeys(v, r)) throw new Error(`${owner}: ${option} must be ${describeRule(r)}, got ${fmtValue(v)}`);
  return v;
}

export function checkBoolean(owner: string, option: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`${owner}: ${option} must be true or false, got ${fmtValue(v)}`);
  return v;
}

/** Checks one option against its rule and returns a private copy of its value. */
export function checkOption(owner: string, option: string, v: unknown, r: OptionRule): unknown {
  switch (r.kind) {
    case 'number':
      return checkNumber(owner, option, v, r.rule);
    case 'boolean':
      return checkBoolean(owner, option, v);
    case 'pair':
      if (!Array.isArray(v) || v.length !== 2 || !obeys(v[0], r.rule) || !obeys(v[1], r.rule)) {
        throw new Error(`${owner}: ${option} must be a pair of numbers, each ${describeRule(r.rule)}, got ${fmtValue(v)}`);
      }
      // A copy, so that later edits to the caller's array cannot bypass validation.
      return [v[0], v[1]];
  }
}

export function checkObject(owner: string, what: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw new Error(`${owner}: ${what} must be an object, got ${fmtValue(v)}`);
  }
  return v as Record<string, unknown>;
}

/** Rejects misspelt options, which would otherwise be silently ignored. */
export function checkKnownKeys(owner: string, what: string, obj: object, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new Error(`${owner}: unknown option '${key}' in ${what} (allowed: ${allowed.join(', ')})`);
    }
  }
}
