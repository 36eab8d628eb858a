/**
 * The public HTTP API: `GET /spot-instances` and `POST /spot-provisioning`, both with AWS_IAM
 * authorization (SigV4-signed callers only), Lambda proxy integrations (payload 2.0) and access logs.
 */
import { Apigatewayv2Api } from '@cdktn/provider-aws/lib/apigatewayv2-api/index.js';
import { Apigatewayv2Integration } from '@cdktn/provider-aws/lib/apigatewayv2-integration/index.js';
import { Apigatewayv2Route } from '@cdktn/provider-aws/lib/apigatewayv2-route/index.js';
import { Apigatewayv2Stage } from '@cdktn/provider-aws/lib/apigatewayv2-stage/index.js';
import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group/index.js';
import { LambdaPermission } from '@cdktn/provider-aws/lib/lambda-permission/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { Construct } from 'constructs';

export type ApiHandler = 'instances' | 'provisioning';

/**
 * Route keys and the handler behind each. The `ANY` and `$default` routes reach the handlers' own
 * router so a wrong method answers 405 and an unknown path 404, as the contract says (API Gateway
 * alone would answer 404 for both). All of them require AWS_IAM.
 */
export const API_ROUTES: readonly { routeKey: string; handler: ApiHandler }[] = [
  { routeKey: 'GET /spot-instances', handler: 'instances' },
  { routeKey: 'POST /spot-provisioning', handler: 'provisioning' },
  { routeKey: 'ANY /spot-instances', handler: 'instances' },
  { routeKey: 'ANY /spot-provisioning', handler: 'provisioning' },
  { routeKey: '$default', handler: 'instances' },
];

export interface HubApiProps {
  provider: AwsProvider;
  prefix: string;
  /** Function names and invoke ARNs of the route handlers; a missing handler leaves its route out. */
  handlers: Partial<Record<ApiHandler, { functionName: string; invokeArn: string }>>;
  logRetentionDays: number;
}

export class HubApi extends Construct {
  readonly url: string;
  readonly apiId: string;

  constructor(scope: Construct, id: string, props: HubApiProps) {
    super(scope, id);
    const { provider } = props;
    const api = new Apigatewayv2Api(this, 'api', {
      provider,
      name: `${props.prefix}-api`,
      protocolType: 'HTTP',
      description: 'spotplane control API (IAM-authorized)',
    });
    const accessLogs = new CloudwatchLogGroup(this, 'access-logs', {
      provider,
      name: `/aws/apigateway/${props.prefix}-api`,
      retentionInDays: props.logRetentionDays,
    });
    new Apigatewayv2Stage(this, 'stage', {
      provider,
      apiId: api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: { throttlingBurstLimit: 20, throttlingRateLimit: 10 },
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        format: JSON.stringify({
          requestId: '$context.requestId',
          caller: '$context.identity.caller',
          routeKey: '$context.routeKey',
          status: '$context.status',
          error: '$context.error.message',
          integrationError: '$context.integrationErrorMessage',
        }),
      },
    });
    const integrations = new Map<ApiHandler, string>();
    for (const [handlerKey, handler] of Object.entries(props.handlers) as [
      ApiHandler,
      { functionName: string; invokeArn: string },
    ][]) {
      const integration = new Apigatewayv2Integration(this, `${handlerKey}-integration`, {
        provider,
        apiId: api.id,
        integrationType: 'AWS_PROXY',
        integrationUri: handler.invokeArn,
        integrationMethod: 'POST',
        payloadFormatVersion: '2.0',
        timeoutMilliseconds: 29_000,
      });
      integrations.set(handlerKey, integration.id);
      new LambdaPermission(this, `${handlerKey}-permission`, {
        provider,
        statementId: 'api-gateway',
        action: 'lambda:InvokeFunction',
        functionName: handler.functionName,
        principal: 'apigateway.amazonaws.com',
        sourceArn: `${api.executionArn}/*`,
      });
    }
    API_ROUTES.forEach(({ routeKey, handler }, i) => {
      const integrationId = integrations.get(handler);
      if (!integrationId) return;
      new Apigatewayv2Route(this, `route-${i}`, {
        provider,
        apiId: api.id,
        routeKey,
        authorizationType: 'AWS_IAM',
        target: `integrations/${integrationId}`,
      });
    });
    this.url = api.apiEndpoint;
    this.apiId = api.id;
  }
}
