import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Logger, Metrics } from '../ports';

/** Structured JSON logs through Powertools Logger (adds the Lambda context to every line). */
export function powertoolsLogger(logger: PowertoolsLogger): Logger {
  return {
    info: (message, fields = {}) => logger.info(message, { ...fields }),
    warn: (message, fields = {}) => logger.warn(message, { ...fields }),
    error: (message, fields = {}) => logger.error(message, { ...fields }),
  };
}

/** CloudWatch metrics in Embedded Metric Format, flushed by the handler after each invocation. */
export function powertoolsMetrics(metrics: PowertoolsMetrics): Metrics {
  return { count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value) };
}
