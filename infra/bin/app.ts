#!/usr/bin/env node
// The CDK app entry (`cdk.json` runs it with tsx). Environment-agnostic unless the CLI supplies
// an account and region, so `cdk synth` works offline without credentials.
import { App } from 'aws-cdk-lib';
import { addStrataStacks, settingsFrom } from '../src/app.js';
import { findRepoRoot } from '../src/paths.js';
import { addWebStacksFor } from '../src/webApp.js';

const app = new App();
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
const settings = settingsFrom(app);
const env = account !== undefined && region !== undefined ? { account, region } : undefined;
addWebStacksFor(app, addStrataStacks(app, settings, env), { projectName: settings.projectName, repoRoot: findRepoRoot(), ...(env ? { env } : {}) });
app.synth();
