import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/**
 * A logger for the AWS SDK with nothing at info level. The SDK's default logger discards
 * everything, yet because it has an `info` method the SDK walks every request and every answer
 * to mask sensitive fields before handing them to it: about 5% of the API's CPU under load
 * (`pnpm load`). The SDK calls `info` only if there is one, so this logger spares the walk.
 */
const quiet = () => {};
export const SDK_LOGGER = { trace: quiet, debug: quiet, warn: quiet, error: quiet } as unknown as NonNullable<
  DynamoDBClientConfig['logger']
>;

/** What every DynamoDB client of ours is built with, in AWS and locally. */
export const DYNAMO_CLIENT_DEFAULTS = { logger: SDK_LOGGER } as const;
