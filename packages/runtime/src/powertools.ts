/**
 * The ports on AWS Lambda Powertools: logs as JSON with the invocation's context, metrics as
 * CloudWatch EMF flushed after each invocation. Imported by the Lambdas' composition roots only
 * (`@github-webhooks/runtime/powertools`), so nothing else loads Powertools.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { LogFields, Logger } from './logger';
import { METRIC_NAMESPACE, type MetricOf, type Metrics, type ServiceName } from './metrics';

/** What Powertools reads of Lambda's context object. */
export type InvocationContext = Parameters<PowertoolsLogger['addContext']>[0];

export interface LambdaMonitoring<S extends ServiceName> {
  readonly logger: Logger;
  readonly metrics: Metrics<MetricOf<S>>;
  /** Puts the invocation's context (request id, function, cold start) on every later log record. */
  addContext(context: InvocationContext): void;
  /** Flushes the metrics counted so far as one EMF record. */
  publish(): void;
  /** Runs one invocation: its context on every log record, its metrics flushed however it ends. */
  invocation<T>(context: InvocationContext, run: () => Promise<T>): Promise<T>;
}

/** The service name is the log records' `service` and the metrics' `service` dimension. */
export function lambdaMonitoring<S extends ServiceName>(service: S): LambdaMonitoring<S> {
  const logs = new PowertoolsLogger({ serviceName: service });
  const emf = new PowertoolsMetrics({ namespace: METRIC_NAMESPACE, serviceName: service });
  const logger: Logger = {
    debug: (message: string, fields?: LogFields) => logs.debug(message, { ...fields }),
    info: (message: string, fields?: LogFields) => logs.info(message, { ...fields }),
    warn: (message: string, fields?: LogFields) => logs.warn(message, { ...fields }),
    error: (message: string, fields?: LogFields) => logs.error(message, { ...fields }),
  };
  const monitoring: LambdaMonitoring<S> = {
    logger,
    metrics: {
      count: (name, value = 1) => emf.addMetric(name, MetricUnit.Count, value),
      gauge: (name, seconds) => emf.addMetric(name, MetricUnit.Seconds, seconds),
    },
    addContext: (context) => logs.addContext(context),
    publish: () => emf.publishStoredMetrics(),
    async invocation(context, run) {
      monitoring.addContext(context);
      try {
        return await run();
      } finally {
        monitoring.publish();
      }
    },
  };
  return monitoring;
}
