import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineEvent, personal } from './events.ts';

describe('defineEvent', () => {
  it('finds the personal fields, nested, optional and in arrays', () => {
    const definition = defineEvent('QuestionsPrepared', {
      schema: z.object({
        interviewId: z.string(),
        note: personal(z.string()).optional(),
        questions: z.array(z.object({ id: z.string(), text: personal(z.string()) })),
        contact: z.object({ name: personal(z.string()), company: z.string() }),
      }),
    });
    expect(definition.personalPaths).toEqual([['note'], ['questions', '*', 'text'], ['contact', 'name']]);
  });

  it('requires an upcaster from every older schema version', () => {
    const schema = z.object({ text: z.string() });
    expect(() => defineEvent('NoteWritten', { schema, schemaVersion: 3, upcasters: { 1: (d) => d } })).toThrow(
      /no upcaster from schema version 2/,
    );
    expect(() => defineEvent('noteWritten', { schema })).toThrow(/PascalCase/);
  });
});
