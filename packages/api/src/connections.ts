import { apiError } from './errors.ts';

// Relay connections over lists a view gives in order (a student's interviews or contacts:
// hundreds at most): the cursor is the item's id, opaque to clients; pages hold ≤ 100.

export const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;

export interface Page<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
}

const encode = (id: string) => Buffer.from(`c:${id}`).toString('base64url');
const decode = (cursor: string): string => {
  const raw = Buffer.from(cursor, 'base64url').toString();
  if (!raw.startsWith('c:')) throw apiError('BAD_USER_INPUT', 'after: not a cursor this API gave', { field: 'after' });
  return raw.slice(2);
};

/** The page of `ids` after `after`, its nodes loaded (those that cannot be read are left out). */
export const page = async <T>(
  ids: readonly string[],
  args: { first?: number | null | undefined; after?: string | null | undefined },
  load: (id: string) => Promise<T | null>,
  /** Told the page's ids before they are loaded one by one (to read what they share in one go). */
  prefetch?: (ids: readonly string[]) => void,
): Promise<Page<T>> => {
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
    throw apiError('BAD_USER_INPUT', `first: between 0 and ${MAX_PAGE}`, { field: 'first' });
  }
  const start = args.after ? ids.indexOf(decode(args.after)) + 1 : 0;
  if (args.after && start === 0)
    throw apiError('BAD_USER_INPUT', 'after: no such position in this list', { field: 'after' });
  const slice = ids.slice(start, start + first);
  prefetch?.(slice);
  const nodes = await Promise.all(slice.map(load));
  const edges = slice.flatMap((id, i) => {
    const node = nodes[i];
    return node === null || node === undefined ? [] : [{ cursor: encode(id), node }];
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: start + first < ids.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
};
