/**
 * What a contract suite runs against: SDK clients plus the few resources a suite needs to exist.
 * LocalCloud provides one (`local-target.ts`); a target backed by a real account would provide the
 * same fields from provisioned resources and a real-time `advance`.
 */
import type { AwsClients } from '../../../lambdas/shared/clients.ts';

export interface ContractTarget {
  clients: AwsClients;
  region: string;
  /** A second region with its own resources (cross-region event targets). */
  otherRegion: string;
  /** An Auto Scaling group (MinSize 0, MaxSize 3, DesiredCapacity 0) whose instances join `clusterName`. */
  asgName: string;
  clusterName: string;
  /** The capacity provider (backed by `asgName`, managed scaling ENABLED) associated with `clusterName`. */
  capacityProvider: string;
  /** A task definition whose container has a health check. */
  taskDefinition: string;
  /** A custom bus in `region`, and one named the same in `otherRegion`. */
  busName: string;
  /** ARN of a Lambda function in `region` that records every event it receives (see `received`). */
  sinkArn: string;
  received(): { source: string; 'detail-type': string; detail: Record<string, unknown>; region: string }[];
  /**
   * A Standard state machine in `region` whose one Task puts an event with `detail.token` =
   * `$$.Task.Token` on `busName` (`.waitForTaskToken`, HeartbeatSeconds 60, TimeoutSeconds 600) and
   * returns what SendTaskSuccess sends.
   */
  waitingMachineArn: string;
  /**
   * A DynamoDB table in `region` with hash key `pk` (string), on-demand billing, created the way the
   * stack creates tables (ACTIVE once it exists).
   */
  tableName: string;
  /** The target's current time (virtual for LocalCloud). */
  now(): Date;
  /** Lets simulated time pass (and everything it triggers settle). */
  advance(ms: number): Promise<void>;
  /** Exhausts (false) or restores Spot capacity in `region`. */
  setCapacity(available: boolean): void;
  /** Sends the Spot interruption warning for every instance in `region`. */
  interrupt(): void;
  /** A name no earlier test used. */
  unique(prefix: string): string;
}

export type TargetFactory = () => Promise<ContractTarget>;
