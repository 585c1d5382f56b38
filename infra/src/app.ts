import type { App, Environment } from 'aws-cdk-lib';
import { routingRules } from '@strata/workflows/routing/rules';
import { findRepoRoot, SynthError } from './paths.js';
import { ServiceStack } from './serviceStack.js';
import { StatefulStack } from './statefulStack.js';

/** Deployment settings, from `cdk … -c key=value` (or `cdk.json`'s `context`). */
export interface StrataSettings {
  /** Name prefix and stack prefix (seed: `ProjectName`). @default 'strata' */
  readonly projectName: string;
  /** Secrets Manager name of the read-model credentials (seed: `DbPasswordSecretName`). @default generated */
  readonly dbSecretName?: string;
  /** @default 1 */
  readonly natGateways?: number;
  /** External payment provider base URL. @default unset */
  readonly providerUrl?: string;
  /** E-mail subscribed to the alarm topic. @default none */
  readonly alarmEmail?: string;
  /** Create the account's GuardDuty detector (false when one exists). @default true */
  readonly enableGuardDuty: boolean;
}

export const settingsFrom = (app: App): StrataSettings => {
  const text = (key: string): string | undefined => {
    const v: unknown = app.node.tryGetContext(key);
    return v === undefined || v === null || String(v).trim() === '' ? undefined : String(v).trim();
  };
  const nat = text('natGateways');
  if (nat !== undefined && !/^\d$/.test(nat)) throw new SynthError(`context natGateways=${nat}: expected a whole number from 0 to 9`);
  const dbSecretName = text('dbSecretName');
  const providerUrl = text('providerUrl');
  const alarmEmail = text('alarmEmail');
  return {
    projectName: text('projectName') ?? 'strata',
    enableGuardDuty: text('guardDuty') !== 'false',
    ...(nat === undefined ? {} : { natGateways: Number(nat) }),
    ...(dbSecretName === undefined ? {} : { dbSecretName }),
    ...(providerUrl === undefined ? {} : { providerUrl }),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
  };
};

/**
 * Adds Strata's two stacks to an app: `<project>-stateful` (data, identity, network, audit) and
 * `<project>-service` (API, consumers, routing, saga, notifications, operations), which depends on it.
 */
export const addStrataStacks = (app: App, settings: StrataSettings = settingsFrom(app), env?: Environment): { stateful: StatefulStack; service: ServiceStack } => {
  const repoRoot = findRepoRoot();
  const common = { ...(env === undefined ? {} : { env }), tags: { project: settings.projectName } };
  const stateful = new StatefulStack(app, `${settings.projectName}-stateful`, {
    ...common,
    projectName: settings.projectName,
    description: 'Strata: event store, read-model database, cache, data lake, warehouse, identity, network, audit log',
    ...(settings.dbSecretName === undefined ? {} : { dbSecretName: settings.dbSecretName }),
    ...(settings.natGateways === undefined ? {} : { natGateways: settings.natGateways }),
  });
  const service = new ServiceStack(app, `${settings.projectName}-service`, {
    ...common,
    projectName: settings.projectName,
    description: 'Strata: REST API, projector, event routing, payment saga, notifications, observability',
    repoRoot,
    stateful,
    rules: routingRules,
    enableGuardDuty: settings.enableGuardDuty,
    ...(settings.providerUrl === undefined ? {} : { providerUrl: settings.providerUrl }),
    ...(settings.alarmEmail === undefined ? {} : { alarmEmail: settings.alarmEmail }),
  });
  return { stateful, service };
};
