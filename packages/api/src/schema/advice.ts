import type { Advice as AdviceShape } from '@app/core';
import { builder } from '../builder.ts';

export type Advice = AdviceShape;

export const Advice = builder.objectRef<AdviceShape>('Advice').implement({
  description: 'What the rules advise about what was just done: a RULES.md code, a message, its source article.',
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
    source: t.string({ nullable: true, resolve: (a) => a.source ?? null }),
  }),
});
