/**
 * What JSON.parse hides in a --config file: a key given twice (the last silently wins),
 * `__proto__` / `constructor` keys, and a number too large for a double (1e400 parses to
 * Infinity, which messages would then print as null). A small scan of the already-valid JSON
 * text finds them, so the file is refused naming the key (and the number as written).
 */

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

interface Token { kind: '{' | '}' | '[' | ']' | ':' | ',' | 'string' | 'literal'; start: number; end: number; value?: string }

function tokens(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (' \t\r\n'.includes(c)) { i++; continue; }
    if ('{}[]:,'.includes(c)) { out.push({ kind: c as Token['kind'], start: i, end: i + 1 }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out.push({ kind: 'string', start: i, end: j + 1, value: JSON.parse(text.slice(i, j + 1)) as string });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !' \t\r\n{}[]:,"'.includes(text[j])) j++;
    out.push({ kind: 'literal', start: i, end: j });
    i = j;
  }
  return out;
}

/**
 * Checks the text of a valid JSON document (JSON.parse accepted it); returns a message naming
 * the first offending key, or null.
 */
export function configKeyProblem(text: string): string | null {
  const ts = tokens(text);
  let p = 0;
  // Walks one value; returns a problem or null. `path` names the key holding it.
  const value = (path: string): string | null => {
    const t = ts[p++];
    if (t.kind === 'literal') {
      const n = Number(text.slice(t.start, t.end));
      return Number.isFinite(n) || !/^-?\d/.test(text.slice(t.start, t.end)) ? null : `'${path}' = ${text.slice(t.start, t.end)} is not a finite number (it is beyond the range of a double)`;
    }
    if (t.kind === '[') {
      if (ts[p].kind === ']') { p++; return null; }
      for (;;) {
        const r = value(path);
        if (r !== null) return r;
        if (ts[p++].kind === ']') return null;
      }
    }
    if (t.kind !== '{') return null;
    if (ts[p].kind === '}') { p++; return null; }
    const seen = new Set<string>();
    for (;;) {
      const key = ts[p++].value as string;
      const name = path === '' ? key : `${path}.${key}`;
      if (FORBIDDEN.has(key)) return `key '${name}' is not an option name (refused: it would reach JavaScript's object prototype)`;
      if (seen.has(key)) return `key '${name}' is given twice (JSON keeps only the last); keep one`;
      seen.add(key);
      p++; // ':'
      const r = value(name);
      if (r !== null) return r;
      if (ts[p++].kind === '}') return null;
    }
  };
  return value('');
}
