import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { ROLES } from '@strata/api/identity/ports';
import { Construct } from 'constructs';

export interface IdentityProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default true */
  readonly deletionProtection?: boolean;
}

/**
 * Cognito: the user pool (sign-in by email), an app client without secret for the API's
 * USER_PASSWORD_AUTH sign-in, and one group per Strata role. API Gateway's TOKEN authorizer and
 * the API verify the pool's tokens with the same code as the local issuer's (decision 0008: a
 * Cognito authorizer would refuse the `Bearer` form).
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps = {}) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        givenName: { required: false, mutable: true },
        familyName: { required: false, mutable: true },
        phoneNumber: { required: false, mutable: true },
      },
      passwordPolicy: { minLength: 10, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.client = this.userPool.addClient('ApiClient', {
      authFlows: { userPassword: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    for (const role of ROLES) {
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, { userPoolId: this.userPool.userPoolId, groupName: role, description: `Strata role ${role}` });
    }
  }

  /**
   * What the API's Cognito identity adapter does besides public sign-up and sign-in: confirm a
   * new user (the seed's flow signs in right after registering) and put them in a role group, and
   * delete a user whose registration failed half-way (docs/decisions/0005).
   */
  grantUserAdministration(grantee: iam.IGrantable): iam.Grant {
    return this.userPool.grant(grantee, 'cognito-idp:AdminConfirmSignUp', 'cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser');
  }
}
