import { InvalidInputError } from './errors.ts';

/** Checks a string input: trimmed length within bounds. */
export const text = (field: string, value: string, { min = 1, max }: { min?: number; max: number }): string => {
  const trimmed = value.trim();
  if (trimmed.length < min)
    throw new InvalidInputError(field, min === 1 ? 'must not be empty' : `must have at least ${min} characters`);
  if (trimmed.length > max)
    throw new InvalidInputError(field, `must have at most ${max} characters, got ${trimmed.length}`);
  return trimmed;
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The form an email is compared in (case-folded, trimmed): the email guard is built from it. */
export const normalizeEmail = (raw: string): string => {
  const email = text('email', raw, { max: 254 }).toLowerCase();
  if (!EMAIL.test(email)) throw new InvalidInputError('email', `"${raw}" is not an email address`);
  return email;
};
