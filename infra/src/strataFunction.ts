import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { LAMBDA_MEMORY_MB, LambdaEntry } from './paths.js';

export interface StrataFunctionProps {
  /** Which runtime entry point this function runs (`handler` export of that file). */
  readonly entry: LambdaEntry;
  /** The workspace root, for the entry path and the pnpm lock file. */
  readonly repoRoot: string;
  readonly vpc: ec2.IVpc;
  /** The application security group, the one RDS and Redis accept connections from. */
  readonly securityGroup: ec2.ISecurityGroup;
  readonly environment?: Readonly<Record<string, string>>;
  /** @default LAMBDA_MEMORY_MB[entry] */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** Packages only the local runtime loads (PGlite, DuckDB): left out of every Lambda bundle. */
export const EMBEDDED_ONLY_MODULES = ['@electric-sql/pglite', '@duckdb/node-api'] as const;

/**
 * A runtime entry point as a Lambda function: Node 22 on arm64, bundled locally by esbuild (no
 * Docker) as CommonJS, X-Ray traced, in the VPC's private subnets, with its own log group and retention.
 */
export class StrataFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: StrataFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    super(scope, id, {
      entry: join(props.repoRoot, LambdaEntry[props.entry]),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      projectRoot: props.repoRoot,
      depsLockFilePath: join(props.repoRoot, 'pnpm-lock.yaml'),
      memorySize: props.memorySize ?? LAMBDA_MEMORY_MB[props.entry],
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.securityGroup],
      // The runtime's CA bundle holds the RDS certificates; Node 20+ runtimes load it only when asked.
      environment: { NODE_OPTIONS: '--enable-source-maps', NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem', ...props.environment },
      bundling: {
        forceDockerBundling: false,
        // CommonJS on purpose: the engine reaches its embedded parts (PGlite, DuckDB) through dynamic
        // imports that never run on AWS. In a CJS bundle they stay lazy `require`s of external
        // modules; an ESM bundle hoists them to top-level imports and the function fails to load.
        format: OutputFormat.CJS,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // The SDK comes with the Lambda runtime; the embedded engines are never loaded there.
        externalModules: [...EMBEDDED_ONLY_MODULES, '@aws-sdk/*'],
      },
    });
  }
}
