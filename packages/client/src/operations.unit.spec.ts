import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ResultOf, TypedDocumentNode, VariablesOf } from '@graphql-typed-document-node/core';
import { buildSchema, type DocumentNode, Kind, parse, validate } from 'graphql';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { generateClient, generatedFile, operationFiles } from './codegen.ts';
import type {
  CohortDashboardQuery,
  InterviewQuery,
  InterviewQueryVariables,
  InterviewStatus,
  RecordOutreachMutationVariables,
} from './index.ts';
import * as client from './index.ts';

const schema = buildSchema(readFileSync(resolve(import.meta.dirname, '../../../schema/schema.graphql'), 'utf8'));
const messages = (document: DocumentNode) => validate(schema, document).map((e) => e.message);
const documentOf = (file: string) => parse(readFileSync(file, 'utf8'));
const operationsOf = (document: DocumentNode) =>
  document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);

describe('the example operations (schema/operations/)', () => {
  it('are all there', () => {
    expect(operationFiles().map((file) => basename(file))).toEqual(
      expect.arrayContaining(['admin-setup.graphql', 'coach-dashboard.graphql', 'student-flow.graphql']),
    );
  });

  it.each(operationFiles().map((file) => [basename(file), file]))(
    '%s parses and validates against the printed schema',
    (_name, file) => {
      const document = documentOf(file);
      const operations = operationsOf(document);
      expect(operations.length).toBeGreaterThan(0);
      // named, so that each gets its own generated types
      expect(operations.filter((o) => !o.name)).toEqual([]);
      expect(messages(document)).toEqual([]);
    },
  );
});

describe('the generated client (generated.ts)', () => {
  it('is what `pnpm codegen` makes from the schema and the operations now', async () => {
    expect(
      readFileSync(generatedFile, 'utf8'),
      'generated.ts is stale: run `pnpm codegen` after changing schema/operations/ or the schema',
    ).toBe(await generateClient());
  });

  it('has one document per operation, each valid on its own (its fragments included)', () => {
    const operations = operationFiles().flatMap((file) => operationsOf(documentOf(file)));
    const documents = Object.entries(client).filter(([name]) => name.endsWith('Document'));
    expect(documents.map(([name]) => name).sort()).toEqual(operations.map((o) => `${o.name?.value}Document`).sort());
    for (const [name, document] of documents) expect(messages(document), name).toEqual([]);
  });

  // Checked by `pnpm typecheck` (tsc includes the spec files); at run time these are no-ops.
  it('types results and variables by the operations', () => {
    type Interview = NonNullable<InterviewQuery['interview']>;
    expectTypeOf<Interview['status']>().toEqualTypeOf<InterviewStatus>();
    expectTypeOf<Interview['nextDeadline']>().toEqualTypeOf<{ kind: string; dueAt: string } | null>();
    expectTypeOf<Interview['timeline'][number]>().toEqualTypeOf<{
      version: number;
      type: string;
      occurredAt: string;
    }>();
    expectTypeOf(client.InterviewDocument).toEqualTypeOf<TypedDocumentNode<InterviewQuery, InterviewQueryVariables>>();
    expectTypeOf<VariablesOf<typeof client.InterviewDocument>>().toEqualTypeOf<InterviewQueryVariables>();
    expectTypeOf<RecordOutreachMutationVariables['idempotencyKey']>().toEqualTypeOf<string>();
    type Analytics = NonNullable<ResultOf<typeof client.CohortDashboardDocument>['cohort']>['analytics'];
    expectTypeOf<Analytics>().toEqualTypeOf<NonNullable<CohortDashboardQuery['cohort']>['analytics']>();
    expectTypeOf<Analytics['atRiskStudents'][number]['reasons']>().toEqualTypeOf<string[]>();
    expectTypeOf<Analytics['replyRate']>().toEqualTypeOf<number | null>();
  });
});
