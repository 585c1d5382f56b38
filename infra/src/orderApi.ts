import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { DEFAULTS, EnvKey } from '@strata/runtime/names';
import { Construct } from 'constructs';
import { StrataFunction, type StrataFunctionProps } from './strataFunction.js';

export interface OrderApiProps {
  /** Settings of the API Lambda (entry `api`). */
  readonly function: Omit<StrataFunctionProps, 'entry'>;
  /** @default 'showcase' (the seed's stage) */
  readonly stageName?: string;
  /** Steady-state requests per second for the stage. @default 100 */
  readonly throttlingRateLimit?: number;
  /** @default 200 */
  readonly throttlingBurstLimit?: number;
  /** Requests per client IP per 5 minutes before WAF blocks it. @default 2000 */
  readonly wafRateLimit?: number;
  /**
   * Browser origins allowed by CORS: API Gateway answers the preflight (OPTIONS needs no token)
   * and the app adds the headers to its answers (`STRATA_CORS_ORIGINS`). @default none
   */
  readonly corsOrigins?: readonly string[];
  /** How long API Gateway remembers an authorizer answer per token. @default Duration.minutes(5) */
  readonly authorizerCacheTtl?: Duration;
}

/**
 * Routes anyone may call (method, path): sign-up and sign-in, token refresh, health, the API's
 * documentation and the JWKS. Everything else passes the authorizer first.
 */
export const PUBLIC_ROUTES: ReadonlyArray<readonly [method: string, path: string]> = [
  ['POST', '/register'],
  ['POST', '/login'],
  ['POST', '/token/refresh'],
  ['GET', '/health'],
  ['GET', '/docs'],
  ['GET', '/openapi.json'],
  ['GET', '/.well-known/jwks.json'],
];

/**
 * API Gateway's own answers (a missing or rejected token, throttling, a WAF block, an integration
 * failure) as the API's problem documents (RFC 9457, `application/problem+json`), so a client
 * handles one error shape whoever answered.
 */
export const GATEWAY_PROBLEMS: ReadonlyArray<{ readonly type: apigateway.ResponseType; readonly status: number; readonly slug: string; readonly title: string; readonly detail: string }> = [
  { type: apigateway.ResponseType.UNAUTHORIZED, status: 401, slug: 'invalid-token', title: 'Unauthorized', detail: 'a valid token is required (Authorization: <token> or Bearer <token>)' },
  { type: apigateway.ResponseType.ACCESS_DENIED, status: 403, slug: 'forbidden', title: 'Forbidden', detail: 'the token does not allow this request' },
  { type: apigateway.ResponseType.THROTTLED, status: 429, slug: 'rate-limited', title: 'Too Many Requests', detail: 'too many requests; retry later' },
  { type: apigateway.ResponseType.WAF_FILTERED, status: 403, slug: 'forbidden', title: 'Forbidden', detail: 'the request was blocked' },
  { type: apigateway.ResponseType.DEFAULT_4XX, status: 400, slug: 'http', title: 'Bad Request', detail: 'the request was refused at the API gateway' },
  { type: apigateway.ResponseType.DEFAULT_5XX, status: 502, slug: 'internal', title: 'Internal Server Error', detail: 'the API could not answer; retry later' },
];

/** A problem document as an API Gateway response template (VTL: `$context` values are filled in). */
export const problemTemplate = (p: (typeof GATEWAY_PROBLEMS)[number]): string =>
  JSON.stringify({ type: `urn:strata:problem:${p.slug}`, title: p.title, status: p.status, detail: p.detail, instance: '$context.path' });

const managedRule = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
});

/**
 * The REST API: API Gateway with a Lambda proxy integration to the one HTTP app. Every route but
 * {@link PUBLIC_ROUTES} passes a Lambda TOKEN authorizer that runs the API's own verifier, so an
 * unauthenticated call never reaches the API Lambda (docs/decisions/0008); the app still checks
 * roles and ownership. Gateway responses are problem documents; CORS preflights are answered by
 * API Gateway. A regional WAF web ACL with AWS managed rules and a per-IP rate limit guards the stage.
 */
export class OrderApi extends Construct {
  readonly function: StrataFunction;
  readonly authorizerFunction: StrataFunction;
  readonly authorizer: apigateway.TokenAuthorizer;
  readonly api: apigateway.RestApi;
  readonly webAcl: wafv2.CfnWebACL;
  /** The API's access log group (also forwarded to OpenSearch on the enterprise stage). */
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: OrderApiProps) {
    super(scope, id);
    const origins = props.corsOrigins ?? [];
    const fnProps = { ...props.function, environment: { ...props.function.environment, ...(origins.length === 0 ? {} : { [EnvKey.corsOrigins]: origins.join(',') }) } };
    this.function = new StrataFunction(this, 'Function', { ...fnProps, entry: 'api' });
    this.authorizerFunction = new StrataFunction(this, 'AuthorizerFunction', { ...props.function, entry: 'authorizer', timeout: Duration.seconds(10) });
    this.authorizer = new apigateway.TokenAuthorizer(this, 'Authorizer', {
      handler: this.authorizerFunction,
      identitySource: apigateway.IdentitySource.header('Authorization'),
      resultsCacheTtl: props.authorizerCacheTtl ?? Duration.minutes(5),
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.accessLogs = accessLogs;
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'Strata REST API',
      defaultIntegration: new apigateway.LambdaIntegration(this.function, { proxy: true }),
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.CUSTOM, authorizer: this.authorizer },
      ...(origins.length === 0
        ? {}
        : {
            defaultCorsPreflightOptions: {
              allowOrigins: [...origins],
              allowMethods: apigateway.Cors.ALL_METHODS,
              allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'X-Correlation-Id'],
              maxAge: Duration.hours(1),
            },
          }),
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName ?? DEFAULTS.apiStageName,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: props.throttlingRateLimit ?? 100,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 200,
      },
    });
    this.api.root.addMethod('ANY');
    this.api.root.addProxy({ anyMethod: true });
    const open = { authorizationType: apigateway.AuthorizationType.NONE };
    for (const [method, path] of PUBLIC_ROUTES) this.api.root.resourceForPath(path).addMethod(method, undefined, open);

    // With one allowed origin, API Gateway's own answers carry it too (a browser reads the problem).
    const corsHeader = origins.length === 1 ? { 'Access-Control-Allow-Origin': `'${origins[0]}'` } : {};
    for (const p of GATEWAY_PROBLEMS) {
      this.api.addGatewayResponse(`Problem${p.type.responseType}`, {
        type: p.type,
        statusCode: String(p.status),
        templates: { 'application/json': problemTemplate(p) },
        responseHeaders: { 'Content-Type': "'application/problem+json'", ...corsHeader, ...(p.status === 401 ? { 'WWW-Authenticate': "'Bearer'" } : {}) },
      });
    }

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'StrataApi', sampledRequestsEnabled: true },
      rules: [
        managedRule('AWSManagedRulesCommonRuleSet', 0),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 1),
        managedRule('AWSManagedRulesAmazonIpReputationList', 2),
        {
          name: 'RateLimitPerIp',
          priority: 3,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.wafRateLimit ?? 2000, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'RateLimitPerIp', sampledRequestsEnabled: true },
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.api.deploymentStage.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
