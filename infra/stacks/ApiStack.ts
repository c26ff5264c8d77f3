import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ArnPrincipal, type IRole, PolicyStatement, Role, SessionTagsPrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { NAG_REASONS } from '../constructs/nag.ts';
import { ServiceFunction } from '../constructs/serviceFunction.ts';

// The GraphQL API (DESIGN.md §7, §8): an HTTP API whose JWT authorizer lets through only the user
// pool's access tokens for its client, the Lambda behind it, and the two roles its table calls
// run with. A tenant's request runs as a session of the tenant-scoped role, tagged with its
// tenant, whose policy reaches only keys that begin with that tenant's id (the third wall); the
// Lambda's own role is the control plane's and reaches only what the control plane writes, and
// the user pool's invitations.

export interface ApiStackProps extends StackProps {
  readonly stage: string;
  /** Production keeps its logs longer and on stack deletion. */
  readonly production: boolean;
  readonly events: TableV2;
  readonly views: TableV2;
  /** The master key that wraps the per-student data keys. */
  readonly dataKey: Key;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** The browser origins of the frontends (none: no CORS). */
  readonly corsOrigins: readonly string[];
}

/** The default stage's limits: above the 500 requests/s per tenant the API keeps itself (DESIGN.md §7). */
export const API_THROTTLE = { rateLimit: 1_000, burstLimit: 2_000 } as const;

/** The session tag a tenant's credentials carry, and the pattern every key they reach begins with. */
export const TENANT_TAG = 'tenant_id';
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, filled in by IAM
export const TENANT_KEYS = '${aws:PrincipalTag/tenant_id}#*';
/** A tenant id as an IAM pattern: `ten_` and exactly a ULID's 26 characters. */
export const ANY_TENANT = `ten_${'?'.repeat(26)}`;

/**
 * The control plane's items (what the Lambda's own role reaches): the `_platform` scope (tenant
 * list, slug guards, the user → tenant map), and of each tenant only what provisioning,
 * suspension and member administration read and write: its Tenant stream, its members' streams
 * and their data keys, and (reads) the enrolments an admin who is also a student stamps its
 * commands with. Never a student's interviews, contacts or cohorts, nor the views.
 */
export const CONTROL_PLANE_KEYS = {
  read: [
    '_platform#*',
    `${ANY_TENANT}#Tenant#*`,
    `${ANY_TENANT}#Member#*`,
    `${ANY_TENANT}#DataKey#*`,
    `${ANY_TENANT}#Enrolments#*`,
  ],
  write: ['_platform#*', `${ANY_TENANT}#Tenant#*`, `${ANY_TENANT}#Member#*`, `${ANY_TENANT}#DataKey#*`],
} as const;

/** What a tenant's requests ask of DynamoDB: reads, and the event store's conditional puts and guard deletes (never Scan). */
export const TENANT_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
} as const;
/** What the control plane asks: loads and guard lists, and conditional puts (it releases nothing). */
export const CONTROL_PLANE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  write: ['dynamodb:PutItem'],
} as const;

/** What member administration asks of the user pool (services/graphql-api/src/cognitoIdentities.ts). */
export const USER_POOL_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminGetUser',
  // an erased student's user
  'cognito-idp:AdminDeleteUser',
] as const;

/** The data keys are wrapped with this encryption context only (packages/event-store/src/kms.ts). */
const DATA_KEY_CONTEXT = { StringEquals: { 'kms:EncryptionContext:purpose': 'data-key' } };

export class ApiStack extends Stack {
  readonly api: ServiceFunction;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** The role a tenant's requests run as, one session per tenant. */
  readonly tenantRole: Role;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { stage, production, events, views, dataKey, userPool, userPoolClient } = props;

    this.api = new ServiceFunction(this, 'GraphqlApi', {
      service: 'graphql-api',
      description: `${stage}: the GraphQL API`,
      production,
      memorySize: 1024,
    });
    const fn = this.api.fn;
    const own = fn.role as IRole;

    this.tenantRole = new Role(this, 'TenantRole', {
      description: `${stage}: a tenant's requests to the GraphQL API, one session per tenant (tag ${TENANT_TAG})`,
      // only the API's role, only with a well-formed tenant id as the session's tag, and no other tag
      assumedBy: new SessionTagsPrincipal(new ArnPrincipal(own.roleArn)).withConditions({
        StringLike: { [`aws:RequestTag/${TENANT_TAG}`]: ANY_TENANT },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_TAG] },
      }),
      maxSessionDuration: Duration.hours(1),
    });
    const tenantKeys = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [TENANT_KEYS] } };
    const tableAndIndexes = (table: TableV2) => [table.tableArn, `${table.tableArn}/index/*`];
    this.tenantRole.addToPolicy(
      new PolicyStatement({
        sid: 'TenantReads',
        actions: [...TENANT_ACTIONS.read],
        resources: [...tableAndIndexes(events), ...tableAndIndexes(views)],
        conditions: tenantKeys,
      }),
    );
    // the API writes events (and guards, data keys); the views are the projector's
    this.tenantRole.addToPolicy(
      new PolicyStatement({
        sid: 'TenantWrites',
        actions: [...TENANT_ACTIONS.write],
        resources: [events.tableArn],
        conditions: tenantKeys,
      }),
    );
    this.tenantRole.addToPolicy(
      new PolicyStatement({
        sid: 'TenantDataKeys',
        actions: ['kms:Encrypt', 'kms:Decrypt'],
        resources: [dataKey.keyArn],
        conditions: DATA_KEY_CONTEXT,
      }),
    );

    // The Lambda's own role: the control plane, and the sessions of the tenant role.
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'TenantSessions',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [this.tenantRole.roleArn],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'ControlPlaneReads',
        actions: [...CONTROL_PLANE_ACTIONS.read],
        resources: [events.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...CONTROL_PLANE_KEYS.read] } },
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'ControlPlaneWrites',
        actions: [...CONTROL_PLANE_ACTIONS.write],
        resources: [events.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...CONTROL_PLANE_KEYS.write] } },
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'ControlPlaneDataKeys',
        actions: ['kms:Encrypt', 'kms:Decrypt'],
        resources: [dataKey.keyArn],
        conditions: DATA_KEY_CONTEXT,
      }),
    );

    // Member administration creates the pool's users (Cognito emails the temporary password),
    // finds one already there, and deletes an erased student's: those actions, on this pool only.
    // No group membership, no attribute writes: a member's roles and removal are its member stream.
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'MemberUsers',
        actions: [...USER_POOL_ACTIONS],
        resources: [userPool.userPoolArn],
      }),
    );

    const environment: Record<string, string> = {
      EVENTS_TABLE: events.tableName,
      VIEWS_TABLE: views.tableName,
      KMS_KEY_ID: dataKey.keyArn,
      USER_POOL_ID: userPool.userPoolId,
      USER_POOL_CLIENT_IDS: userPoolClient.userPoolClientId,
      CORS_ORIGINS: props.corsOrigins.join(','),
      TENANT_ROLE_ARN: this.tenantRole.roleArn,
    };
    for (const [name, value] of Object.entries(environment)) fn.addEnvironment(name, value);

    this.httpApi = new HttpApi(this, 'Http', {
      apiName: `ii-${stage}-graphql`,
      description: `${stage}: the GraphQL API`,
      // the stage below, with throttling and access logs
      createDefaultStage: false,
      ...(props.corsOrigins.length > 0 && {
        corsPreflight: {
          allowOrigins: [...props.corsOrigins],
          allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
          allowHeaders: ['authorization', 'content-type'],
          maxAge: Duration.hours(1),
        },
      }),
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: production ? RetentionDays.SIX_MONTHS : RetentionDays.ONE_MONTH,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { ...API_THROTTLE },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // ids only, as every log (DESIGN.md §8): no address, no user agent
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            userId: '$context.authorizer.claims.sub',
            tenantId: '$context.authorizer.claims.tenant_id',
          }),
        ),
      },
    });

    // Cognito's access tokens carry the app client in `client_id`, which the authorizer matches
    // against its audience as it would `aud`.
    const authorizer = new HttpJwtAuthorizer('Cognito', `https://${userPool.userPoolProviderName}`, {
      jwtAudience: [userPoolClient.userPoolClientId],
    });
    const integration = new HttpLambdaIntegration('Graphql', fn);
    this.httpApi.addRoutes({ path: '/graphql', methods: [HttpMethod.POST, HttpMethod.GET], integration, authorizer });
    const [health] = this.httpApi.addRoutes({ path: '/health', methods: [HttpMethod.GET], integration });
    if (health) Validations.of(health).acknowledge({ id: 'AwsSolutions-APIG4', reason: NAG_REASONS.healthRoute });

    this.url = this.stage.url;
    new CfnOutput(this, 'ApiUrl', { value: this.url, description: 'The GraphQL API: POST /graphql' });
  }
}
