// Why each cdk-nag AwsSolutions finding this app acknowledges is acceptable: one place for the
// reasons, used where the finding is.

export const NAG_REASONS = {
  basicExecution: 'the basic execution policy only lets a function write its own logs (CreateLogStream, PutLogEvents)',
  runtime:
    'nodejs22.x is the runtime the platform targets and tests (DESIGN.md, VERSIONS.md): moving is a decision of its own',
  tableIndexes:
    "DynamoDB addresses a table's indexes (gsi1, the tenant log) as <table>/index/*: the grant covers this table's own indexes only",
  scheduleGroup:
    "schedules are created at run time, one per deadline, with names derived from it: the grant is limited to this stage's group",
  deadLetterQueue: 'a dead-letter queue needs no dead-letter queue of its own',
  healthRoute:
    'GET /health answers whether the API runs and reads no data: load balancers and monitors call it unauthenticated',
  mfa: "MFA is offered to every user (optional, authenticator app); requiring it of every student is each university's decision",
  featurePlan:
    'the Essentials plan carries the V2 pre-token trigger; Plus adds threat protection at a price per user, a decision per deployment',
} as const;
