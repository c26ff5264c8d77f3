declare const brand: unique symbol;

/** A nominal type: a `T` that only the functions which validate it can produce. */
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };

/** For exhaustive switches: a compile error when a case is missing, a loud failure at run time. */
export const assertNever = (value: never): never => {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
};
