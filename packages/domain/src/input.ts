import { InvalidInputError } from './errors.ts';

/**
 * The most characters each kind of text may have: what the deciders enforce, and what the API
 * states on every string input (and checks before a resolver runs).
 */
export const MAX_CHARS = {
  name: 200,
  email: 254,
  slug: 40,
  term: 100,
  title: 200,
  company: 200,
  industry: 200,
  reason: 500,
  goal: 300,
  message: 5_000,
  location: 300,
  researchNote: 5_000,
  question: 500,
  notes: 10_000,
  impressions: 5_000,
  commitment: 500,
  note: 2_000,
  outcome: 500,
  id: 100,
} as const;

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
  const email = text('email', raw, { max: MAX_CHARS.email }).toLowerCase();
  if (!EMAIL.test(email)) throw new InvalidInputError('email', `"${raw}" is not an email address`);
  return email;
};
