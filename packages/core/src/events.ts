import * as z from 'zod';
import { AppError } from './errors.ts';

/** Personal-data marks: a field registered here is encrypted under its subject's key. */
const personalRegistry = z.registry<{ personal: true }>();

/** Marks a string field as personal data (names, emails, messages, notes, question texts). */
export const personal = <S extends z.ZodString>(schema: S): S => {
  personalRegistry.add(schema, { personal: true });
  return schema;
};

/** What a reader sees in place of a personal field whose subject's key has been erased. */
export const ERASED = '[erased]';

/** A path to a personal field; `'*'` stands for every element of an array. */
export type FieldPath = readonly string[];

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface EventDefinition<Type extends string = string, Schema extends z.ZodObject = z.ZodObject> {
  readonly type: Type;
  readonly schemaVersion: number;
  readonly schema: Schema;
  /** `upcasters[v]` turns the shape of version v into the shape of version v + 1. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
  readonly personalPaths: readonly FieldPath[];
}

/** The event a definition describes, as deciders produce it. */
export type EventOf<D> =
  D extends EventDefinition<infer Type, infer Schema> ? { type: Type; data: z.output<Schema> } : never;

export class EventDefinitionError extends AppError<'EVENT_DEFINITION'> {
  constructor(type: string, problem: string) {
    super('EVENT_DEFINITION', `event type ${type}: ${problem}`, { type });
  }
}

const unwrap = (schema: z.ZodType): z.ZodType => {
  let current = schema;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodNullable ||
    current instanceof z.ZodDefault ||
    current instanceof z.ZodReadonly
  ) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
};

const findPersonalPaths = (schema: z.ZodType, prefix: FieldPath = []): FieldPath[] => {
  if (personalRegistry.has(schema)) return [prefix];
  const inner = unwrap(schema);
  if (inner !== schema) return findPersonalPaths(inner, prefix);
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, field]) =>
      findPersonalPaths(field, [...prefix, key]),
    );
  }
  if (inner instanceof z.ZodArray) return findPersonalPaths(inner.element as z.ZodType, [...prefix, '*']);
  return [];
};

/**
 * Declares an event type once: its payload schema, its schema version, the upcasters that
 * bring older shapes up to date, and (from `personal()` marks) the fields to encrypt.
 */
export const defineEvent = <Type extends string, Schema extends z.ZodObject>(
  type: Type,
  options: { schema: Schema; schemaVersion?: number; upcasters?: Record<number, Upcaster> },
): EventDefinition<Type, Schema> => {
  const schemaVersion = options.schemaVersion ?? 1;
  const upcasters = options.upcasters ?? {};
  if (!/^[A-Z][A-Za-z0-9]*$/.test(type)) throw new EventDefinitionError(type, 'the name must be PascalCase');
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new EventDefinitionError(type, 'schemaVersion must be a positive integer');
  }
  for (let version = 1; version < schemaVersion; version++) {
    if (!upcasters[version]) throw new EventDefinitionError(type, `no upcaster from schema version ${version}`);
  }
  return { type, schemaVersion, schema: options.schema, upcasters, personalPaths: findPersonalPaths(options.schema) };
};
