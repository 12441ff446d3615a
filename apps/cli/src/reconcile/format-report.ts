import type { ReconcileReport } from '@github-webhooks/delivery-reconciler';

/** The report for a terminal: the counts, then one line per event acted on or reported. */
export function formatReport(report: ReconcileReport): string {
  const counts = [
    `${report.hooks} hook(s), ${report.attempts} attempt(s) read, ${report.deliveries} event(s)`,
    `delivered ${report.delivered}, ${report.dry_run ? 'would redeliver' : 'redelivered'} ${report.redelivered}, waiting ${report.waiting}, gave up ${report.gave_up}, expiring ${report.expiring}`,
    `${report.api_calls} API call(s)${report.complete ? '' : "; stopped on GitHub's rate budget: run again later"}`,
  ];
  const items = report.items.map(
    (i) =>
      `${i.outcome.padEnd(11)} ${i.guid}  ${i.event}  ${i.hook}  ${i.attempts} attempt(s)${i.reason === 'missing_from_archive' ? ', missing from the archive' : ''}${i.expiring ? ', EXPIRING' : ''}`,
  );
  return [...counts, ...items].join('\n');
}
