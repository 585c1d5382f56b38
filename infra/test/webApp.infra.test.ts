import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { findRepoRoot, SynthError } from '../src/paths.js';
import { addWebStacks, SPA_ROUTES, STRIP_API_PREFIX, WebApp, webAssetsDir } from '../src/webApp.js';

/*
 * The web app's stacks, around a stand-in REST API (the real one is the service stack's, asserted
 * in stacks.infra.test.ts): bucket, CloudFront with origin access control and the CLOUDFRONT web
 * ACL, the deployment of the built assets with config.json, and QuickSight only behind the flag.
 */
const assertTemplate = (check: () => void): void => expect(check).not.toThrow();
const restApi = (app: App, env?: { account: string; region: string }) => {
  const stack = new Stack(app, 'strata-service', env ? { env } : {});
  const api = new apigateway.RestApi(stack, 'Api', { deployOptions: { stageName: 'prod' } });
  api.root.addMethod('GET', new apigateway.MockIntegration());
  return api;
};

let web: Template;
let edge: Template;
let webApp: WebApp;
beforeAll(() => {
  const app = new App();
  const stacks = addWebStacks(app, { projectName: 'strata', repoRoot: findRepoRoot(), api: restApi(app), userPoolId: 'pool-1', userPoolClientId: 'client-1' });
  web = Template.fromStack(stacks.web);
  edge = Template.fromStack(stacks.edge);
  webApp = stacks.webApp;
});

describe('web app on AWS', () => {
  it('keeps the assets in a private, encrypted, TLS-only bucket', () => {
    assertTemplate(() =>
      web.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      }),
    );
    assertTemplate(() => web.hasResourceProperties('AWS::S3::BucketPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } }));
    // Only CloudFront (its distribution, by origin access control) may read the objects.
    assertTemplate(() =>
      web.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } } })]) },
      }),
    );
  });

  it('serves the bucket through CloudFront with origin access control, the web ACL, and /api/* to API Gateway uncached', () => {
    assertTemplate(() => web.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' } }));
    assertTemplate(() =>
      web.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: {
          DefaultRootObject: 'index.html',
          WebACLId: Match.anyValue(),
          DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https', FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })] },
          CacheBehaviors: [
            Match.objectLike({
              PathPattern: '/api/*',
              ViewerProtocolPolicy: 'https-only',
              AllowedMethods: Match.arrayWith(['GET', 'OPTIONS', 'POST']),
              CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
              FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
            }),
          ],
          Origins: Match.arrayWith([Match.objectLike({ OriginAccessControlId: Match.anyValue() }), Match.objectLike({ CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }) })]),
        },
      }),
    );
    assertTemplate(() => web.hasResourceProperties('AWS::CloudFront::Function', { FunctionCode: Match.stringLikeRegexp("r.uri.replace\\(/\\^\\\\/api") }));
    assertTemplate(() => web.hasResourceProperties('AWS::CloudFront::Function', { FunctionCode: Match.stringLikeRegexp("indexOf\\('/app/'\\)") }));
  });

  it('routes at the edge as strata start does: /api/x to the API as /x, every /app/... to the page, files as they are', () => {
    // CloudFront Functions are plain JavaScript (cloudfront-js-2.0): run the very code here.
    const run = (code: string, uri: string): string => (new Function(`${code}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string })({ request: { uri } }).uri;
    expect(run(STRIP_API_PREFIX, '/api/orders/o-1/cancel')).toBe('/orders/o-1/cancel');
    expect(run(STRIP_API_PREFIX, '/api')).toBe('/');
    expect(run(STRIP_API_PREFIX, '/apiary')).toBe('/apiary');
    expect(run(SPA_ROUTES, '/')).toBe('/index.html');
    expect(run(SPA_ROUTES, '/app/orders/o-1')).toBe('/index.html');
    expect(run(SPA_ROUTES, '/assets/index-abc.js')).toBe('/assets/index-abc.js');
    expect(run(SPA_ROUTES, '/config.json')).toBe('/config.json');
  });

  it('creates the web ACL with CLOUDFRONT scope, managed rules and a rate limit, in its own stack', () => {
    assertTemplate(() =>
      edge.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'CLOUDFRONT',
        DefaultAction: { Allow: {} },
        Rules: Match.arrayWith([
          Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
          Match.objectLike({ Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } } }),
        ]),
      }),
    );
    web.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('deploys the built assets and a config.json naming the API path and the Cognito ids, then invalidates the page', () => {
    assertTemplate(() =>
      web.hasResourceProperties('Custom::CDKBucketDeployment', {
        DistributionPaths: ['/index.html', '/config.json'],
        Prune: true,
      }),
    );
    // Two sources: the built app and config.json (its deploy-time values, such as the region, are markers filled in at deploy).
    const deployment = Object.values(web.findResources('Custom::CDKBucketDeployment'))[0] as { Properties: { SourceMarkers: unknown[] } };
    expect(deployment.Properties.SourceMarkers).toHaveLength(2);
    expect(JSON.stringify(deployment.Properties.SourceMarkers)).toContain('AWS::Region');
    expect(webApp.runtimeConfig).toEqual({ apiBase: '/api', graphqlUrl: null, identity: 'cognito', userPoolId: 'pool-1', userPoolClientId: 'client-1', region: expect.any(String) });
  });

  it('has no QuickSight resources without the flag', () => {
    expect(Object.keys(web.findResources('AWS::QuickSight::DataSet'))).toEqual([]);
    web.resourceCountIs('AWS::QuickSight::DataSource', 0);
    web.resourceCountIs('AWS::QuickSight::Dashboard', 0);
  });

  it('adds the QuickSight data source over Athena, the orders data set without personal data, and the dashboard behind the flag', () => {
    const app = new App();
    const { web: stack } = addWebStacks(app, {
      projectName: 'strata',
      repoRoot: findRepoRoot(),
      api: restApi(app),
      userPoolId: 'p',
      userPoolClientId: 'c',
      quickSight: { principalArn: 'arn:aws:quicksight:eu-west-1:111111111111:group/default/analysts', workGroup: 'strata-analytics', database: 'strata_lake' },
    });
    const t = Template.fromStack(stack);
    assertTemplate(() => t.hasResourceProperties('AWS::QuickSight::DataSource', { Type: 'ATHENA', DataSourceParameters: { AthenaParameters: { WorkGroup: 'strata-analytics' } } }));
    assertTemplate(() =>
      t.hasResourceProperties('AWS::QuickSight::DataSet', {
        ImportMode: 'DIRECT_QUERY',
        PhysicalTableMap: { orders: { CustomSql: { SqlQuery: 'SELECT order_id, day, status, country, currency, total FROM "strata_lake".orders' } } },
      }),
    );
    const sql = JSON.stringify(t.findResources('AWS::QuickSight::DataSet'));
    expect(sql).not.toMatch(/customer_id|street|email/);
    assertTemplate(() => t.hasResourceProperties('AWS::QuickSight::Dashboard', { DashboardId: 'strata-sales', Definition: { Sheets: [Match.objectLike({ Visuals: Match.arrayWith([Match.objectLike({ BarChartVisual: Match.anyValue() })]) })] } }));
  });

  it('puts the web ACL in us-east-1 and references it across regions when the service region is known', () => {
    const app = new App();
    const env = { account: '111111111111', region: 'eu-west-1' };
    const stacks = addWebStacks(app, { projectName: 'strata', repoRoot: findRepoRoot(), api: restApi(app, env), userPoolId: 'p', userPoolClientId: 'c', env });
    expect(stacks.edge.region).toBe('us-east-1');
    expect(stacks.web.region).toBe('eu-west-1');
    assertTemplate(() => Template.fromStack(stacks.web).hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: { WebACLId: Match.anyValue() } }));
  });

  it('refuses to synthesise without the built app', () => {
    const stack = new Stack(new App(), 'x');
    const api = restApi(new App());
    expect(() => new WebApp(stack, 'W', { api, webAclArn: 'arn', assetsDir: mkdtempSync(`${tmpdir()}/no-web-`), config: { userPoolId: 'p', userPoolClientId: 'c' } })).toThrow(SynthError);
    expect(webAssetsDir('/r')).toBe('/r/packages/web/dist');
  });
});
