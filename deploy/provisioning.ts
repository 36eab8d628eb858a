/**
 * Teardown's first step: disable provisioning with teardown and wait until the hub reports nothing
 * running. It invokes the hub's API Lambdas directly with the same HTTP API (payload 2.0) request
 * API Gateway would send: no SigV4 signing code, and it works whatever the API's authorization.
 */
import { names } from '../core/naming.ts';
import { ProvisioningError } from './errors.ts';

/** Invokes a Lambda synchronously and returns its parsed JSON result. */
export type LambdaInvoker = (region: string, functionName: string, payload: unknown) => Promise<unknown>;

export function httpApiEvent(method: string, path: string, body?: unknown) {
  const routeKey = `${method} ${path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'user-agent': 'spotplane-teardown' },
    requestContext: {
      routeKey,
      stage: '$default',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'spotplane-teardown' },
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

function responseBody(functionName: string, result: unknown): Record<string, unknown> {
  const r = result as { statusCode?: number; body?: string } | null;
  let body: Record<string, unknown> = {};
  try {
    body = r?.body ? (JSON.parse(r.body) as Record<string, unknown>) : {};
  } catch {
    // reported below with the status
  }
  if (r?.statusCode !== 200) {
    throw new ProvisioningError(
      `${functionName} answered ${r?.statusCode ?? 'nothing'}: ${String(body.message ?? r?.body ?? '')}`,
    );
  }
  return body;
}

export interface DisableOptions {
  prefix: string;
  hubRegion: string;
  invoke: LambdaInvoker;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
  pollMs?: number;
  maxPolls?: number;
}

/** Returns true when the hub reported DISABLED with no instances before the polls ran out. */
export async function disableProvisioning(o: DisableOptions): Promise<boolean> {
  const n = names(o.prefix);
  const toggle = n.lambda('toggle-provisioning');
  const details = n.lambda('get-instance-details');
  const answer = responseBody(
    toggle,
    await o.invoke(
      o.hubRegion,
      toggle,
      httpApiEvent('POST', '/spot-provisioning', { action: 'disable', teardown: true }),
    ),
  );
  o.log(`provisioning disabled: ${String(answer.message ?? 'ok')}`);
  const maxPolls = o.maxPolls ?? 80;
  for (let poll = 0; poll < maxPolls; poll++) {
    const status = responseBody(
      details,
      await o.invoke(o.hubRegion, details, httpApiEvent('GET', '/spot-instances')),
    );
    const instances = Array.isArray(status.instances) ? status.instances.length : 0;
    if (status.status === 'DISABLED' && instances === 0) {
      o.log('every worker region reports nothing running');
      return true;
    }
    o.log(`waiting for teardown: status ${String(status.status)}, ${instances} instance(s)`);
    await o.sleep(o.pollMs ?? 15_000);
  }
  return false;
}
