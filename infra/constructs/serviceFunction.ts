import { resolve } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLING } from '../../services/bundling.ts';
import { NAG_REASONS } from './nag.ts';

// One Lambda function of `services/`: nodejs22.x on arm64, bundled by esbuild from the workspace
// (no Docker) exactly as `pnpm bench` bundles it (services/bundling.ts), with its source map
// beside it, and an explicit log group (not `logRetention`, whose helper function picks its own
// runtime).

const root = resolve(import.meta.dirname, '../..');

export type Service = 'graphql-api' | 'projector' | 'reactor' | 'deadline-handler' | 'pre-token';

export interface ServiceFunctionProps {
  readonly service: Service;
  readonly description: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  /** Production keeps its logs longer and on stack deletion. */
  readonly production: boolean;
}

export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.production ? RetentionDays.SIX_MONTHS : RetentionDays.ONE_MONTH,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: resolve(root, `services/${props.service}/src/handler.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      logGroup: this.logGroup,
      projectRoot: root,
      depsLockFilePath: resolve(root, 'pnpm-lock.yaml'),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        minify: LAMBDA_BUNDLING.minify,
        target: LAMBDA_BUNDLING.target,
        format: OutputFormat.ESM,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        externalModules: [...LAMBDA_BUNDLING.external],
        banner: LAMBDA_BUNDLING.banner.js,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        forceDockerBundling: false,
      },
    });
    Validations.of(this.fn).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: NAG_REASONS.basicExecution,
      },
      { id: 'AwsSolutions-L1', reason: NAG_REASONS.runtime },
    );
  }
}
