/**
 * The stable endpoint's fixed facts, shared by the hub stack, the hub's Lambdas and LocalCloud's
 * deployment: where Global Accelerator's API answers, how its endpoint groups check health, and the
 * environment that hands the deployed groups to the hub.
 */

/** Global Accelerator is global; its API answers in us-west-2 only (Global Accelerator API Reference, "Welcome"). */
export const GLOBAL_ACCELERATOR_REGION = 'us-west-2';
/** Health checks every 10 s, 3 in a row: a new replica takes traffic ~30 s after it serves. */
export const ENDPOINT_HEALTH_INTERVAL_SECONDS = 10;
export const ENDPOINT_HEALTH_THRESHOLD = 3;
/** Endpoints one endpoint group holds (Global Accelerator quotas; AddEndpoints beyond it: LimitExceededException). */
export const MAX_ENDPOINTS_PER_GROUP = 10;

/** Hub Lambda environment: the endpoint group ARN per worker region (JSON object), and the stable URL. */
export const ENDPOINT_GROUPS_ENV = 'ENDPOINT_GROUPS';
export const ENDPOINT_URL_ENV = 'ENDPOINT_URL';

/** What the hub knows of the deployed endpoint. */
export interface StableEndpointRef {
  /** The URL clients call (GET /spot-instances shows it as `endpoint`). */
  url: string;
  /** Endpoint group ARN per worker region. */
  groups: Record<string, string>;
}

/** The endpoint group settings the stack and LocalCloud both use: HTTP checks on the container's health path. */
export const endpointGroupSettings = (container: { port: number; healthCheckPath: string }) => ({
  TrafficDialPercentage: 100,
  HealthCheckProtocol: 'HTTP' as const,
  HealthCheckPort: container.port,
  HealthCheckPath: container.healthCheckPath,
  HealthCheckIntervalSeconds: ENDPOINT_HEALTH_INTERVAL_SECONDS,
  ThresholdCount: ENDPOINT_HEALTH_THRESHOLD,
});
