import { builder } from '../builder.ts';
import { limitStrings } from '../stringLimits.ts';
import './advice.ts';
import './contact.ts';
import './interview.ts';
import './insight.ts';
import './interviewMutations.ts';
import './lists.ts';
import './nudges.ts';
import './people.ts';
import './tenant.ts';
import './viewer.ts';

/** The API's schema, every type registered. */
export const schema = limitStrings(builder.toSchema({ sortSchema: false }));
