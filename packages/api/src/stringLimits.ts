import { MAX_CHARS } from '@app/domain';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
} from 'graphql';
import { MAX_IDEMPOTENCY_KEY } from './commands.ts';
import { apiError } from './errors.ts';

// Every string a client sends has a stated maximum (DESIGN.md §7): written into the field's
// description, and checked on the coerced arguments before any resolver runs, so an oversized
// value is refused with the field's path — whether or not the domain would have looked at it.
// The maxima are the domain's own (MAX_CHARS), so the API never refuses what a decider accepts.

/** Input fields by name (or `Type.field` where one name means two things), and their maxima. */
const BY_NAME: Readonly<Record<string, number>> = {
  name: MAX_CHARS.name,
  adminName: MAX_CHARS.name,
  email: MAX_CHARS.email,
  adminEmail: MAX_CHARS.email,
  slug: MAX_CHARS.slug,
  term: MAX_CHARS.term,
  title: MAX_CHARS.title,
  company: MAX_CHARS.company,
  industry: MAX_CHARS.industry,
  reason: MAX_CHARS.reason,
  goals: MAX_CHARS.goal,
  message: MAX_CHARS.message,
  location: MAX_CHARS.location,
  notes: MAX_CHARS.notes,
  impressions: MAX_CHARS.impressions,
  description: MAX_CHARS.commitment,
  note: MAX_CHARS.note,
  outcome: MAX_CHARS.outcome,
  'AddResearchNoteInput.text': MAX_CHARS.researchNote,
  'AddQuestionInput.text': MAX_CHARS.question,
  idempotencyKey: MAX_IDEMPOTENCY_KEY,
  deadlineId: MAX_CHARS.id,
  // IANA zone names are short ("America/Argentina/ComodRivadavia" is among the longest)
  timeZone: 64,
};
/** Ids: stream ids are at most 128 characters, prefixed global ids a little more. */
const ID_MAX = 160;
/** What every id this API gives is made of (stream ids, user ids): anything else is no id at all. */
const ID_SHAPE = /^[A-Za-z0-9_.:-]+$/;
/** Any other string (cursors, mostly). */
const STRING_MAX = 200;

/** The maximum of a String or ID input named `name` of `owner` (a type or a field), or `undefined` for other types. */
export const maxCharsOf = (owner: string, name: string, type: GraphQLInputType): number | undefined => {
  const scalar = getNamedType(type).name;
  if (scalar === 'ID') return ID_MAX;
  if (scalar !== 'String') return undefined;
  return BY_NAME[`${owner}.${name}`] ?? BY_NAME[name] ?? STRING_MAX;
};

const describe = (input: GraphQLArgument | GraphQLInputField, max: number) => {
  const note = `At most ${max.toLocaleString('en-US')} characters.`;
  if (!input.description?.includes(note)) input.description = input.description ? `${input.description} ${note}` : note;
};

/** Checks a coerced value against its type's maxima; `path` names it in the error. */
const check = (value: unknown, type: GraphQLInputType, max: number | undefined, path: string): void => {
  if (value === null || value === undefined) return;
  const bare = getNullableType(type);
  if (isListType(bare)) {
    for (const [i, item] of (value as unknown[]).entries()) check(item, bare.ofType, max, `${path}[${i}]`);
    return;
  }
  if (isInputObjectType(bare)) {
    for (const field of Object.values(bare.getFields())) {
      const v = (value as Record<string, unknown>)[field.name];
      check(v, field.type, maxCharsOf(bare.name, field.name, field.type), `${path}.${field.name}`);
    }
    return;
  }
  if (typeof value !== 'string') return;
  const field = (path.split('.').at(-1) ?? path).replace(/\[\d+\]$/, '');
  if (max !== undefined && value.length > max) {
    throw apiError('BAD_USER_INPUT', `${path}: at most ${max} characters, got ${value.length}`, { field });
  }
  if (getNamedType(bare).name === 'ID' && !ID_SHAPE.test(value)) {
    const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    throw apiError(
      'BAD_USER_INPUT',
      `${path}: ${shown} is not an id this API gives (letters, digits and _ . : - only)`,
      {
        field,
      },
    );
  }
};

/** States and enforces the maxima on every string argument and input field of the schema. */
export const limitStrings = (schema: GraphQLSchema): GraphQLSchema => {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (type instanceof GraphQLInputObjectType) {
      for (const field of Object.values(type.getFields())) {
        const max = maxCharsOf(type.name, field.name, field.type);
        if (max !== undefined) describe(field, max);
      }
    }
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      const limited = field.args.filter((a) => hasStrings(a.type));
      if (limited.length === 0) continue;
      for (const arg of limited) {
        const max = maxCharsOf(field.name, arg.name, arg.type);
        if (max !== undefined) describe(arg, max);
      }
      const resolve = field.resolve;
      if (!resolve) continue;
      field.resolve = (source, args: Record<string, unknown>, context, info) => {
        for (const arg of limited)
          check(args[arg.name], arg.type, maxCharsOf(field.name, arg.name, arg.type), arg.name);
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
};

/** Whether a type holds strings anywhere (a String or ID, or an input object with one, however deep). */
const hasStrings = (type: GraphQLInputType, seen = new Set<string>()): boolean => {
  const named = getNamedType(type);
  if (named.name === 'String' || named.name === 'ID') return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => hasStrings(f.type, seen));
};
