import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Logger, MetricName, Metrics } from './ports';

/** The Logger port on Powertools Logger: one JSON object per line, fields at the top level. */
export function powertoolsLogger(logger: PowertoolsLogger): Logger {
  return {
    info: (message, fields) => logger.info(message, { ...fields }),
    warn: (message, fields) => logger.warn(message, { ...fields }),
    error: (message, fields) => logger.error(message, { ...fields }),
  };
}

/** The Metrics port on Powertools Metrics (EMF), flushed by the handler after each invocation. */
export function powertoolsMetrics(metrics: PowertoolsMetrics): Metrics {
  return {
    count: (name: MetricName, value = 1) => {
      metrics.addMetric(name, MetricUnit.Count, value);
    },
  };
}
