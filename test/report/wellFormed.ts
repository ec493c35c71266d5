/**
 * A small well-formedness check for the report's markup (no XML parser in the dependencies):
 * tags balance, attribute values are quoted, and text holds no raw '<' or bare '&'.
 */

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);

/** Problems found in `markup` (empty when well formed). */
export function markupProblems(markup: string, opts: { html?: boolean } = {}): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < markup.length) {
    const lt = markup.indexOf('<', i);
    const textPart = markup.slice(i, lt === -1 ? markup.length : lt);
    const amp = /&(?!(amp|lt|gt|quot|#39|#\d+);)/.exec(textPart);
    if (amp !== null) problems.push(`bare '&' near '${textPart.slice(amp.index, amp.index + 20)}'`);
    if (lt === -1) break;
    if (markup.startsWith('<!DOCTYPE', lt)) {
      i = markup.indexOf('>', lt) + 1;
      continue;
    }
    tag.lastIndex = lt;
    const m = tag.exec(markup);
    if (m === null) {
      problems.push(`malformed tag at ${lt}: '${markup.slice(lt, lt + 40)}'`);
      i = lt + 1;
      continue;
    }
    const [, close, name, , self] = m;
    if (close === '/') {
      const top = stack.pop();
      if (top !== name) problems.push(`</${name}> closes <${top ?? 'nothing'}>`);
    } else if (self !== '/' && !(opts.html === true && VOID.has(name))) {
      stack.push(name);
      // Style content is CSS, not markup.
      if (name === 'style') {
        const end = markup.indexOf('</style>', tag.lastIndex);
        i = end;
        continue;
      }
    }
    i = tag.lastIndex;
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  return problems;
}

export interface TextBox {
  text: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m === null ? null : m[1];
};

/** Estimated boxes of the unrotated <text> elements of one SVG (same width estimate as the layout). */
export function textBoxes(svgMarkup: string, width: (s: string, size: number) => number): TextBox[] {
  const out: TextBox[] = [];
  for (const m of svgMarkup.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
    const tag = m[1];
    if (attr(tag, 'transform') !== null) continue;
    const content = m[2].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    const size = Number(attr(tag, 'font-size') ?? 12);
    const x = Number(attr(tag, 'x'));
    const y = Number(attr(tag, 'y'));
    const w = width(content, size);
    const anchor = attr(tag, 'text-anchor') ?? 'start';
    const x0 = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x;
    out.push({ text: content, x0, x1: x0 + w, y0: y - size * 0.8, y1: y + size * 0.2 });
  }
  return out;
}

/** Pairs of text boxes that overlap (by more than half a pixel each way). */
export function overlappingTexts(boxes: readonly TextBox[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.x0 < b.x1 - 0.5 && b.x0 < a.x1 - 0.5 && a.y0 < b.y1 - 0.5 && b.y0 < a.y1 - 0.5) out.push(`'${a.text}' overlaps '${b.text}'`);
    }
  }
  return out;
}
