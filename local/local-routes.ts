/**
 * The local-only routes (`/_local/...`): LocalCloud controls for demos, tests and the dashboard.
 * Inputs are validated like the product API: a 400 names the bad field.
 */
import { z } from 'zod';
import { HttpError, parseJsonBody, type Route } from '../core/http.ts';
import { FAULT_SERVICES } from '../emulator/errors.ts';
import { isInvokeApiError } from '../emulator/lambda.ts';
import { FAILED_ENTRY } from '../emulator/local-cloud.ts';
import type { LocalControlPlane } from './deployment.ts';
import type { HistoryRecorder } from './history.ts';
import { executionHistory, localStateWithTable } from './views.ts';

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

const faultSchema = z.strictObject({
  region,
  service: z.enum(FAULT_SERVICES, { error: `must be one of ${FAULT_SERVICES.join(', ')}` }),
  action: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'must be an AWS action name in PascalCase, e.g. PutEvents'),
  error: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9.]*$/, 'must be an AWS error name, e.g. ThrottlingException')
    .max(128),
  count: z.int({ error: 'must be a whole number of calls' }).min(1).max(10_000),
});
const asgSchema = z.strictObject({ region, desired_capacity: z.int().min(0) });

const historyRoute = (history: HistoryRecorder): Route => ({
  method: 'GET',
  path: '/_local/history',
  handle: async () => ({ body: history.view() }),
});

/** The local routes; `history` adds `GET /_local/history` (the dashboard's charts). */
export function localRoutes(plane: LocalControlPlane, history?: HistoryRecorder): Route[] {
  const knownRegion = (name: string): string => {
    if (!plane.regions().includes(name)) {
      throw new HttpError(400, `Unknown region ${name}: this deployment has ${plane.regions().join(', ')}`, [
        `region: must be one of ${plane.regions().join(', ')}`,
      ]);
    }
    return name;
  };
  const workerRegion = (name: string): string => {
    const workers = plane.config.workerRegions;
    if (!(workers as readonly string[]).includes(name)) {
      throw new HttpError(
        400,
        `${name} is not a worker region: this deployment's workers are ${workers.join(', ')}`,
        [`region: must be one of ${workers.join(', ')}`],
      );
    }
    return name;
  };
  return [
    {
      method: 'GET',
      path: '/_local/state',
      handle: async () => ({ body: await localStateWithTable(plane) }),
    },
    ...(history ? [historyRoute(history)] : []),
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
    {
      method: 'POST',
      path: '/_local/fault',
      handle: async (request) => {
        const body = parseJsonBody(request, faultSchema);
        const r = knownRegion(body.region);
        const actions = plane.cloud.actions(body.service);
        if (!actions.includes(body.action)) {
          throw new HttpError(400, `LocalCloud's ${body.service} has no action ${body.action}`, [
            `action: must be one of ${actions.join(', ')}`,
          ]);
        }
        if (body.error === FAILED_ENTRY && !(body.service === 'eventbridge' && body.action === 'PutEvents')) {
          throw new HttpError(400, `${FAILED_ENTRY} applies to eventbridge PutEvents only`, [
            `error: ${FAILED_ENTRY} needs service eventbridge and action PutEvents`,
          ]);
        }
        plane.cloud.injectFault({
          region: r,
          service: body.service,
          action: body.action,
          error: body.error,
          times: body.count,
        });
        const what =
          body.error === FAILED_ENTRY
            ? 'answer with every entry failed (InternalFailure)'
            : body.service === 'lambda' && !isInvokeApiError(body.error)
              ? `fail as a function error ${body.error} (the function crashes)`
              : `fail with ${body.error}`;
        return {
          body: {
            message: `The next ${body.count} ${body.service}:${body.action} call(s) in ${r} ${what}`,
            fault: body,
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/_local/asg',
      handle: async (request) => {
        const body = parseJsonBody(request, asgSchema);
        const r = workerRegion(body.region);
        const name = plane.names.autoScalingGroup;
        const autoScaling = plane.cloud.region(r).autoScaling;
        // What the console does: UpdateAutoScalingGroup with the new desired capacity, same bounds.
        await autoScaling
          .updateAutoScalingGroup({ AutoScalingGroupName: name, DesiredCapacity: body.desired_capacity })
          .catch((error: Error) => {
            throw new HttpError(400, error.message, [`desired_capacity: ${error.message}`], { cause: error });
          });
        return {
          body: {
            message: `Auto Scaling group ${name} in ${r} set to desired capacity ${body.desired_capacity} by hand`,
            asg: { region: r, name, desired_capacity: autoScaling.desiredCapacity(name) },
          },
        };
      },
    },
  ];
}
