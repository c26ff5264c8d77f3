import { builder } from '../builder.ts';
import './tenant.ts';
import './viewer.ts';

/** The API's schema, every type registered. */
export const schema = builder.toSchema({ sortSchema: false });
