/**
 * Splits text holding JSON values written back to back with no delimiter (`{..}{..}`), as the
 * original system's archive did. Throws when the text is not a sequence of complete objects/arrays.
 */
export function splitConcatenatedJson(text: string): string[] {
  const values: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22 && depth > 0) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth++ === 0) start = i;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) throw new SyntaxError(`unbalanced ${text[i]} at offset ${i}`);
      if (--depth === 0) values.push(text.slice(start, i + 1));
    } else if (depth === 0 && !isWhitespace(c)) {
      throw new SyntaxError(`unexpected character at offset ${i} between values`);
    }
  }
  if (depth !== 0) throw new SyntaxError('text ends inside a value');
  return values;
}

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
