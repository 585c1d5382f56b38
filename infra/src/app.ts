import { CfnOutput, CfnParameter, type App, type Environment } from 'aws-cdk-lib';
import { routingRules } from '@strata/workflows/routing/rules';
import { acknowledgeNagFindings } from './nag.js';
import { findRepoRoot, SynthError } from './paths.js';
import { ServiceStack } from './serviceStack.js';
import { StatefulStack } from './statefulStack.js';

/**
 * The two stages: `enterprise` (the default) is the seed's production shape with high
 * availability on; `sandbox` is a cheap one for trying Strata on an account — single-AZ, one NAT,
 * no OpenSearch, and the simulated payment provider, so it takes payments end to end.
 */
export const STAGES = ['enterprise', 'sandbox'] as const;
export type Stage = (typeof STAGES)[number];

/** What each stage turns on (each can still be overridden by its own context key). */
export interface StageShape {
  /** NAT gateways: one per zone keeps a zone's Lambdas reaching out when another zone fails. */
  readonly natGateways: number;
  /** RDS Multi-AZ (a synchronous standby in another zone). */
  readonly multiAz: boolean;
  /** Redis read replicas (with one or more: automatic failover, Multi-AZ). */
  readonly cacheReplicas: number;
  /** The OpenSearch log domain. */
  readonly openSearch: boolean;
  /** The simulated provider instead of a real one. */
  readonly simulatedProvider: boolean;
}

export const STAGE_SHAPES: { readonly [S in Stage]: StageShape } = {
  enterprise: { natGateways: 3, multiAz: true, cacheReplicas: 1, openSearch: true, simulatedProvider: false },
  sandbox: { natGateways: 1, multiAz: false, cacheReplicas: 0, openSearch: false, simulatedProvider: true },
};

/** Deployment settings, from `cdk … -c key=value` (or `cdk.json`'s `context`). */
export interface StrataSettings {
  /** Name prefix and stack prefix (seed: `ProjectName`). @default 'strata' */
  readonly projectName: string;
  /** @default 'enterprise' */
  readonly stage?: Stage;
  /** Secrets Manager name of the read-model credentials (seed: `DbPasswordSecretName`). @default generated */
  readonly dbSecretName?: string;
  /** @default the stage's (enterprise 3, sandbox 1) */
  readonly natGateways?: number;
  /** External payment provider base URL. Required on the enterprise stage. @default unset */
  readonly providerUrl?: string;
  /** E-mail subscribed to the alarm topic. @default none */
  readonly alarmEmail?: string;
  /** Create the account's GuardDuty detector (false when one exists). @default true */
  readonly enableGuardDuty: boolean;
  /** Enable Inspector v2 (false where a delegated administrator manages it). @default true */
  readonly enableInspector?: boolean;
  /** Browser origins allowed by CORS (comma-separated in the context). @default none: no CORS headers */
  readonly corsOrigins?: readonly string[];
}

/** The message a deploy without a payment provider stops with. */
export const NO_PROVIDER_MESSAGE =
  'No payment provider configured: the payment step Lambda would fail every execution. ' +
  'Set -c providerUrl=https://<your provider> (the card provider API base URL), ' +
  'or deploy the sandbox stage with -c stage=sandbox, which runs the simulated provider behind a function URL.';

export const settingsFrom = (app: App): StrataSettings => {
  const text = (key: string): string | undefined => {
    const v: unknown = app.node.tryGetContext(key);
    return v === undefined || v === null || String(v).trim() === '' ? undefined : String(v).trim();
  };
  const nat = text('natGateways');
  if (nat !== undefined && !/^\d$/.test(nat)) throw new SynthError(`context natGateways=${nat}: expected a whole number from 0 to 9`);
  const stage = text('stage');
  if (stage !== undefined && !(STAGES as readonly string[]).includes(stage)) throw new SynthError(`context stage=${stage}: expected one of ${STAGES.join(', ')}`);
  const dbSecretName = text('dbSecretName');
  const providerUrl = text('providerUrl');
  if (providerUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(providerUrl)) throw new SynthError(`context providerUrl=${providerUrl}: expected an http(s) URL`);
  const alarmEmail = text('alarmEmail');
  const cors = text('corsOrigins');
  return {
    projectName: text('projectName') ?? 'strata',
    enableGuardDuty: text('guardDuty') !== 'false',
    ...(text('inspector') === 'false' ? { enableInspector: false } : {}),
    ...(stage === undefined ? {} : { stage: stage as Stage }),
    ...(nat === undefined ? {} : { natGateways: Number(nat) }),
    ...(dbSecretName === undefined ? {} : { dbSecretName }),
    ...(providerUrl === undefined ? {} : { providerUrl }),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    ...(cors === undefined ? {} : { corsOrigins: cors.split(',').map((o) => o.trim()).filter((o) => o !== '') }),
  };
};

/**
 * Adds Strata's two stacks to an app: `<project>-stateful` (data, identity, network, audit) and
 * `<project>-service` (API, consumers, routing, saga, notifications, operations), which depends on it.
 * Throws a {@link SynthError} with {@link NO_PROVIDER_MESSAGE} when the enterprise stage has no provider.
 */
export const addStrataStacks = (app: App, settings: StrataSettings = settingsFrom(app), env?: Environment): { stateful: StatefulStack; service: ServiceStack } => {
  const stage = settings.stage ?? 'enterprise';
  const shape = STAGE_SHAPES[stage];
  if (!shape.simulatedProvider && settings.providerUrl === undefined) throw new SynthError(NO_PROVIDER_MESSAGE);
  const repoRoot = findRepoRoot();
  const common = { ...(env === undefined ? {} : { env }), tags: { project: settings.projectName, stage } };
  const stateful = new StatefulStack(app, `${settings.projectName}-stateful`, {
    ...common,
    projectName: settings.projectName,
    description: `Strata (${stage}): event store, read-model database, cache, data lake, warehouse, identity, network, audit log`,
    natGateways: settings.natGateways ?? shape.natGateways,
    multiAz: shape.multiAz,
    cacheReplicas: shape.cacheReplicas,
    ...(settings.dbSecretName === undefined ? {} : { dbSecretName: settings.dbSecretName }),
  });
  const service = new ServiceStack(app, `${settings.projectName}-service`, {
    ...common,
    projectName: settings.projectName,
    description: `Strata (${stage}): REST API, projector, event routing, payment saga, notifications, observability`,
    repoRoot,
    stateful,
    rules: routingRules,
    enableGuardDuty: settings.enableGuardDuty,
    openSearch: shape.openSearch,
    ...(settings.enableInspector === undefined ? {} : { enableInspector: settings.enableInspector }),
    // An explicit provider wins over the sandbox's simulated one.
    ...(settings.providerUrl === undefined ? { simulatedProvider: true } : { providerUrl: settings.providerUrl }),
    ...(settings.alarmEmail === undefined ? {} : { alarmEmail: settings.alarmEmail }),
    ...(settings.corsOrigins === undefined ? {} : { corsOrigins: settings.corsOrigins }),
  });
  // The seed's parameter. Names are fixed at synth by `-c projectName` (CDK needs them then), so
  // the parameter records that prefix and accepts only it, rather than pretending to rename.
  for (const stack of [stateful, service]) {
    const parameter = new CfnParameter(stack, 'ProjectName', { type: 'String', default: settings.projectName, allowedValues: [settings.projectName], description: 'Prefix for resource naming (set at synth: cdk deploy -c projectName=…)' });
    new CfnOutput(stack, 'ProjectNameOutput', { value: parameter.valueAsString, description: 'The prefix of this deployment’s names' });
  }
  acknowledgeNagFindings(stateful, service);
  return { stateful, service };
};
