import type { ObjectRef } from '@pothos/core';
import { builder } from '../builder.ts';
import type { Page } from '../connections.ts';

// Relay connections (DESIGN.md §7): one `{Name}Connection` and `{Name}Edge` per node type, all
// with the same PageInfo.

export const PageInfo = builder.objectRef<Page<unknown>['pageInfo']>('PageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage'),
    startCursor: t.exposeString('startCursor', { nullable: true }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The connection type of a node type: `{Name}Connection { edges { cursor node } pageInfo }`. */
export const connection = <T extends object>(name: string, node: ObjectRef<Types, T>) => {
  const Edge = builder.objectRef<Page<T>['edges'][number]>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor'),
      // Pothos's resolver result type is conditional on T, which TypeScript cannot resolve for a
      // generic T; the node is a T, as the ref says
      node: t.field({ type: node, resolve: (e) => e.node as never }),
    }),
  });
  return builder.objectRef<Page<T>>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.field({ type: [Edge], resolve: (c) => [...c.edges] }),
      pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
    }),
  });
};
