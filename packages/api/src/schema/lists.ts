import { builder } from '../builder.ts';
import { type Page, page } from '../connections.ts';
import { type ContactView, callerOf } from '../context.ts';
import type { InterviewView } from '../interviews.ts';
import { Contact } from './contact.ts';
import { Interview, InterviewStatus } from './interview.ts';

export const PageInfo = builder.objectRef<Page<unknown>['pageInfo']>('PageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage'),
    startCursor: t.exposeString('startCursor', { nullable: true }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});

const InterviewEdge = builder.objectRef<Page<InterviewView>['edges'][number]>('InterviewEdge').implement({
  fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: Interview, resolve: (e) => e.node }) }),
});
export const InterviewConnection = builder.objectRef<Page<InterviewView>>('InterviewConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [InterviewEdge], resolve: (c) => [...c.edges] }),
    pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
  }),
});
const ContactEdge = builder.objectRef<Page<ContactView>['edges'][number]>('ContactEdge').implement({
  fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: Contact, resolve: (e) => e.node }) }),
});
const ContactConnection = builder.objectRef<Page<ContactView>>('ContactConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [ContactEdge], resolve: (c) => [...c.edges] }),
    pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
  }),
});

builder.queryField('myInterviews', (t) =>
  t.field({
    type: InterviewConnection,
    authScopes: { role: 'STUDENT' },
    args: {
      status: t.arg({ type: [InterviewStatus] }),
      first: t.arg.int(),
      after: t.arg.string(),
    },
    resolve: async (_root, args, ctx) => {
      const caller = callerOf(ctx);
      const ids = await ctx.app.lists.myInterviewIds(caller, args.status);
      return page(ids, args, (id) => ctx.app.interviews.get(caller, id));
    },
  }),
);

builder.queryField('myContacts', (t) =>
  t.field({
    type: ContactConnection,
    authScopes: { role: 'STUDENT' },
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const caller = callerOf(ctx);
      return page(await ctx.app.lists.myContactIds(caller), args, (id) => ctx.app.contacts.get(caller, id));
    },
  }),
);
