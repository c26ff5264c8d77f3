import { ERASED } from '@app/core';
import { describe, expect, it } from 'vitest';
import { atPointer } from './catalog.ts';
import { catalog } from './fixtures/counter.ts';

describe('the event catalog', () => {
  it('validates on write and lists the personal fields present', () => {
    expect(catalog.forWrite('NoteWritten', { text: 'hi', tags: ['a'] })).toEqual({
      data: { text: 'hi', tags: ['a'] },
      schemaVersion: 2,
      personal: [['text']],
    });
    expect(() => catalog.forWrite('NoteWritten', { text: '', extra: 1 })).toThrow(
      /NoteWritten is invalid on write: text: .*; \(payload\): Unrecognized key/,
    );
    expect(() => catalog.forWrite('Nope', {})).toThrow(/not in the catalog/);
  });

  it('upcasts old versions and refuses versions from the future', () => {
    expect(catalog.forRead('NoteWritten', 1, { body: 'old' })).toEqual({ text: 'old', tags: [] });
    expect(() => catalog.forRead('NoteWritten', 3, { text: 'x' })).toThrow(/stored schema version 3/);
  });

  it('tolerates the erased marker where a field was erased, and nothing else', () => {
    const strict = catalog.forRead.bind(catalog);
    expect(strict('NoteWritten', 2, { text: ERASED, tags: [] }, [['text']])).toEqual({ text: ERASED, tags: [] });
    expect(() => strict('NoteWritten', 2, { text: ERASED, tags: 'x' }, [['text']])).toThrow(/tags/);
  });

  it('reads and replaces values at a pointer', () => {
    const data = { a: [{ b: 'x' }, { b: 'y' }] };
    atPointer(data, ['a', 1, 'b'], (v) => `${v}!`);
    expect(atPointer(data, ['a', 1, 'b'])).toBe('y!');
  });
});
