import { EVENTS_TABLE, VIEWS_TABLE } from '@app/tables';
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { tableFromDefinition } from '../constructs/tableFromDefinition.ts';

export interface DataStackProps extends StackProps {
  readonly stage: string;
}

/**
 * The events table (with its stream and the tenant log index), the views table, and the KMS key
 * that wraps the per-student data keys (DESIGN.md §8: erasing a student deletes its data key).
 */
export class DataStack extends Stack {
  readonly events: TableV2;
  readonly views: TableV2;
  /** The master key: the API and the erasure path wrap and unwrap data keys with it. */
  readonly dataKey: Key;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const production = props.stage === 'prod';
    this.events = tableFromDefinition(this, 'Events', { definition: EVENTS_TABLE, production });
    this.views = tableFromDefinition(this, 'Views', { definition: VIEWS_TABLE, production });
    this.dataKey = new Key(this, 'DataKey', {
      description: `${props.stage}: wraps the per-student data keys of personal fields`,
      enableKeyRotation: true,
      // a deleted master key would make every student's personal data unreadable
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
