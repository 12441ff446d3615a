import { type ReconcileReport, reconcile } from '@github-webhooks/delivery-reconciler';
import { describeError, errorLine, type JsonLogger } from '@github-webhooks/runtime';
import { type ReconcileSettings, reconcileRun } from '../reconcile/reconcile-settings';

export interface ReconcileState {
  readonly enabled: boolean;
  readonly running: boolean;
  readonly last_run?: string;
  readonly last_error?: string;
  /** The last run's counts (its items are in the log). */
  readonly last?: Omit<ReconcileReport, 'items'>;
}

/** `serve --reconcile-every`: the reconciler on a timer, as the scheduled Lambda runs in AWS. Runs never overlap. */
export class ReconcileTimer {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private lastRun: Date | undefined;
  private lastError: string | undefined;
  private last: Omit<ReconcileReport, 'items'> | undefined;

  constructor(
    private readonly settings: ReconcileSettings | undefined,
    private readonly intervalMs: number,
    private readonly logger: JsonLogger,
  ) {}

  get state(): ReconcileState {
    return {
      enabled: this.settings !== undefined && this.intervalMs > 0,
      running: this.current !== undefined,
      ...(this.lastRun ? { last_run: this.lastRun.toISOString() } : {}),
      ...(this.lastError ? { last_error: this.lastError } : {}),
      ...(this.last ? { last: this.last } : {}),
    };
  }

  start(): void {
    if (this.settings === undefined || this.intervalMs <= 0) return;
    const tick = () => {
      this.current ??= this.runOnce()
        .then(() => undefined)
        .finally(() => {
          this.current = undefined;
        });
    };
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
    // The first run at start: deliveries missed while serve was down are asked for at once.
    tick();
  }

  async runOnce(): Promise<ReconcileReport | undefined> {
    if (this.settings === undefined) return undefined;
    const logger = this.logger.child({ component: 'reconciler' });
    try {
      const { options, ports } = reconcileRun(this.settings, new Date(), { logger });
      const report = await reconcile(options, ports);
      const { items, ...counts } = report;
      this.last = counts;
      this.lastRun = new Date();
      this.lastError = undefined;
      logger.info('reconciled', { ...counts, items: items.length });
      return report;
    } catch (error) {
      this.lastError = errorLine(error);
      logger.error('reconcile failed; it runs again at the next interval', { error: describeError(error) });
      return undefined;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.current;
  }
}
