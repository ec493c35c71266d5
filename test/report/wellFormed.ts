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
