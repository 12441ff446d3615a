export interface Row {
  readonly stage: string;
  readonly case: string;
  readonly measured: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly goal: string;
  readonly met: boolean;
}

/** A Markdown table, so the README can show it as printed. */
export function table(rows: readonly Row[]): string {
  const header = [
    'stage',
    'case',
    'measured (median, min–max)',
    'baselines, same run (medians)',
    'ratio',
    'goal',
    'met',
  ];
  const lines = rows.map((r) => [
    r.stage,
    r.case,
    r.measured,
    r.baseline,
    r.ratio,
    r.goal,
    r.met ? 'yes' : 'no',
  ]);
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
