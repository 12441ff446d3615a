export interface Row {
  /** Which stage and case this is, whatever was measured: `rowKey(stage, case name)`. */
  readonly key: string;
  readonly stage: string;
  readonly case: string;
  readonly measured: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly goal: string;
  /** Undefined for a row no goal judges (a measurement kept to be followed). */
  readonly met: boolean | undefined;
}

/** A Markdown table, so the README can show it as printed; a smoke's rows are not judged against the goals. */
export function table(rows: readonly Row[], options: { judged: boolean } = { judged: true }): string {
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
    options.judged ? r.goal : `${r.goal} (not judged)`,
    options.judged && r.met !== undefined ? (r.met ? 'yes' : 'no') : '–',
  ]);
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** A row's identity, so a run can be checked for the rows it must have (complete.ts). */
export const rowKey = (stage: string, caseName: string): string => `${stage} | ${caseName}`;
