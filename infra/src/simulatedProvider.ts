import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { StrataFunction, type StrataFunctionProps } from './strataFunction.js';

export interface SimulatedProviderProps {
  /** Settings of the provider's Lambda (entry `simulatedProvider`). */
  readonly function: Omit<StrataFunctionProps, 'entry'>;
}

/**
 * The sandbox stage's payment provider: the simulated card provider the local engine runs, as a
 * Lambda behind a function URL (`url` becomes the payment step's `STRATA_PROVIDER_URL`). One
 * reserved concurrent execution, so every request meets the one in-memory ledger; a cold start
 * begins a new one. The URL takes no IAM auth: the HTTP provider client does not sign requests,
 * and the simulated ledger moves no money (cdk-nag's suppression says so). Never on the
 * enterprise stage, whose synth refuses to run without a real provider.
 */
export class SimulatedProvider extends Construct {
  readonly function: StrataFunction;
  readonly functionUrl: lambda.FunctionUrl;
  /** The provider's base URL (the function URL, ending in `/`). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: SimulatedProviderProps) {
    super(scope, id);
    this.function = new StrataFunction(this, 'Function', { ...props.function, entry: 'simulatedProvider', timeout: Duration.seconds(10) });
    // One environment, one ledger (the reserved concurrency also caps what the URL can cost).
    (this.function.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = 1;
    this.functionUrl = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    this.url = this.functionUrl.url;
    new CfnOutput(this, 'Url', { value: this.url, description: 'Sandbox: the simulated payment provider (function URL)' });
  }
}
