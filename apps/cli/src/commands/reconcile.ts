import { reconcile } from '@github-webhooks/delivery-reconciler';
import { JsonLogger } from '@github-webhooks/runtime';
import { archiveLocation, commandSettings, defineCommand } from '../command';
import { Progress } from '../progress';
import { formatReport } from '../reconcile/format-report';
import {
  RECONCILE_COMMAND_SETTINGS,
  readReconcileSettings,
  reconcileRun,
} from '../reconcile/reconcile-settings';
import { flagVariables, optionsHelp, parseOptions } from '../settings/declare';

export const reconcileCommand = defineCommand({
  name: 'reconcile',
  summary: "check hooks' delivery logs at GitHub and redeliver what never arrived",
  help: `Usage: github-webhooks reconcile --hook HOOK [--hook HOOK …] [options]

GitHub never retries a failed delivery. This reads each hook's delivery log over the window, and asks
GitHub to redeliver every event none of whose attempts got a 2xx (at most --max-redeliveries times,
spaced 5 min, 20 min, 80 min, …); with --archive, also those GitHub delivered that the archive lacks.

Hooks: orgs/ORG/hooks/ID, repos/OWNER/REPO/hooks/ID, or app (the GitHub App's own hook).
Environment: GITHUB_API_URL (https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3;
plain http only to 127.0.0.1, localhost or [::1]), GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY.

${optionsHelp(RECONCILE_COMMAND_SETTINGS)}

Exit 0 when the run completed or stopped cleanly on GitHub's rate budget ("complete": false),
1 when GitHub could not be used (unreachable, bad credentials), 2 on a usage error.`,
  options: parseOptions(RECONCILE_COMMAND_SETTINGS),
  async run(values, env) {
    // --archive names the archive to check; the state directory defaults under ARCHIVE_DIR either way.
    const settings = readReconcileSettings(
      commandSettings(values, flagVariables(RECONCILE_COMMAND_SETTINGS), env),
      archiveLocation({}, env),
    );
    const progress = new Progress('reading delivery logs');
    const { options, ports } = reconcileRun(settings, new Date(), {
      dryRun: values['dry-run'] ?? false,
      logger: new JsonLogger('github-webhooks-reconcile', { out: process.stderr, minLevel: 'warn' }),
      progress: ({ hook, attempts, pages }) =>
        progress.update(attempts, undefined, `attempts (${pages} pages of ${hook})`),
    });
    const report = await reconcile(options, ports).finally(() => progress.done());
    console.log(values.json ? JSON.stringify(report) : formatReport(report));
    return 0;
  },
});
