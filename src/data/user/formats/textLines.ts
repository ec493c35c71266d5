/**
 * Text of a user's file as the text readers see it: decoded as UTF-8, without the byte-order
 * mark spreadsheet programs put first (it would glue itself to the first cell or keyword), and
 * split into lines whatever the line ends (LF, CRLF, or a lone CR from old Mac exports).
 */

import { asText, type Input } from '../table.js';

/** The input as text, without a leading byte-order mark. */
export function textOf(input: Input): string {
  const text = asText(input);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Lines of `text`; line `i` of the result is line `i + 1` of the file (errors quote that). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}
