/*
 * The web app on AWS (the seed's "Amplify + CloudFront" and "S3: static assets"): the built
 * single-page app in a private S3 bucket behind CloudFront (origin access control), the REST API
 * reachable through the same distribution under `/api/*`, a web ACL of CLOUDFRONT scope (which AWS
 * accepts only in us-east-1, hence its own stack there), and a runtime `config.json` written at
 * deploy. QuickSight (data source over Athena, data set, dashboard) behind a flag: it needs an
 * account subscription.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type App, type Environment, type StackProps } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as quicksight from 'aws-cdk-lib/aws-quicksight';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { SynthError } from './paths.js';

/** Where `scripts/setup.sh` puts the built app (`pnpm --filter @strata/web build`). */
export const webAssetsDir = (repoRoot: string): string => join(repoRoot, 'packages', 'web', 'dist');

/**
 * CloudFront-scope web ACL: AWS managed common and bad-input rules and a per-IP rate limit.
 * Must be created in us-east-1 (CloudFront is global; its WAF lives there).
 */
export class CloudFrontWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: { readonly name: string; /** Requests per 5 minutes per IP. @default 2000 */ readonly rateLimit?: number }) {
    super(scope, id);
    const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: props.name, sampledRequestsEnabled: true },
      rules: [
        managed('AWSManagedRulesCommonRuleSet', 0),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
        {
          name: 'RateLimitPerIp',
          priority: 2,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimit ?? 2000, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'RateLimitPerIp', sampledRequestsEnabled: true },
        },
      ],
    });
  }
}

/** The runtime configuration the app reads from `/config.json`. */
export interface WebRuntimeConfig {
  /** Where the app sends API calls. @default '/api' (the same distribution) */
  readonly apiBase?: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** The AppSync endpoint once the real-time issue lands. @default null */
  readonly graphqlUrl?: string;
}

export interface WebAppProps {
  /** The REST API the distribution forwards `/api/*` to (its stage path is the origin path). */
  readonly api: apigateway.RestApi;
  /** ARN of a CLOUDFRONT-scope web ACL (from `CloudFrontWebAcl`, in us-east-1). */
  readonly webAclArn: string;
  /** The built app: `packages/web/dist`. */
  readonly assetsDir: string;
  readonly config: WebRuntimeConfig;
  /** @default RemovalPolicy.DESTROY (the bucket only holds build output, redeployed every time) */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * `/api/x` reaches the API as `/x`: the same paths `strata start` serves under `/api`, and the
 * API's own routes stay unprefixed on API Gateway.
 */
export const STRIP_API_PREFIX = `function handler(event) {
  var r = event.request;
  r.uri = r.uri.replace(/^\\/api(?=\\/|$)/, '') || '/';
  return r;
}`;

/** Every app route (`/`, `/app/...`) is the single page; files keep their paths. */
export const SPA_ROUTES = `function handler(event) {
  var r = event.request;
  if (r.uri === '/' || r.uri === '/app' || r.uri.indexOf('/app/') === 0) r.uri = '/index.html';
  return r;
}`;

export class WebApp extends Construct {
  // Typed by the interface: CDK classes do not satisfy their own interfaces under exactOptionalPropertyTypes.
  readonly bucket: s3.IBucket;
  readonly distribution: cloudfront.Distribution;
  readonly deployment: s3deploy.BucketDeployment;
  /** What `/config.json` holds (tokens resolved at deploy). */
  readonly runtimeConfig: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    if (!existsSync(join(props.assetsDir, 'index.html'))) throw new SynthError(`the web app is not built (${props.assetsDir}/index.html is missing): run bash scripts/setup.sh`);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    const bucket: s3.IBucket = new s3.Bucket(this, 'Assets', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    }) as unknown as s3.IBucket;
    this.bucket = bucket;

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'PageHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    const fn = (name: string, code: string) => new cloudfront.Function(this, name, { code: cloudfront.FunctionCode.fromInline(code), runtime: cloudfront.FunctionRuntime.JS_2_0 });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Strata web app and API',
      defaultRootObject: 'index.html',
      webAclId: props.webAclArn,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ eventType: cloudfront.FunctionEventType.VIEWER_REQUEST, function: fn('SpaRoutes', SPA_ROUTES) }],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new origins.RestApiOrigin(props.api),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          // Never cached: answers depend on the caller's token. Every header but Host goes through.
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          functionAssociations: [{ eventType: cloudfront.FunctionEventType.VIEWER_REQUEST, function: fn('StripApiPrefix', STRIP_API_PREFIX) }],
        },
      },
    });

    const config = (this.runtimeConfig = {
      apiBase: props.config.apiBase ?? '/api',
      graphqlUrl: props.config.graphqlUrl ?? null,
      identity: 'cognito',
      userPoolId: props.config.userPoolId,
      userPoolClientId: props.config.userPoolClientId,
      region: Stack.of(this).region,
    });
    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [s3deploy.Source.asset(props.assetsDir), s3deploy.Source.jsonData('config.json', config)],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      prune: true,
      memoryLimit: 512,
    });
    new CfnOutput(this, 'Url', { value: `https://${this.distribution.distributionDomainName}`, description: 'The web app (and the API under /api)' });
  }
}

export interface AnalystDashboardProps {
  /** QuickSight principal (user or group ARN) given owner rights on the data source, set and dashboard. */
  readonly principalArn: string;
  /** The Athena workgroup of the lake (`<project>-analytics`). */
  readonly workGroup: string;
  /** The Glue database of the lake (`<project>_lake`), where the prelude views live. */
  readonly database: string;
  readonly projectName: string;
}

/**
 * QuickSight over the same warehouse relations the local dashboards query: an Athena data source,
 * a data set over the `orders` view (day, status, country, currency, total — no personal data),
 * and a dashboard of revenue per day and by country. QuickSight filters the days itself, so the
 * data set takes the view as it is rather than the `?`-parameterised statements.
 */
export class AnalystDashboard extends Construct {
  readonly dataSource: quicksight.CfnDataSource;
  readonly dataSet: quicksight.CfnDataSet;
  readonly dashboard: quicksight.CfnDashboard;

  constructor(scope: Construct, id: string, props: AnalystDashboardProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    const owner = (actions: string[]) => [{ principal: props.principalArn, actions }];
    this.dataSource = new quicksight.CfnDataSource(this, 'Athena', {
      awsAccountId: account,
      dataSourceId: `${props.projectName}-athena`,
      name: `${props.projectName} lake (Athena)`,
      type: 'ATHENA',
      dataSourceParameters: { athenaParameters: { workGroup: props.workGroup } },
      permissions: owner(['quicksight:DescribeDataSource', 'quicksight:DescribeDataSourcePermissions', 'quicksight:PassDataSource', 'quicksight:UpdateDataSource', 'quicksight:DeleteDataSource', 'quicksight:UpdateDataSourcePermissions']),
    });
    const columns = [
      { name: 'order_id', type: 'STRING' },
      { name: 'day', type: 'STRING' },
      { name: 'status', type: 'STRING' },
      { name: 'country', type: 'STRING' },
      { name: 'currency', type: 'STRING' },
      { name: 'total', type: 'INTEGER' },
    ];
    this.dataSet = new quicksight.CfnDataSet(this, 'Orders', {
      awsAccountId: account,
      dataSetId: `${props.projectName}-orders`,
      name: `${props.projectName} orders`,
      importMode: 'DIRECT_QUERY',
      physicalTableMap: {
        orders: {
          customSql: {
            dataSourceArn: this.dataSource.attrArn,
            name: 'orders',
            sqlQuery: `SELECT order_id, day, status, country, currency, total FROM "${props.database}".orders`,
            columns,
          },
        },
      },
      permissions: owner(['quicksight:DescribeDataSet', 'quicksight:DescribeDataSetPermissions', 'quicksight:PassDataSet', 'quicksight:DescribeIngestion', 'quicksight:ListIngestions', 'quicksight:UpdateDataSet', 'quicksight:DeleteDataSet', 'quicksight:CreateIngestion', 'quicksight:CancelIngestion', 'quicksight:UpdateDataSetPermissions']),
    });
    const ds = 'orders';
    const dim = (column: string, fieldId: string) => ({ categoricalDimensionField: { fieldId, column: { dataSetIdentifier: ds, columnName: column } } });
    const revenue = (fieldId: string) => ({ numericalMeasureField: { fieldId, column: { dataSetIdentifier: ds, columnName: 'total' }, aggregationFunction: { simpleNumericalAggregation: 'SUM' } } });
    const bar = (visualId: string, title: string, by: string) => ({
      barChartVisual: {
        visualId,
        title: { visibility: 'VISIBLE', formatText: { plainText: title } },
        chartConfiguration: { fieldWells: { barChartAggregatedFieldWells: { category: [dim(by, `${visualId}-by`)], values: [revenue(`${visualId}-revenue`)], colors: [dim('currency', `${visualId}-currency`)] } } },
      },
    });
    this.dashboard = new quicksight.CfnDashboard(this, 'Dashboard', {
      awsAccountId: account,
      dashboardId: `${props.projectName}-sales`,
      name: `${props.projectName} sales`,
      definition: {
        dataSetIdentifierDeclarations: [{ identifier: ds, dataSetArn: this.dataSet.attrArn }],
        sheets: [
          {
            sheetId: 'sales',
            name: 'Sales',
            visuals: [bar('revenue-by-day', 'Revenue per day (minor units, paid and unpaid orders; filter status)', 'day'), bar('revenue-by-country', 'Revenue by country (minor units)', 'country')],
          },
        ],
      },
      permissions: owner(['quicksight:DescribeDashboard', 'quicksight:ListDashboardVersions', 'quicksight:UpdateDashboardPermissions', 'quicksight:QueryDashboard', 'quicksight:UpdateDashboard', 'quicksight:DeleteDashboard', 'quicksight:DescribeDashboardPermissions', 'quicksight:UpdateDashboardPublishedVersion']),
    });
  }
}

export interface WebStacksProps {
  readonly projectName: string;
  readonly repoRoot: string;
  readonly api: apigateway.RestApi;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** The service's environment; with a concrete region the ACL goes to us-east-1 and is referenced across regions. */
  readonly env?: Environment;
  /** QuickSight resources (needs a subscription). @default undefined: none */
  readonly quickSight?: Omit<AnalystDashboardProps, 'projectName'>;
}

/**
 * `<project>-edge` (the CLOUDFRONT web ACL, in us-east-1) and `<project>-web` (bucket, distribution,
 * deployment, config, and QuickSight when asked), beside the service stack whose API it fronts.
 * Without a concrete environment (offline synth) both are environment-agnostic.
 */
export const addWebStacks = (app: App, props: WebStacksProps): { edge: Stack; web: Stack; webApp: WebApp } => {
  const common: StackProps = { tags: { project: props.projectName } };
  const concrete = props.env?.region !== undefined;
  const edge = new Stack(app, `${props.projectName}-edge`, {
    ...common,
    description: 'Strata: CloudFront web ACL (us-east-1)',
    ...(concrete ? { env: { ...props.env, region: 'us-east-1' } } : {}),
  });
  const acl = new CloudFrontWebAcl(edge, 'WebAcl', { name: `${props.projectName}-web` });
  const web = new Stack(app, `${props.projectName}-web`, {
    ...common,
    description: 'Strata: web app (S3 + CloudFront) and analyst dashboards',
    ...(concrete ? { env: props.env, crossRegionReferences: true } : {}),
  });
  const webApp = new WebApp(web, 'WebApp', {
    api: props.api,
    webAclArn: acl.webAcl.attrArn,
    assetsDir: webAssetsDir(props.repoRoot),
    config: { userPoolId: props.userPoolId, userPoolClientId: props.userPoolClientId },
  });
  if (props.quickSight) new AnalystDashboard(web, 'QuickSight', { ...props.quickSight, projectName: props.projectName });
  return { edge, web, webApp };
};

/**
 * The web stacks for the Strata stacks an app already has: `-c quickSightPrincipal=<QuickSight
 * user or group ARN>` turns the QuickSight resources on (off by default: they need a subscription).
 */
export const addWebStacksFor = (
  app: App,
  stacks: { readonly stateful: { readonly identity: { readonly userPool: { readonly userPoolId: string }; readonly client: { readonly userPoolClientId: string } }; readonly lake: { readonly workGroup: { readonly name: string }; readonly database: { readonly ref: string } } }; readonly service: { readonly api: { readonly api: apigateway.RestApi } } },
  options: { readonly projectName: string; readonly repoRoot: string; readonly env?: Environment },
): ReturnType<typeof addWebStacks> => {
  const principal: unknown = app.node.tryGetContext('quickSightPrincipal');
  return addWebStacks(app, {
    projectName: options.projectName,
    repoRoot: options.repoRoot,
    api: stacks.service.api.api,
    userPoolId: stacks.stateful.identity.userPool.userPoolId,
    userPoolClientId: stacks.stateful.identity.client.userPoolClientId,
    ...(options.env ? { env: options.env } : {}),
    ...(typeof principal === 'string' && principal.trim() !== ''
      ? { quickSight: { principalArn: principal.trim(), workGroup: stacks.stateful.lake.workGroup.name, database: stacks.stateful.lake.database.ref } }
      : {}),
  });
};
