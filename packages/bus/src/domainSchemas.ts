import type { EventDefinition } from '@app/core';
import { DOMAIN_EVENTS } from '@app/domain';

// What the domain's event declarations say about a field (its JSON Schema): what the public
// catalog prints beside each public field, and what tests check the allow-list against.

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
}

export interface DomainEventInfo {
  readonly streamType: string;
  readonly definition: EventDefinition;
  readonly json: JsonSchema;
}

/** Every domain event type with its stream type, its definition and its payload's JSON Schema, in catalog order. */
export const domainEvents = (): ReadonlyMap<string, DomainEventInfo> =>
  new Map(
    Object.entries(DOMAIN_EVENTS).flatMap(([streamType, definitions]) =>
      definitions.map((definition) => [
        definition.type,
        {
          streamType,
          definition,
          json: definition.schema.toJSONSchema({ unrepresentable: 'any' }) as JsonSchema,
        },
      ]),
    ),
  );

const isNull = (schema: JsonSchema) => schema.type === 'null';

/** A schema without its `null` alternative, and whether it had one. */
export const withoutNull = (schema: JsonSchema): { schema: JsonSchema; nullable: boolean } => {
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const types = schema.type.filter((t) => t !== 'null');
    return { schema: { ...schema, type: types.length === 1 ? types[0] : types }, nullable: true };
  }
  const options = schema.anyOf?.filter((option) => !isNull(option));
  if (options && options.length === 1 && schema.anyOf?.some(isNull)) {
    return { schema: options[0] as JsonSchema, nullable: true };
  }
  return { schema, nullable: false };
};

/** The schema of the field at a dot path, whether it may be null, and whether it is always there. */
export const schemaAt = (
  root: JsonSchema,
  path: string,
): { schema: JsonSchema; nullable: boolean; required: boolean } | undefined => {
  let current: JsonSchema = root;
  let nullable = false;
  let required = true;
  for (const key of path.split('.')) {
    const parent = withoutNull(current).schema;
    const child = parent.properties?.[key];
    if (!child) return undefined;
    required &&= parent.required?.includes(key) ?? false;
    ({ schema: current, nullable } = withoutNull(child));
  }
  return { schema: current, nullable, required };
};
