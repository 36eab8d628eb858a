/**
 * spotplane on LocalCloud as the simulator's control plane: the real state machine files and Lambda
 * handlers, wired by LocalCloud's control-plane wiring, on a virtual clock at the trace's start.
 */

import { SimRunError } from './errors.ts';
import type { ControlPlaneFactory } from './simulate.ts';

export const localCloudControlPlane: ControlPlaneFactory = async () => {
  throw new SimRunError(
    'LocalCloud has no control-plane wiring yet (state machines + handlers registered on LocalCloud); the simulator runs spotplane itself, never a model of it',
  );
};
