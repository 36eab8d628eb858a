/**
 * The local-only routes (`/_local/...`): LocalCloud controls for demos, tests and the dashboard.
 * Inputs are validated like the product API: a 400 names the bad field.
 */
import { z } from 'zod';
import { HttpError, parseJsonBody, type Route } from '../core/http.ts';
import type { LocalControlPlane } from './deployment.ts';
import { executionHistory, localState } from './views.ts';

const region = z.string().min(1);

const interruptSchema = z.strictObject({ region });
const capacitySchema = z.strictObject({ region, available: z.boolean() });
const marketSchema = z
  .strictObject({
    region,
    placement_score: z.int().min(1).max(10).optional(),
    spot_price: z.number().positive().max(1000).optional(),
    capacity_available: z.boolean().optional(),
  })
  .refine(
    (m) =>
      m.placement_score !== undefined || m.spot_price !== undefined || m.capacity_available !== undefined,
    {
      message: 'set at least one of placement_score, spot_price, capacity_available',
      path: ['placement_score'],
    },
  );

export function localRoutes(plane: LocalControlPlane): Route[] {
  const knownRegion = (name: string): string => {
    if (!plane.regions().includes(name)) {
      throw new HttpError(400, `Unknown region ${name}: this deployment has ${plane.regions().join(', ')}`, [
        `region: must be one of ${plane.regions().join(', ')}`,
      ]);
    }
    return name;
  };
  return [
    { method: 'GET', path: '/_local/state', handle: async () => ({ body: localState(plane) }) },
    {
      method: 'GET',
      path: '/_local/executions',
      handle: async () => ({ body: { executions: executionHistory(plane) } }),
    },
    {
      method: 'POST',
      path: '/_local/interrupt',
      handle: async (request) => {
        const r = knownRegion(parseJsonBody(request, interruptSchema).region);
        const warned = plane.cloud.interrupt(r);
        return {
          body: {
            message: warned.length
              ? `Sent EC2 Spot Instance Interruption Warning for ${warned.length} instance(s) in ${r}; they terminate in two simulated minutes`
              : `No running Spot instance in ${r}; nothing to interrupt`,
            instance_ids: warned,
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/_local/capacity',
      handle: async (request) => {
        const body = parseJsonBody(request, capacitySchema);
        const r = knownRegion(body.region);
        plane.cloud.setMarket(r, { capacityAvailable: body.available });
        return {
          body: {
            message: body.available
              ? `Spot capacity restored in ${r}`
              : `Spot capacity exhausted in ${r}: launches fail with InsufficientInstanceCapacity`,
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/_local/market',
      handle: async (request) => {
        const body = parseJsonBody(request, marketSchema);
        const r = knownRegion(body.region);
        plane.cloud.setMarket(r, {
          placementScore: body.placement_score,
          spotPrice: body.spot_price,
          capacityAvailable: body.capacity_available,
        });
        return { body: { message: `Market updated in ${r}`, market: plane.cloud.region(r).market.inputs() } };
      },
    },
  ];
}
