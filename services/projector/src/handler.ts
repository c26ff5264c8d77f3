import { streamBatchHandler } from '@app/streams';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createProjector, lambdaDeps } from './deps.ts';

// The projector Lambda: one DynamoDB Streams batch in, partial batch failures out.

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(
  streamBatchHandler(createProjector(lambdaDeps())),
);
