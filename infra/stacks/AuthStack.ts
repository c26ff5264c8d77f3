import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  UserPool,
  type UserPoolClient,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { NAG_REASONS } from '../constructs/nag.ts';
import { ServiceFunction } from '../constructs/serviceFunction.ts';

export interface AuthStackProps extends StackProps {
  readonly stage: string;
  /** Production keeps its users: deletion protection and RETAIN. */
  readonly production: boolean;
  /** The events table: the pre-token trigger reads the sub → tenant map and member streams there. */
  readonly events: TableV2;
}

/** The Cognito groups, one per role (DESIGN.md §7); only PLATFORM_ADMIN confers anything (the operator). */
export const ROLE_GROUPS = ['PLATFORM_ADMIN', 'TENANT_ADMIN', 'COACH', 'STUDENT'] as const;

/** Cognito gives a trigger 5 seconds, whatever the function's own timeout. */
const TRIGGER_TIMEOUT = Duration.seconds(5);

/**
 * Who signs in (DESIGN.md §7): a Cognito user pool whose users are created by invitation only
 * (provisioning and inviteMember), signing in with their email, and whose access tokens carry
 * `tenant_id` and `roles` put there by the pre-token-generation trigger (V2, which needs the
 * Essentials feature plan) from the `_platform` sub → tenant map and the member's stream. The
 * pool has no custom attributes, and the frontend's client writes none: tenant and roles can
 * only come from the trigger.
 */
export class AuthStack extends Stack {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly preToken: ServiceFunction;

  constructor(scope: Construct, id: string, props: AuthStackProps) {
    super(scope, id, props);
    const { stage, production } = props;

    this.userPool = new UserPool(this, 'Users', {
      userPoolName: `ii-${stage}-users`,
      featurePlan: FeaturePlan.ESSENTIALS,
      // the email is the username, matched without regard to case
      signInAliases: { email: true, username: false, phone: false },
      signInCaseSensitive: false,
      selfSignUpEnabled: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 5,
        tempPasswordValidity: Duration.days(7),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: production,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    ROLE_GROUPS.forEach((role, precedence) => {
      this.userPool.addGroup(role, { groupName: role, precedence, description: `${role} (DESIGN.md §7)` });
    });

    this.userPoolClient = this.userPool.addClient('StudentFrontend', {
      userPoolClientName: `ii-${stage}-student-frontend`,
      generateSecret: false,
      // the frontend signs in with SRP from the app, not through a hosted page; ADMIN_USER_PASSWORD
      // needs AWS credentials allowed cognito-idp:AdminInitiateAuth (an operator's first token, the
      // README's deploy walkthrough), never reachable from a browser
      authFlows: { userSrp: true, userPassword: false, adminUserPassword: true, custom: false },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new ClientAttributes().withStandardAttributes({
        email: true,
        emailVerified: true,
        fullname: true,
      }),
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });

    this.preToken = new ServiceFunction(this, 'PreToken', {
      service: 'pre-token',
      description: `${stage}: Cognito pre token generation (V2): tenant_id and roles into access tokens`,
      environment: { EVENTS_TABLE: props.events.tableName },
      timeout: TRIGGER_TIMEOUT,
      production,
    });
    // reads only: the map and the member streams are queries (no data keys: roles are not personal)
    props.events.grant(this.preToken.fn, 'dynamodb:Query', 'dynamodb:GetItem');
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.preToken.fn, LambdaVersion.V2_0);
    Validations.of(this.userPool).acknowledge(
      { id: 'AwsSolutions-COG2', reason: NAG_REASONS.mfa },
      { id: 'AwsSolutions-COG8', reason: NAG_REASONS.featurePlan },
    );

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'The Cognito user pool' });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.userPoolClient.userPoolClientId,
      description: "The student frontend's app client (SRP, no secret)",
    });
  }
}
