/** The instruction count a callgrind dump's header gives (`summary:`; `totals:` in some versions). */
export function dumpInstructions(text: string): number {
  const match = /^(?:summary|totals):\s*(\d+)/m.exec(text);
  if (!match) throw new Error('callgrind dump has no summary line');
  return Number(match[1]);
}
