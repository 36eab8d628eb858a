/**
 * The public HTTP API bodies exactly as docs/CONTRACTS.md shows them, as strict schemas: an extra
 * field, a wrong type or a time in another format than `2026-11-24T10:00:00Z` fails the parse.
 */
import { z } from 'zod';

/** The one time format of the API: ISO-8601 UTC to the second. */
export const CONTRACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const time = z.string().regex(CONTRACT_TIME);

/** `GET /spot-instances` with the round-2 fields ("Round 2 contracts": endpoint, replicas, regions, per-instance region / ready, last_move). */
export const spotInstancesBody = z.strictObject({
  provisioning: z.enum(['enabled', 'disabled']),
  status: z.enum(['DISABLED', 'PROVISIONING', 'RUNNING', 'FAILING_OVER', 'NOT_AVAILABLE', 'TEARING_DOWN']),
  region: z.string().nullable(),
  instances: z.array(
    z.strictObject({
      instance_id: z.string(),
      public_ip: z.string().nullable(),
      private_ip: z.string().nullable(),
      instance_type: z.string(),
      availability_zone: z.string(),
      lifecycle: z.enum(['spot', 'on-demand']),
      launch_time: time,
      region: z.string(),
      ready: z.boolean(),
    }),
  ),
  excluded_regions: z.array(z.strictObject({ region: z.string(), reason: z.string(), until: time })),
  updated_at: time,
  endpoint: z.string().nullable(),
  replicas: z.strictObject({ target: z.int(), spare: z.int(), ready: z.int() }),
  regions: z.array(z.string()),
  last_move: z.strictObject({ from: z.string(), to: z.string(), reason: z.string(), at: time }).nullable(),
});

export const messageBody = z.strictObject({ message: z.string().min(1) });

/** 400, 404 and 405 (and the body-less-of-internals 500). */
export const errorBody = z.strictObject({ message: z.string().min(1), errors: z.array(z.string()) });
