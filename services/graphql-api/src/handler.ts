import { createHandler } from './api.ts';
import { lambdaDeps } from './deps.ts';

// The GraphQL Lambda as deployed: its parts from the stack's environment (deps.ts).

export const handler = createHandler(lambdaDeps());
