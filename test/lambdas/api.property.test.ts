/**
 * Whatever a client sends — any method, path, headers, body — the API answers 200, 400, 404 or 405,
 * always as JSON. AWS is mocked (an empty state table that accepts every write, a Step Functions that
 * accepts), so only the handlers' own input handling is under test.
 */
import { ListExecutionsCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeDetails } from '../../lambdas/get-instance-details/index.ts';
import { makeHandler as makeToggle } from '../../lambdas/toggle-provisioning/index.ts';
import { errorBody, messageBody, spotInstancesBody } from './api-contract.ts';
import { apiEvent, clockAt, config, fakeAws, lambdaContext, quietObservability } from './helpers.ts';

const aws = fakeAws();

beforeAll(() => {
  const table = mockClient(DynamoDBDocumentClient);
  table.on(GetCommand).resolves({});
  table.on(PutCommand).resolves({});
  table.on(UpdateCommand).resolves({ Attributes: { count: 1, epoch: '20261124T1000', wakes: 1 } });
  aws.mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [] });
  aws.mocks.sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
  aws.mocks.sfn.on(SendTaskSuccessCommand).resolves({});
});

const deps = {
  clients: aws.clients,
  config,
  clock: clockAt('2026-11-24T10:00:57.793Z'),
  observability: quietObservability(),
};
const details = makeDetails(deps);
const handlers = [
  makeToggle({ ...deps, orchestratorArn: 'arn:aws:states:us-east-1:1:stateMachine:o' }),
  details,
];

const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'get', 'post'),
  fc.string({ maxLength: 8 }),
);
const path = fc.oneof(
  fc.constantFrom(
    '/spot-provisioning',
    '/spot-instances',
    '/spot-instances/',
    '/',
    '/spot-provisioning/x',
    '',
  ),
  fc.webPath(),
  fc.string(),
);
const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v));
const body = fc.oneof(
  fc.constant(undefined),
  fc.string(),
  json,
  fc
    .record(
      {
        action: fc.oneof(fc.constantFrom('enable', 'disable'), fc.string(), fc.jsonValue({ maxDepth: 1 })),
        teardown: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })),
        extra: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
);
const headers = fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 40 }), {
  maxKeys: 5,
});

describe('the HTTP API under random input', () => {
  it('always answers 200, 400, 404 or 405 with the JSON body of the contract', async () => {
    await fc.assert(
      fc.asyncProperty(method, path, body, headers, fc.boolean(), async (m, p, b, h, base64) => {
        const encoded = base64 && b !== undefined ? Buffer.from(b).toString('base64') : b;
        const event = apiEvent(m, p, encoded, { headers: h, isBase64Encoded: base64 });
        for (const handler of handlers) {
          const result = await handler(event, lambdaContext);
          expect([200, 400, 404, 405]).toContain(result.statusCode);
          expect(result.headers?.['content-type']).toBe('application/json');
          const json: unknown = JSON.parse(result.body as string);
          // Each answer has the exact shape ARCHITECTURE.md gives it, not just "some JSON".
          if (result.statusCode !== 200) errorBody.parse(json);
          else if (handler === details) spotInstancesBody.parse(json);
          else messageBody.parse(json);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
