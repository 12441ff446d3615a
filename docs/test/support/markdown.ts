import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');

export const readDoc = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** The text under a heading (given as its whole line), up to the next heading of the same or a higher level. */
export function section(doc: string, heading: string): string {
  const lines = doc.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`no heading "${heading}"`);
  const level = /^#+/.exec(heading)?.[0].length ?? 1;
  let inCode = false;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('```')) inCode = !inCode;
    const hashes = /^(#+)\s/.exec(line)?.[1]?.length;
    if (!inCode && hashes !== undefined && hashes <= level) break;
    body.push(line);
  }
  return body.join('\n');
}

/** The headings of one level in a text, without their hashes. */
export const headings = (text: string, level: number): string[] =>
  [...text.matchAll(new RegExp(`^${'#'.repeat(level)} (.+)$`, 'gm'))].map((m) => m[1] ?? '');

/** The first column of a Markdown table's rows, when it is one `code` span. */
export const firstColumn = (text: string): string[] =>
  [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] ?? '');

/** The ```sh blocks right after a `<!-- run: TAG -->` comment, in the order they are written. */
export const taggedBlocks = (doc: string, tag: string): string[] =>
  [...doc.matchAll(new RegExp(`^<!-- run: ${tag} -->\\n\`\`\`sh\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map(
    (m) => m[1] ?? '',
  );
