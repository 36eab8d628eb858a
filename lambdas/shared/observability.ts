/**
 * Structured logs and EMF metrics for every spotplane Lambda (Powertools for AWS Lambda). A handler uses
 * Powertools' own middy middlewares — `injectLambdaContext` (Lambda context in every line, keys reset after
 * each invocation) and `logMetrics` (metrics flushed when the invocation ends, whether it succeeded or
 * failed) — plus `logContext`, a small middleware of ours for the keys Powertools cannot know: the region
 * the function serves and the Step Functions execution the payload names.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
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
  const logger = new Logger({
    serviceName: service,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  // Metrics' own warnings (a bad dimension, say) go through the function's logger: JSON, and silenced with it.
  return { logger, metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service, logger }) };
}

/** Adds `value` (default 1) to the count metric `name`; published when the invocation ends. */
export const countMetric = (metrics: Metrics, name: MetricName, value = 1) =>
  metrics.addMetric(name, MetricUnit.Count, value);

/** Log context of one invocation: `execution`, `region`, `instance` and whatever else the handler knows. */
export type LogContext = Record<string, string | number | boolean | null | undefined>;

export interface LogContextOptions<E> {
  /** Keys always present (e.g. the region the function serves). */
  staticContext?: LogContext;
  /** Keys read from the event (e.g. the instance id). */
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
 * middy middleware: `before` appends the static keys, the payload's `execution` and what `contextFromEvent`
 * reads; `onError` logs the failure with those keys still in place. Powertools' `injectLambdaContext`
 * (with `resetKeys`) removes them after the invocation, so a warm Lambda starts clean.
 */
export function logContext<E, R>(logger: Logger, options: LogContextOptions<E> = {}): MiddlewareObj<E, R> {
  return {
    before: (request) => {
      let fromEvent: LogContext = executionOf(request.event);
      try {
        fromEvent = { ...fromEvent, ...options.contextFromEvent?.(request.event) };
      } catch {
        // A context extractor must never fail an invocation; the handler reports bad input itself.
      }
      logger.appendKeys(defined({ ...options.staticContext, ...fromEvent }));
    },
    onError: (request) => {
      logger.error('invocation failed', { error: request.error as Error });
    },
  };
}

export interface InstrumentOptions<E> extends LogContextOptions<E> {
  /**
   * The handler counts metrics (`countMetric`): flush them with `logMetrics` when the invocation ends.
   * Left off for handlers that never count one, because Powertools warns on every flush without metrics.
   */
  metrics?: boolean;
}

/**
 * The middlewares every spotplane handler uses, in order: `injectLambdaContext` (function name, ARN, cold
 * start, request id; keys reset after the invocation), `logMetrics` when the handler counts metrics, then
 * `logContext`. middy runs `after` / `onError` in reverse, so the failure is logged with its keys before
 * the metrics are flushed and the keys reset.
 *
 * @example
 * middy<Event, Result>().use(instrument(obs, { staticContext: { region } })).handler(body)
 */
export function instrument<E, R>(
  obs: Observability,
  options: InstrumentOptions<E> = {},
): MiddlewareObj<E, R>[] {
  return [
    injectLambdaContext(obs.logger, { resetKeys: true }) as MiddlewareObj<E, R>,
    ...(options.metrics ? [logMetrics(obs.metrics) as MiddlewareObj<E, R>] : []),
    logContext<E, R>(obs.logger, options),
  ];
}
