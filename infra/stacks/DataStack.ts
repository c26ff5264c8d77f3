import { EVENTS_TABLE, VIEWS_TABLE } from '@app/tables';
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableFromDefinition } from '../constructs/tableFromDefinition.ts';

export interface DataStackProps extends StackProps {
  readonly stage: string;
}

/** The events table (with its stream and the tenant log index) and the views table. */
export class DataStack extends Stack {
  readonly events: TableV2;
  readonly views: TableV2;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const production = props.stage === 'prod';
    this.events = tableFromDefinition(this, 'Events', { definition: EVENTS_TABLE, production });
    this.views = tableFromDefinition(this, 'Views', { definition: VIEWS_TABLE, production });
  }
}
