import type { EventDefinition, FieldPath } from '@app/core';
import type * as z from 'zod';
import { InvalidEventError, UnknownEventTypeError } from './errors.ts';

/** A concrete place in a payload: object keys and array indexes. */
export type Pointer = readonly (string | number)[];

const describeIssues = (issues: readonly z.core.$ZodIssue[]): string[] =>
  issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(payload)'}: ${issue.message}`);

/** Expands a schema path (with `*` for array elements) over a payload into the pointers present. */
const expand = (value: unknown, path: FieldPath, at: Pointer = []): Pointer[] => {
  if (path.length === 0) return typeof value === 'string' ? [at] : [];
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*')
    return Array.isArray(value) ? value.flatMap((item, index) => expand(item, rest, [...at, index])) : [];
  if (typeof value !== 'object' || value === null || !(head in value)) return [];
  return expand((value as Record<string, unknown>)[head], rest, [...at, head]);
};

/** Reads (`update` omitted) or replaces the value at a pointer, in place. */
export const atPointer = (root: unknown, pointer: Pointer, update?: (value: unknown) => unknown): unknown => {
  let parent = root as Record<string | number, unknown>;
  for (const part of pointer.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  const last = pointer[pointer.length - 1] as string | number;
  if (update) parent[last] = update(parent[last]);
  return parent[last];
};

/** A copy of `root` that shares nothing along the pointers' paths, so those can be replaced. */
export const copyAlong = <T>(root: T, pointers: readonly Pointer[]): T => {
  const copy = (Array.isArray(root) ? [...root] : { ...root }) as Record<string | number, unknown>;
  const children = new Map<string | number, Pointer[]>();
  for (const [head, ...rest] of pointers) {
    if (head === undefined || rest.length === 0) continue;
    children.set(head, [...(children.get(head) ?? []), rest]);
  }
  for (const [head, rests] of children) copy[head] = copyAlong(copy[head], rests);
  return copy as T;
};

/** Every event type the store may hold: validation on write, upcasting and validation on read. */
export class EventCatalog {
  private readonly definitions = new Map<string, EventDefinition>();

  constructor(definitions: Iterable<EventDefinition>) {
    for (const definition of definitions) {
      if (this.definitions.has(definition.type)) throw new Error(`event type ${definition.type} is defined twice`);
      this.definitions.set(definition.type, definition);
    }
  }

  get types(): string[] {
    return [...this.definitions.keys()];
  }

  definition(type: string): EventDefinition {
    const definition = this.definitions.get(type);
    if (!definition) throw new UnknownEventTypeError(type);
    return definition;
  }

  /** True when a stored schema version is the current one (nothing to upcast). */
  isCurrent(type: string, schemaVersion: number): boolean {
    return this.definition(type).schemaVersion === schemaVersion;
  }

  /** Validates a payload for writing: the parsed payload, its schema version and its personal fields. */
  forWrite(type: string, data: unknown): { data: Record<string, unknown>; schemaVersion: number; personal: Pointer[] } {
    const definition = this.definition(type);
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw new InvalidEventError(type, describeIssues(parsed.error.issues), 'write');
    const payload = parsed.data as Record<string, unknown>;
    return {
      data: payload,
      schemaVersion: definition.schemaVersion,
      personal: definition.personalPaths.flatMap((path) => expand(payload, path)),
    };
  }

  /**
   * Brings a stored payload up to the current schema and validates it. `opaque` fields (erased,
   * or still sealed) were checked when written; a complaint about them alone is expected.
   */
  forRead(type: string, schemaVersion: number, data: Record<string, unknown>, opaque: readonly Pointer[] = []) {
    const definition = this.definition(type);
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > definition.schemaVersion) {
      throw new InvalidEventError(
        type,
        [`stored schema version ${schemaVersion} is not one this code knows (1–${definition.schemaVersion})`],
        'read',
      );
    }
    let current = data;
    for (let version = schemaVersion; version < definition.schemaVersion; version++) {
      current = (definition.upcasters[version] as (d: Record<string, unknown>) => Record<string, unknown>)(current);
    }
    const parsed = definition.schema.safeParse(current);
    if (parsed.success) return parsed.data as Record<string, unknown>;
    const unchecked = new Set(opaque.map((pointer) => pointer.join('.')));
    const problems = parsed.error.issues.filter((issue) => !unchecked.has(issue.path.join('.')));
    if (problems.length > 0) throw new InvalidEventError(type, describeIssues(problems), 'read');
    return current;
  }
}
