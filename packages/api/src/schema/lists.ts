import { builder } from '../builder.ts';
import { page } from '../connections.ts';
import { callerOf } from '../context.ts';
import { connection } from './connection.ts';
import { Contact } from './contact.ts';
import { Interview, InterviewStatus } from './interview.ts';

export const InterviewConnection = connection('Interview', Interview);
const ContactConnection = connection('Contact', Contact);

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
