/**
 * The seam between the simulator and the control plane it runs: what the driver needs from spotplane
 * running on LocalCloud. `local-cloud-plane.ts` implements it over the real state machines and
 * handlers; the driver only sees this interface, so its bookkeeping is testable on its own.
 */
import type { Lifecycle } from '../core/messages.ts';
import type { VirtualClock } from '../emulator/clock.ts';
import type { ControlPlaneUsage } from './timeline.ts';
import type { MarketState } from './trace.ts';

export interface ObservedInstance {
  id: string;
  region: string;
  /** Availability Zone, when the plane knows it. */
  zone?: string;
  instanceType: string;
  lifecycle: Lifecycle;
  state: 'pending' | 'running' | 'shutting-down' | 'terminated';
  launchMs: number;
  /** A container on it is RUNNING and its health check passes: it serves. */
  healthy: boolean;
}

export interface SimulatedControlPlane {
  readonly clock: VirtualClock;
  /** Sets a region's market from now on; returns the Spot instances a shrinking zone reclaimed. */
  setMarket(region: string, market: MarketState): string[];
  /** Interruption warning for the Spot instances in `region`; returns the instance ids warned. */
  interrupt(region: string): string[];
  /** `POST /spot-provisioning {"action":"enable"}` through the real API handler. */
  enableProvisioning(): Promise<void>;
  /** Every instance of the deployment, in every region, as it is now (terminated ones may be omitted). */
  instances(): ObservedInstance[];
  /** Desired capacity of the deployment's Auto Scaling group in each worker region. */
  desiredCapacity(): Record<string, number>;
  /** What the control plane did so far, for its bill. */
  usage(): ControlPlaneUsage;
  /** Stops every running execution, so nothing is left running (nor holds the process open). */
  shutdown(): Promise<void>;
}
