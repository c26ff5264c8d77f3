import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';

// The isolation probes, generated from schema/schema.graphql rather than listed by hand: every
// Query and Mutation field gets one minimal valid operation per choice of tenant A's objects its
// ID arguments (and input fields) may name, chosen by the argument's name. An operation that
// names none of A's objects is skipped, and said so, so a new one shows up in the report.

/** Tenant A's objects an id may name. */
export type Kind = 'interview' | 'contact' | 'cohort' | 'student' | 'coach' | 'admin' | 'tenant';
export type KindIds = Readonly<Record<Kind, string>>;
export const KINDS: readonly Kind[] = ['interview', 'contact', 'cohort', 'student', 'coach', 'admin', 'tenant'];

/** The kinds of A's objects the first student owns (A's other student probes only these). */
export const STUDENT_OWNED: readonly Kind[] = ['interview', 'contact', 'student'];

/** An id of tenant A's, filled in when the operation is called. */
interface Slot {
  readonly slot: Kind;
}
type Value = string | number | boolean | Slot | readonly Value[] | { readonly [key: string]: Value };

const isSlot = (value: Value): value is Slot => typeof value === 'object' && value !== null && 'slot' in value;

/** An ID argument or input field, by its name: which of A's objects it names. */
const ID_KINDS: Readonly<Record<string, readonly Kind[]>> = {
  interviewId: ['interview'],
  contactId: ['contact'],
  referredByContactId: ['contact'],
  cohortId: ['cohort'],
  studentId: ['student'],
  coachId: ['coach'],
  memberId: ['student', 'coach', 'admin'],
  tenantId: ['tenant'],
};

/** `id`/`ids` arguments, by the type the field answers (an interface: any of A's objects). */
const ID_BY_TYPE: Readonly<Record<string, readonly Kind[]>> = {
  Interview: ['interview'],
  Contact: ['contact'],
  Cohort: ['cohort'],
  Student: ['student'],
  Member: ['student', 'coach', 'admin'],
  Tenant: ['tenant'],
};

/** Ids inside one of A's objects: made up, of the right shape, or the outreach's deadline. */
const MADE_UP: Readonly<Record<string, string>> = {
  questionId: `que_${'0'.repeat(25)}1`,
  commitmentId: `cmt_${'0'.repeat(25)}2`,
  deadlineId: 'FOLLOW_UP_DUE-2',
};

/** A generated operation: the field, the choice of A's objects it names, its text and variables. */
export interface Probe {
  readonly root: 'query' | 'mutation';
  readonly field: string;
  /** `assignCoach(input.cohortId=cohort, input.coachId=coach)` */
  readonly title: string;
  readonly query: string;
  readonly variables: Readonly<Record<string, Value>>;
  /** A's objects it names, in order. */
  readonly kinds: readonly Kind[];
  /** The field answers a list (`nodes`): an answer of nulls is a refusal too. */
  readonly list: boolean;
}

export interface Skipped {
  readonly root: 'query' | 'mutation';
  readonly field: string;
  readonly reason: string;
}

export interface Enumeration {
  readonly queryFields: readonly string[];
  readonly mutationFields: readonly string[];
  readonly probes: readonly Probe[];
  readonly skipped: readonly Skipped[];
  /** ID arguments or input fields whose name says nothing of what they name: map them above. */
  readonly unmapped: readonly string[];
  /** The fields taking an ID anywhere in their arguments (required or not): each must be probed. */
  readonly takingIds: readonly string[];
}

/** Every combination of one alternative per entry. */
const product = <T>(choices: readonly (readonly T[])[]): T[][] =>
  choices.reduce<T[][]>((acc, options) => acc.flatMap((prefix) => options.map((o) => [...prefix, o])), [[]]);

interface Context {
  /** The named type the field answers, for `id` and `ids`. */
  readonly answers: GraphQLNamedType;
  readonly unmapped: string[];
  /** Where in the arguments, for the unmapped report. */
  readonly at: string;
}

/** A short valid value for a scalar or enum, by its name and type. */
const leaf = (name: string, type: GraphQLNamedType): Value => {
  if (isEnumType(type)) return type.getValues()[0]?.value as string;
  switch (type.name) {
    case 'Int':
      return 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return '2026-11-02T10:00:00.000Z';
    case 'Date':
      return '2026-11-02';
    default:
      if (/email/i.test(name)) return 'probe@example.edu';
      if (/slug/i.test(name)) return 'probe-university';
      return 'Probe';
  }
};

/** The alternatives for one argument or input field (more than one where an id may name several kinds). */
const valuesOf = (name: string, type: GraphQLInputType, ctx: Context): Value[] => {
  const at = `${ctx.at}.${name}`;
  const inner = getNullableType(type);
  if (isListType(inner)) return valuesOf(name, inner.ofType, { ...ctx, at }).map((v) => [v]);
  const named = getNamedType(inner);
  const kinds =
    ID_KINDS[name] ?? ((name === 'id' || name === 'ids') && named.name === 'ID' ? kindsFor(ctx) : undefined);
  if (kinds) return kinds.map((slot) => ({ slot }));
  const madeUp = MADE_UP[name];
  if (madeUp !== undefined) return [madeUp];
  if (named.name === 'ID') {
    ctx.unmapped.push(at);
    return ['unmapped'];
  }
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields()).filter((f) => isNonNullType(f.type) || f.name in ID_KINDS);
    const alternatives = fields.map((f) => valuesOf(f.name, f.type, { ...ctx, at }));
    return product(alternatives).map((values) =>
      Object.fromEntries(fields.map((f, n) => [f.name, values[n] as Value])),
    );
  }
  return [leaf(name, named)];
};

const kindsFor = (ctx: Context): readonly Kind[] =>
  isAbstractType(ctx.answers) ? KINDS : (ID_BY_TYPE[ctx.answers.name] ?? []);

/** A's objects a value names, with where (`input.cohortId=cohort`). */
const slotsOf = (value: Value, path: string): [string, Kind][] => {
  if (isSlot(value)) return [[path, value.slot]];
  if (Array.isArray(value)) return value.flatMap((v: Value) => slotsOf(v, path));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => slotsOf(v as Value, `${path}.${k}`));
  return [];
};

/** Whether an argument's type has an ID anywhere in it (input objects searched through). */
const hasId = (type: GraphQLInputType, seen: Set<string> = new Set()): boolean => {
  const named = getNamedType(type);
  if (named.name === 'ID') return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => hasId(f.type, seen));
};

const probesOf = (root: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, unmapped: string[]): Probe[] => {
  const answers = getNamedType(field.type);
  const args = field.args.filter((a) => isNonNullType(a.type) || a.name in ID_KINDS);
  const ctx = { answers, unmapped, at: field.name };
  const selection = isObjectType(answers) || isAbstractType(answers) ? ' { __typename }' : '';
  const declared = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const query = args.length
    ? `${root} (${declared}) { ${field.name}(${passed})${selection} }`
    : `${root} { ${field.name}${selection} }`;
  return product(args.map((a) => valuesOf(a.name, a.type, ctx))).map((values) => {
    const variables = Object.fromEntries(args.map((a, n) => [a.name, values[n] as Value]));
    const slots = Object.entries(variables).flatMap(([k, v]) => slotsOf(v, k));
    return {
      root,
      field: field.name,
      title: `${field.name}(${slots.map(([path, kind]) => `${path}=${kind}`).join(', ')})`,
      query,
      variables,
      kinds: slots.map(([, kind]) => kind),
      list: isListType(getNullableType(field.type)),
    };
  });
};

export const SCHEMA_FILE = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));

/** Every Query and Mutation field of the schema, as probes with A's ids, or skipped with why. */
export const enumerate = (sdl: string = readFileSync(SCHEMA_FILE, 'utf8')): Enumeration => {
  const schema = buildSchema(sdl);
  const unmapped: string[] = [];
  const probes: Probe[] = [];
  const skipped: Skipped[] = [];
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const;
  for (const [root, type] of roots) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const generated = probesOf(root, field, unmapped);
      const naming = generated.filter((p) => p.kinds.length > 0);
      if (naming.length > 0) probes.push(...naming);
      else
        skipped.push({
          root,
          field: field.name,
          reason: field.args.length === 0 ? 'takes no arguments' : 'no argument or input field names an object of A',
        });
    }
  }
  return {
    queryFields: Object.keys(schema.getQueryType()?.getFields() ?? {}),
    mutationFields: Object.keys(schema.getMutationType()?.getFields() ?? {}),
    probes,
    skipped,
    unmapped,
    takingIds: roots.flatMap(([, type]) =>
      Object.values(type?.getFields() ?? {})
        .filter((f) => f.args.some((arg) => hasId(arg.type)))
        .map((f) => f.name),
    ),
  };
};

/** The probe's variables with A's ids filled in. */
export const variablesFor = (probe: Probe, ids: KindIds): Record<string, unknown> => {
  const fill = (value: Value): unknown => {
    if (isSlot(value)) return ids[value.slot];
    if (Array.isArray(value)) return value.map((v: Value) => fill(v));
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v as Value)]));
    return value;
  };
  return Object.fromEntries(Object.entries(probe.variables).map(([k, v]) => [k, fill(v)]));
};
