import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { ApiStack, type ApiStackProps } from './ApiStack.ts';

// The API stack as CloudFormation sees it, with the data stack's tables and key and a user pool
// in a stack of their own (as the app wires them). Bundling is skipped: no esbuild run.

const ORIGINS = ['https://app.example.edu', 'https://coach.example.edu'];
// written out here, not imported: the test says what the policy must be
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, filled in by IAM
const TENANT_KEYS = '${aws:PrincipalTag/tenant_id}#*';
const ANY_TENANT = 'ten_??????????????????????????';

const synth = (overrides: Partial<ApiStackProps> = {}) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const parts = new Stack(app, 'Parts');
  const table = (id: string) =>
    new TableV2(parts, id, {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.NUMBER },
      globalSecondaryIndexes: [
        {
          indexName: 'gsi1',
          partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
          sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
        },
      ],
    });
  const userPool = new UserPool(parts, 'Users');
  const stack = new ApiStack(app, 'Api', {
    stage: 'dev',
    production: false,
    events: table('Events'),
    views: table('Views'),
    dataKey: new Key(parts, 'DataKey'),
    userPool,
    userPoolClient: userPool.addClient('Web'),
    corsOrigins: ORIGINS,
    ...overrides,
  });
  const template = Template.fromStack(stack);
  const logicalId = (role: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(role.node.defaultChild as CfnRole);
  return {
    stack,
    template,
    tenantRoleId: logicalId(stack.tenantRole),
    ownRoleId: logicalId(stack.api.fn.role as unknown as { node: { defaultChild?: unknown } }),
  };
};

/** An export of the parts stack, by the construct it comes from and what of it (Ref, or an attribute). */
const imported = (what: string) => ({ 'Fn::ImportValue': expect.stringMatching(`^Parts:ExportsOutput${what}`) });
/** The same, as the CDK's template assertions match it. */
const importedMatch = (what: string) => ({
  'Fn::ImportValue': Match.stringLikeRegexp(`^Parts:ExportsOutput${what}`),
});

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };

/** The statements of the inline policies attached to a role. */
const statementsOf = (template: Template, roleId: string): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

const actionsOf = (s: Statement) => [s.Action].flat();

// the first synthesis loads much of the CDK
describe('the API stack', { timeout: 30_000 }, () => {
  it('runs the GraphQL Lambda on nodejs22.x and arm64, with its environment', () => {
    const { template, tenantRoleId } = synth();
    const fns = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns)).toHaveLength(1);
    const fn = Object.values(fns)[0]?.Properties;
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Environment.Variables).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      EVENTS_TABLE: imported('RefEvents'),
      VIEWS_TABLE: imported('RefViews'),
      KMS_KEY_ID: imported('FnGetAttDataKey[0-9A-F]+Arn'),
      USER_POOL_ID: imported('RefUsers[0-9A-F]{8}[0-9A-F]+$'),
      USER_POOL_CLIENT_IDS: imported('RefUsersWeb'),
      CORS_ORIGINS: ORIGINS.join(','),
      TENANT_ROLE_ARN: { 'Fn::GetAtt': [tenantRoleId, 'Arn'] },
    });
  });

  it("routes POST and GET /graphql through the user pool's JWT authorizer, and GET /health around it", () => {
    const { template } = synth();
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const authorizers = template.findResources('AWS::ApiGatewayV2::Authorizer');
    expect(Object.keys(authorizers)).toHaveLength(1);
    const [authorizerId] = Object.keys(authorizers);
    expect(Object.fromEntries(routes.map((r) => [r.RouteKey, [r.AuthorizationType, r.AuthorizerId ?? null]]))).toEqual({
      'POST /graphql': ['JWT', { Ref: authorizerId }],
      'GET /graphql': ['JWT', { Ref: authorizerId }],
      'GET /health': ['NONE', null],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [importedMatch('RefUsersWeb')],
        Issuer: { 'Fn::Join': ['', ['https://', importedMatch('FnGetAttUsers[0-9A-F]+ProviderName')]] },
      },
    });
    // every route reaches the Lambda, with API Gateway's payload v2
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GraphqlApiFunction'), 'Arn'] },
    });
  });

  it("answers browsers' preflights for the given origins only, and configures no CORS without them", () => {
    synth().template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ORIGINS,
        AllowMethods: ['GET', 'POST', 'OPTIONS'],
        AllowHeaders: ['authorization', 'content-type'],
        MaxAge: 3600,
      },
    });
    const none = synth({ corsOrigins: [] }).template;
    none.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    none.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CORS_ORIGINS: '' }) },
    });
  });

  it('throttles its one stage and logs each request, ids only, to a log group kept longer in production', () => {
    const { template } = synth();
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')).map((s) => s.Properties);
    expect(stages).toHaveLength(1);
    expect(stages[0]).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^AccessLogs/), 'Arn'] } },
    });
    const format = JSON.parse(stages[0]?.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      tenantId: '$context.authorizer.claims.tenant_id',
    });
    expect(JSON.stringify(format)).not.toMatch(/sourceIp|userAgent/);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
    });
    synth({ production: true }).template.allResources('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 180 },
      DeletionPolicy: 'Retain',
    });
  });

  it("lets only the API's role assume the tenant role, and only tagged with a tenant id", () => {
    const { template, tenantRoleId, ownRoleId } = synth();
    const role = template.findResources('AWS::IAM::Role')[tenantRoleId]?.Properties;
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::GetAtt': [ownRoleId, 'Arn'] } },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: {
            StringLike: { 'aws:RequestTag/tenant_id': ANY_TENANT },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['tenant_id'] },
          },
        },
      ],
    });
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it("gives the tenant role both tables and their indexes only under its tenant's keys, and the data key", () => {
    const { template, tenantRoleId } = synth();
    const statements = statementsOf(template, tenantRoleId);
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const s of dynamo) {
      expect(s.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [TENANT_KEYS] } });
    }
    const reads = dynamo.find((s) => s.Sid === 'TenantReads');
    expect(actionsOf(reads as Statement).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    const index = (what: string) => ({ 'Fn::Join': ['', [imported(what), '/index/*']] });
    expect(reads?.Resource).toEqual([
      imported('FnGetAttEvents[0-9A-F]+Arn'),
      index('FnGetAttEvents[0-9A-F]+Arn'),
      imported('FnGetAttViews[0-9A-F]+Arn'),
      index('FnGetAttViews[0-9A-F]+Arn'),
    ]);
    const writes = dynamo.find((s) => s.Sid === 'TenantWrites');
    expect(actionsOf(writes as Statement).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem']);
    expect(writes?.Resource).toEqual(imported('FnGetAttEvents[0-9A-F]+Arn'));
    // a Scan carries no leading key, so the condition would not hold it back: never granted
    expect(dynamo.flatMap(actionsOf).filter((a) => /Scan|\*/.test(a))).toEqual([]);
    expect(statements.filter((s) => !actionsOf(s).some((a) => a.startsWith('dynamodb:')))).toEqual([
      {
        Sid: 'TenantDataKeys',
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:Decrypt'],
        Resource: imported('FnGetAttDataKey[0-9A-F]+Arn'),
        Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'data-key' } },
      },
    ]);
  });

  it("keeps the Lambda's own role to the control plane's keys of the events table, and the tenant role's sessions", () => {
    const { template, ownRoleId, tenantRoleId } = synth();
    const statements = statementsOf(template, ownRoleId);
    const tenantPart = (what: string) => `${ANY_TENANT}#${what}#*`;
    const controlPlane = ['_platform#*', tenantPart('Tenant'), tenantPart('Member'), tenantPart('DataKey')];
    expect(statements.find((s) => s.Sid === 'ControlPlaneReads')).toEqual({
      Sid: 'ControlPlaneReads',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Query'],
      Resource: imported('FnGetAttEvents[0-9A-F]+Arn'),
      Condition: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...controlPlane, tenantPart('Enrolments')] },
      },
    });
    expect(statements.find((s) => s.Sid === 'ControlPlaneWrites')).toEqual({
      Sid: 'ControlPlaneWrites',
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: imported('FnGetAttEvents[0-9A-F]+Arn'),
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': controlPlane } },
    });
    // every DynamoDB grant is held to leading keys; none reaches the views or a Scan
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(2);
    for (const s of dynamo) expect(Object.keys(s.Condition ?? {})).toEqual(['ForAllValues:StringLike']);
    expect(JSON.stringify(dynamo)).not.toMatch(/Views|Scan|dynamodb:\*/);
    expect(statements.find((s) => s.Sid === 'TenantSessions')).toEqual({
      Sid: 'TenantSessions',
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Resource: { 'Fn::GetAtt': [tenantRoleId, 'Arn'] },
    });
    expect(statements.find((s) => s.Sid === 'ControlPlaneDataKeys')).toMatchObject({
      Action: ['kms:Encrypt', 'kms:Decrypt'],
      Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'data-key' } },
    });
    expect(statements).toHaveLength(5);
  });

  it("lets the Lambda's own role create, read and delete (erasure) the user pool's users, that pool only, and nothing else of Cognito", () => {
    const { template, ownRoleId, tenantRoleId } = synth();
    const statements = statementsOf(template, ownRoleId);
    const cognito = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('cognito-idp:')));
    expect(cognito).toEqual([
      {
        Sid: 'MemberUsers',
        Effect: 'Allow',
        Action: ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser'],
        Resource: imported('FnGetAttUsers[0-9A-F]+Arn'),
      },
    ]);
    // no group membership, disabling or attribute writes; and a tenant's session reaches no user
    expect(JSON.stringify(statements)).not.toMatch(/cognito-idp:\*|AdminAddUserToGroup|AdminDisable|AdminUpdate/);
    expect(JSON.stringify(statementsOf(template, tenantRoleId))).not.toMatch(/cognito-idp/);
  });

  it('outputs the URL of the API', () => {
    const { template } = synth();
    const [apiId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Api'));
    template.hasOutput('ApiUrl', {
      Value: {
        'Fn::Join': [
          '',
          ['https://', { Ref: apiId }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/'],
        ],
      },
    });
  });
});

describe("the control plane's key patterns", () => {
  /** IAM's StringLike: `*` any run of characters, `?` exactly one. */
  const like = (pattern: string, value: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(value);
  const tenant = 'ten_01J8Z3K4M5N6P7Q8R9S0T1V2W3';

  it("reach the platform's items and a tenant's own control-plane streams, and none of its students' data", async () => {
    const { CONTROL_PLANE_KEYS } = await import('./ApiStack.ts');
    const reads = (key: string) => CONTROL_PLANE_KEYS.read.some((p) => like(p, key));
    const writes = (key: string) => CONTROL_PLANE_KEYS.write.some((p) => like(p, key));
    for (const key of [
      '_platform#Guard#UserTenant#usr_1',
      '_platform#TenantOfUser#usr_1',
      `${tenant}#Tenant#${tenant}`,
      `${tenant}#Member#0f1e2d3c-4b5a`,
      `${tenant}#DataKey#0f1e2d3c-4b5a`,
    ]) {
      expect([reads(key), writes(key)], key).toEqual([true, true]);
    }
    // an admin who is also a student: its commands read its enrolments, and never write them
    expect([reads(`${tenant}#Enrolments#usr_1`), writes(`${tenant}#Enrolments#usr_1`)]).toEqual([true, false]);
    for (const key of [
      `${tenant}#Interview#int_01J8Z3K4M5N6P7Q8R9S0T1V2W3`,
      `${tenant}#Contact#con_1`,
      `${tenant}#Cohort#coh_1`,
      `${tenant}#Guard#EmailGuard#abc`,
      `${tenant}#g1#StudentInterviews#usr_1`,
      `${tenant}#log#2026-03-02`,
      'ten_x#Member#usr_1#Tenant#x',
      `${tenant}x#Member#usr_1`,
    ]) {
      expect([reads(key), writes(key)], key).toEqual([false, false]);
    }
  });
});
