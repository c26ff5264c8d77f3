import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthStack, ROLE_GROUPS } from './AuthStack.ts';
import { DataStack } from './DataStack.ts';

// Bundling skipped: these tests read the template, not the function's code.
const build = (stage: string) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const data = new DataStack(app, 'Data', { stage });
  const auth = new AuthStack(app, 'Auth', { stage, production: stage === 'prod', events: data.events });
  return { auth, data, template: Template.fromStack(auth) };
};

const only = (template: Template, type: string) => {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0] as [string, { Properties: Record<string, unknown> } & Record<string, unknown>];
};

/** The logical id of the pre-token function (the NodejsFunction, not the log group). */
const preTokenId = (auth: AuthStack) => auth.resolve(auth.preToken.fn.functionArn)['Fn::GetAtt'][0] as string;

// synthesised once: the first synthesis loads the CDK (seconds), more than a test's timeout
let dev: ReturnType<typeof build>;
let prod: ReturnType<typeof build>;
beforeAll(() => {
  dev = build('dev');
  prod = build('prod');
}, 60_000);

describe('the auth stack', () => {
  it('has a user pool signed into by email, invitation only, on the Essentials plan', () => {
    const [, pool] = only(dev.template, 'AWS::Cognito::UserPool');
    expect(pool.Properties).toMatchObject({
      UserPoolName: 'ii-dev-users',
      UserPoolTier: 'ESSENTIALS',
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AutoVerifiedAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      // a changed email is used only once verified
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    });
    expect(pool.Properties.AliasAttributes).toBeUndefined();
  });

  it('asks for strong passwords, offers MFA (an authenticator app), and recovers accounts by email only', () => {
    const [, pool] = only(dev.template, 'AWS::Cognito::UserPool');
    expect(pool.Properties).toMatchObject({
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          PasswordHistorySize: 5,
          TemporaryPasswordValidityDays: 7,
        },
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    });
  });

  it('has no custom attributes a user or client could set a tenant or roles with', () => {
    const [, pool] = only(dev.template, 'AWS::Cognito::UserPool');
    const names = ((pool.Properties.Schema ?? []) as { Name: string }[]).map((a) => a.Name);
    expect(names).toContain('email');
    expect(names.filter((n) => n.startsWith('custom:') || n.startsWith('dev:'))).toEqual([]);
  });

  it('keeps production users (deletion protection, RETAIN) and lets dev pools go', () => {
    const [, kept] = only(prod.template, 'AWS::Cognito::UserPool');
    expect(kept).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(kept.Properties.DeletionProtection).toBe('ACTIVE');
    const [, gone] = only(dev.template, 'AWS::Cognito::UserPool');
    expect(gone).toMatchObject({ DeletionPolicy: 'Delete' });
    expect(gone.Properties.DeletionProtection).toBe('INACTIVE');
  });

  it('has a group per role, in the pool', () => {
    const { auth, template } = dev;
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup'));
    expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual([...ROLE_GROUPS].sort());
    expect(ROLE_GROUPS).toEqual(['PLATFORM_ADMIN', 'TENANT_ADMIN', 'COACH', 'STUDENT']);
    for (const group of groups) expect(group.Properties.UserPoolId).toEqual(auth.resolve(auth.userPool.userPoolId));
  });

  it('gives the student frontend one client: no secret, SRP only, no hosted OAuth, writing no custom attribute', () => {
    const { auth, template } = dev;
    const [, client] = only(template, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties).toMatchObject({
      UserPoolId: auth.resolve(auth.userPool.userPoolId),
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AllowedOAuthFlowsUserPoolClient: false,
    });
    expect([...(client.Properties.ExplicitAuthFlows as string[])].sort()).toEqual([
      'ALLOW_ADMIN_USER_PASSWORD_AUTH',
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_SRP_AUTH',
    ]);
    expect(client.Properties.AllowedOAuthFlows).toBeUndefined();
    expect([...(client.Properties.ReadAttributes as string[])].sort()).toEqual(['email', 'email_verified', 'name']);
    expect([...(client.Properties.WriteAttributes as string[])].sort()).toEqual(['email', 'name']);
    const all = [...(client.Properties.ReadAttributes as string[]), ...(client.Properties.WriteAttributes as string[])];
    expect(all.filter((a) => a.includes(':') || /tenant|role/i.test(a))).toEqual([]);
  });

  it('runs the pre-token function as the V2 trigger, allowed to Cognito, with the events table named', () => {
    const { auth, data, template } = dev;
    const fn = preTokenId(auth);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [fn, 'Arn'] }, LambdaVersion: 'V2_0' },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Users'), 'Arn'] },
    });
    const [, lambda] = only(template, 'AWS::Lambda::Function');
    const eventsTable = data.resolve(data.events.tableName) as { Ref: string };
    expect(lambda.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Timeout: 5,
      Environment: {
        Variables: { EVENTS_TABLE: { 'Fn::ImportValue': expect.stringContaining(`Ref${eventsTable.Ref}`) } },
      },
    });
  });

  it('lets the trigger read the events table and nothing else: no writes, no other table, no key', () => {
    const { auth, data, template } = dev;
    const role = auth.resolve((auth.preToken.fn.role as { roleName: string }).roleName) as { Ref: string };
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(role.Ref),
    );
    const statements = policies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    // the table's ARN and its indexes' (`…/index/*`), as the data stack exports it: nothing else
    const events = (data.resolve(data.events.tableArn) as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;
    const tableArn = {
      'Fn::ImportValue': expect.stringMatching(new RegExp(`^Data:ExportsOutputFnGetAtt${events}Arn`)),
    };
    const resources = statements.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    expect(resources).toEqual([tableArn, { 'Fn::Join': ['', [tableArn, '/index/*']] }]);
  });

  it('outputs the user pool id and the client id', () => {
    const { auth, template } = dev;
    template.hasOutput('UserPoolId', { Value: auth.resolve(auth.userPool.userPoolId) });
    template.hasOutput('UserPoolClientId', { Value: auth.resolve(auth.userPoolClient.userPoolClientId) });
  });
});
