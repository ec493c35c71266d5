/**
 * A tiny reader for the Python literals NumPy writes in .npy headers
 * (`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`): dicts, tuples, lists,
 * quoted strings, integers (Python 2's `3L` too), True / False / None. Nothing is evaluated.
 * Nesting is capped so a hostile header cannot exhaust the stack (a RangeError would escape).
 */

export type PyValue = string | number | boolean | null | PyValue[] | PyTuple | PyDict;
export interface PyTuple { tuple: PyValue[] }
export interface PyDict { dict: Map<string, PyValue> }

const MAX_DEPTH = 16;

/** Parses one literal; `where` prefixes every error (e.g. "x.npy: header"). */
export function parsePyLiteral(text: string, where: string): PyValue {
  let p = 0;
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what} at character ${p} of ${JSON.stringify(text.length > 120 ? text.slice(0, 120) + '…' : text)}`);
  };
  const skip = (): void => {
    while (p < text.length && /\s/.test(text[p])) p++;
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    skip();
    const c = text[p];
    if (c === undefined) return fail('unexpected end');
    if (c === '{') return { dict: items(depth, '}', true) as Map<string, PyValue> };
    if (c === '(') return { tuple: items(depth, ')', false) as PyValue[] };
    if (c === '[') return items(depth, ']', false) as PyValue[];
    if (c === "'" || c === '"') return str();
    const m = /^(?:True|False|None|[-+]?\d+L?)/.exec(text.slice(p, p + 40));
    if (!m) return fail(`unexpected ${JSON.stringify(c)}`);
    p += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0].replace('L', ''));
  };
  const str = (): string => {
    const q = text[p++];
    let s = '';
    while (p < text.length && text[p] !== q) {
      if (text[p] === '\\' && p + 1 < text.length) p++;
      s += text[p++];
    }
    if (p >= text.length) fail('unterminated string');
    p++;
    return s;
  };
  // Comma-separated items up to `close`; a trailing comma is allowed, as Python allows it.
  const items = (depth: number, close: string, isDict: boolean): Map<string, PyValue> | PyValue[] => {
    p++;
    const list: PyValue[] = [];
    const map = new Map<string, PyValue>();
    for (;;) {
      skip();
      if (text[p] === close) { p++; break; }
      if (isDict) {
        const key = value(depth + 1);
        if (typeof key !== 'string') fail('a dict key that is not a string');
        skip();
        if (text[p] !== ':') fail("expected ':'");
        p++;
        map.set(key as string, value(depth + 1));
      } else list.push(value(depth + 1));
      skip();
      if (text[p] === ',') p++;
      else if (text[p] === close) { p++; break; }
      else fail(`expected ',' or '${close}'`);
    }
    return isDict ? map : list;
  };
  const v = value(0);
  skip();
  if (p < text.length) fail('unexpected text after the literal');
  return v;
}
