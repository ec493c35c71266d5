/**
 * The markup layer of the report: escaping for HTML / SVG text and attributes, a tiny element
 * builder, and a text-width estimate used to keep labels from overlapping (no font metrics
 * are available without a browser, so widths are estimated per character class).
 */

/** Escapes text for element content and double-quoted attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export type Attrs = Record<string, string | number | undefined | null | false>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined && v !== null && v !== false)
    .map(([k, v]) => ` ${k}="${esc(typeof v === 'number' ? round(v) : (v as string))}"`)
    .join('');
}

/** Coordinates with two decimals keep the files small and the output deterministic. */
export function round(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** An element; `children` are already-built markup (escape text with `esc`). */
export function el(tag: string, a: Attrs = {}, ...children: string[]): string {
  return children.length === 0 ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${children.join('')}</${tag}>`;
}

/** A text element whose content is escaped. */
export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return el('text', { x, y, ...a }, esc(content));
}

/** Estimated width in px of `s` in the report's sans-serif font at `fontSize` px (within about 10% of Chromium's DejaVu Sans). */
export function textWidth(s: string, fontSize: number): number {
  let w = 0;
  for (const ch of s) {
    if (/[il.,:;|!' ]/.test(ch)) w += 0.32;
    else if (/[mwMW%@#=+~<>]/.test(ch)) w += 0.86;
    else if (/[A-Z0-9×→λμ]/.test(ch)) w += 0.66;
    else w += 0.56;
  }
  return w * fontSize;
}

/** `s` cut with an ellipsis so that it fits in `maxWidth` px; `keep: 'end'` keeps the end (layer paths). */
export function fitText(s: string, fontSize: number, maxWidth: number, keep: 'start' | 'end' = 'start'): string {
  if (textWidth(s, fontSize) <= maxWidth) return s;
  let cut = s;
  const dress = (c: string) => (keep === 'end' ? `…${c}` : `${c}…`);
  while (cut.length > 1 && textWidth(dress(cut), fontSize) > maxWidth) cut = keep === 'end' ? cut.slice(1) : cut.slice(0, -1);
  return dress(cut);
}
