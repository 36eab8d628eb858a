/**
 * Structured logs and EMF metrics for every spotplane Lambda (Powertools for AWS Lambda), as one middy
 * middleware: it puts the execution / region / instance of the invocation into the log context and
 * flushes the metrics when the invocation ends, whether it succeeded or failed.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';

export const METRICS_NAMESPACE = 'spotplane';

/** The metric names spotplane emits (count metrics). */
export const METRIC = {
  launches: 'Launches',
  launchFailures: 'LaunchFailures',
  failovers: 'Failovers',
  interruptionWarnings: 'InterruptionWarnings',
  droppedEvents: 'DroppedEvents',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

/** Logger and metrics for one Lambda; `logLevel` / metrics can be silenced by env or, in tests, here. */
export function makeObservability(
  service: string,
  options: { logLevel?: 'SILENT' | 'INFO' | 'DEBUG' } = {},
): Observability {
  return {
    logger: new Logger({ serviceName: service, ...(options.logLevel ? { logLevel: options.logLevel } : {}) }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service }),
  };
}

/** Adds `value` (default 1) to the count metric `name`; published when the invocation ends. */
export const countMetric = (metrics: Metrics, name: MetricName, value = 1) =>
  metrics.addMetric(name, MetricUnit.Count, value);

/** Log context of one invocation: `execution`, `region`, `instance` and whatever else the handler knows. */
export type LogContext = Record<string, string | number | boolean | null | undefined>;

export interface ObserveOptions<E> {
  observability: Observability;
  /** Keys always present (e.g. the region the function serves). */
  staticContext?: LogContext;
  /** Keys read from the event (e.g. the Step Functions execution, the instance id). */
  contextFromEvent?: (event: E) => LogContext;
}

/**
 * The Step Functions execution a state machine passes along (`"execution.$": "$$.Execution.Id"` in the
 * Lambda payload), so every Lambda invoked from a workflow logs which execution it served.
 */
const executionOf = (event: unknown): LogContext => {
  const execution =
    typeof event === 'object' && event !== null ? (event as { execution?: unknown }).execution : undefined;
  return typeof execution === 'string' && execution !== '' ? { execution } : {};
};

const defined = (context: LogContext) =>
  Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined && v !== null));

/**
 * middy middleware: `before` appends the log context, `after` / `onError` publish the metrics and
 * drop the per-invocation keys so the next invocation of a warm Lambda starts clean.
 */
export function observe<E, R>(options: ObserveOptions<E>): MiddlewareObj<E, R> {
  const { logger, metrics } = options.observability;
  const finish = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    logger.resetKeys();
  };
  return {
    before: (request) => {
      // Function name, ARN, cold start and request id in every line, as Powertools' injectLambdaContext adds them.
      if (request.context?.functionName) logger.addContext(request.context);
      let fromEvent: LogContext = executionOf(request.event);
      try {
        fromEvent = { ...fromEvent, ...options.contextFromEvent?.(request.event) };
      } catch {
        // A context extractor must never fail an invocation; the handler reports bad input itself.
      }
      logger.appendKeys(
        defined({ ...options.staticContext, ...fromEvent, request_id: request.context?.awsRequestId }),
      );
    },
    after: finish,
    onError: (request) => {
      logger.error('invocation failed', { error: request.error as Error });
      finish();
    },
  };
}
