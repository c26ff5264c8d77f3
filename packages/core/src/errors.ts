/**
 * Base of every expected failure. Told apart by `code`, never by `instanceof`: bundling can
 * load a class twice, and then `instanceof` lies.
 */
export class AppError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** True when `error` is an {@link AppError} with the given code (or any code when none is given). */
export const isAppError = <Code extends string>(error: unknown, code?: Code): error is AppError<Code> =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  typeof (error as { code: unknown }).code === 'string' &&
  error instanceof Error &&
  (code === undefined || (error as { code: string }).code === code);
