import type { Caller } from './auth.ts';

// What one request reads twice, it reads once: each request has its own caller object (made when
// its token is verified), so results kept per caller live exactly as long as the request. This
// is the API's DataLoader: DynamoDB has no batched Query, so the gain is in not asking twice (a
// coach's page of interviews asks "may this coach read this student?" once per student, not per
// interview; two interviews with one contact load it once).

export const perRequest = <V>() => {
  const kept = new WeakMap<Caller, Map<string, Promise<V>>>();
  return (caller: Caller, key: string, load: () => Promise<V>): Promise<V> => {
    let mine = kept.get(caller);
    if (!mine) {
      mine = new Map();
      kept.set(caller, mine);
    }
    let value = mine.get(key);
    if (!value) {
      value = load();
      // a failed read is not kept: the next asker tries again
      value.catch(() => mine?.delete(key));
      mine.set(key, value);
    }
    return value;
  };
};
