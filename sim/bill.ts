/**
 * The control plane's own AWS bill, from what it did in a run. Unit prices are the published
 * us-east-1 list prices (USD), without free tiers, so the figure is an upper bound:
 * - Step Functions Standard workflows: $0.025 per 1,000 state transitions.
 * - Lambda (x86): $0.20 per 1M requests plus $0.0000166667 per GB-second. Durations are not
 *   simulated, so every invocation is billed at `lambdaMemoryMb` for `lambdaMeanDurationMs`
 *   (defaults 256 MB, 300 ms: an SDK call or two per invocation).
 * - EventBridge: $1.00 per 1M custom events (events from AWS services on the default bus are free;
 *   a cross-region forward is billed again in the receiving region, and is counted as its own event).
 * - SSM Parameter Store: standard parameters at standard throughput cost nothing.
 * - DynamoDB on-demand (the hub's state table): $0.125 per 1M read request units, $0.625 per 1M write request
 *   units (aws.amazon.com/dynamodb/pricing/on-demand, us-east-1); units as LocalCloud estimates them.
 * - CloudWatch Logs: $0.50 per GB ingested, for the execution history the state machines log (level ALL with
 *   execution data) and about 1 KB of Lambda log lines per invocation.
 * - API Gateway HTTP API: $1.00 per 1M requests.
 * - Global Accelerator (endpoint "global-accelerator"): $0.025 for every full or partial hour the accelerator
 *   exists (core/endpoint-cost.ts). Its Data Transfer-Premium depends on the workload's traffic, which the
 *   simulator does not model, so it is not counted.
 */
import { acceleratorFixedUsd } from '../core/endpoint-cost.ts';
import type { ControlPlaneUsage } from './timeline.ts';

export const UNIT_PRICES_USD = {
  stepFunctionsTransition: 0.025 / 1000,
  lambdaRequest: 0.2 / 1_000_000,
  lambdaGbSecond: 0.0000166667,
  eventBridgeCustomEvent: 1 / 1_000_000,
  ssmApiCall: 0,
  httpApiRequest: 1 / 1_000_000,
  dynamodbReadUnit: 0.125 / 1_000_000,
  dynamodbWriteUnit: 0.625 / 1_000_000,
  logIngestedGb: 0.5,
} as const;

/** Lambda log lines per invocation (a start line, the handler's one or two lines, the report line). */
export const LAMBDA_LOG_BYTES_PER_INVOCATION = 1024;

export interface BillOptions {
  lambdaMemoryMb?: number;
  lambdaMeanDurationMs?: number;
}

export interface ControlPlaneBill {
  stepFunctionsUsd: number;
  lambdaUsd: number;
  eventBridgeUsd: number;
  ssmUsd: number;
  dynamodbUsd: number;
  logsUsd: number;
  apiUsd: number;
  /** The stable endpoint's fixed fee (0 with endpoint "none"). */
  endpointUsd: number;
  totalUsd: number;
}

/** The bill for `usage` as counted. */
export function controlPlaneBill(usage: ControlPlaneUsage, options: BillOptions = {}): ControlPlaneBill {
  const gbSeconds =
    usage.lambdaInvocations *
    ((options.lambdaMemoryMb ?? 256) / 1024) *
    ((options.lambdaMeanDurationMs ?? 300) / 1000);
  const bill = {
    stepFunctionsUsd: usage.stateTransitions * UNIT_PRICES_USD.stepFunctionsTransition,
    lambdaUsd:
      usage.lambdaInvocations * UNIT_PRICES_USD.lambdaRequest + gbSeconds * UNIT_PRICES_USD.lambdaGbSecond,
    eventBridgeUsd: usage.customEvents * UNIT_PRICES_USD.eventBridgeCustomEvent,
    ssmUsd: (usage.ssmApiCalls ?? 0) * UNIT_PRICES_USD.ssmApiCall,
    dynamodbUsd:
      (usage.dynamodbReadUnits ?? 0) * UNIT_PRICES_USD.dynamodbReadUnit +
      (usage.dynamodbWriteUnits ?? 0) * UNIT_PRICES_USD.dynamodbWriteUnit,
    logsUsd:
      (((usage.executionLogBytes ?? 0) + usage.lambdaInvocations * LAMBDA_LOG_BYTES_PER_INVOCATION) / 1e9) *
      UNIT_PRICES_USD.logIngestedGb,
    apiUsd: usage.apiRequests * UNIT_PRICES_USD.httpApiRequest,
    endpointUsd: acceleratorFixedUsd(usage.acceleratorHours ?? 0),
  };
  return { ...bill, totalUsd: Object.values(bill).reduce((a, b) => a + b, 0) };
}

/** Scales a bill over `days` to a 30-day month. */
export function perMonth(bill: ControlPlaneBill, days: number): ControlPlaneBill {
  const k = 30 / days;
  return {
    stepFunctionsUsd: bill.stepFunctionsUsd * k,
    lambdaUsd: bill.lambdaUsd * k,
    eventBridgeUsd: bill.eventBridgeUsd * k,
    ssmUsd: bill.ssmUsd * k,
    dynamodbUsd: bill.dynamodbUsd * k,
    logsUsd: bill.logsUsd * k,
    apiUsd: bill.apiUsd * k,
    endpointUsd: bill.endpointUsd * k,
    totalUsd: bill.totalUsd * k,
  };
}
