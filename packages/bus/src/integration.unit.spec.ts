import { PLATFORM } from '@app/core';
import { streamRef } from '@app/event-store';
import { domainCatalog } from '@app/views';
import { describe, expect, it } from 'vitest';
import { domainEvents, schemaAt } from './domainSchemas.ts';
import { recorded, sampleOf, setAt, TENANT } from './fixtures.ts';
import { ENVELOPE_FIELDS, IntegrationMappingError, toIntegrationEvent } from './integration.ts';
import { type FieldKind, PUBLICATION, type PublicationTable, type Published } from './publicEvents.ts';

const MARK = 'zz_marker';
/** Id-shaped, so a kind check cannot be what keeps it out: only the allow-list can. */
const marker = (type: string, path: string) => `${MARK}_${type}_${path.replaceAll('.', '_')}`;

const publishedFields = (type: string, table: PublicationTable = PUBLICATION) => {
  const publication = table[type];
  return publication?.publish ? publication.fields : {};
};

/** Text of the shape a public field's kind asks for (the schema says only "string"), else an id-like word. */
const plainFor = (type: string) => (path: string) => {
  const from = path.replace(/\.\d+$/, '');
  const kind = Object.values(publishedFields(type)).find((f) => f.from === from)?.kind;
  if (kind === 'eventType') return 'FollowUpSent';
  if (kind === 'enum' || kind === 'enums') return 'QUESTION_COUNT';
  return `x_${path.replaceAll('.', '_')}`;
};

/** A valid payload of `type` whose personal fields hold markers. */
const withPersonalMarked = (type: string) => {
  const info = domainEvents().get(type);
  if (!info) throw new Error(type);
  const data = sampleOf(info.json, plainFor(type));
  for (const path of info.definition.personalPaths) setAt(data, path, (at) => marker(type, at));
  return { data, info };
};

/** The event types whose integration event shows a personal field's marker. */
const leaks = (table: PublicationTable): string[] =>
  domainCatalog().types.filter((type) => {
    const { data } = withPersonalMarked(type);
    return JSON.stringify(toIntegrationEvent(recorded(type, data), table) ?? {}).includes(MARK);
  });

const SCHEMA_TYPES: Readonly<Record<FieldKind, string>> = {
  id: 'string',
  ids: 'array of string',
  enum: 'string',
  enums: 'array of string',
  time: 'string',
  times: 'array of string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  eventType: 'string',
};

describe('the publication table', () => {
  it('decides for every event type of the domain catalog, and for nothing else', () => {
    expect(Object.keys(PUBLICATION).sort()).toEqual(domainCatalog().types.sort());
  });

  it('allow-lists only fields the schema has, none of them personal, each of a kind its schema type fits', () => {
    for (const [type, info] of domainEvents()) {
      const personal = info.definition.personalPaths.map((path) => path.filter((p) => p !== '*').join('.'));
      for (const [name, field] of Object.entries(publishedFields(type))) {
        const at = schemaAt(info.json, field.from);
        expect(at, `${type}.${name}`).toBeDefined();
        expect(personal, `${type}.${name} is personal`).not.toContain(field.from);
        const schemaType = at?.schema.type === 'array' ? `array of ${at.schema.items?.type}` : at?.schema.type;
        const fits = SCHEMA_TYPES[field.kind] === schemaType || (field.kind === 'number' && schemaType === 'integer');
        expect([type, name, field.kind, fits]).toEqual([type, name, field.kind, true]);
      }
    }
  });

  it('allow-lists no text: no string with a maximum length (how the domain bounds what people write)', () => {
    const texts: string[] = [];
    for (const [type, info] of domainEvents()) {
      for (const [name, field] of Object.entries(publishedFields(type))) {
        const at = schemaAt(info.json, field.from);
        const strings = at?.schema.type === 'array' ? at.schema.items : at?.schema;
        if (strings?.type === 'string' && strings.maxLength !== undefined) texts.push(`${type}.${name}`);
      }
    }
    expect(texts).toEqual([]);
    // a company name has no maximum where it is a deadline's context: named here, never listed
    expect(publishedFields('SecondContactDue')).not.toHaveProperty('organization');
  });

  it('names no public field after a field of the envelope the stream fills', () => {
    for (const [type, info] of domainEvents()) {
      const studentStream = info.streamType === 'Interview' || info.streamType === 'Contact';
      const taken = ENVELOPE_FIELDS.filter((f) => studentStream || (f !== 'studentId' && f !== 'cohortIds'));
      for (const name of Object.keys(publishedFields(type))) expect(taken, type).not.toContain(name);
    }
  });
});

describe('an integration event', () => {
  it('holds no personal field of any event type of the domain catalog', () => {
    let personalFields = 0;
    for (const type of domainCatalog().types) {
      const { data, info } = withPersonalMarked(type);
      expect(info.definition.schema.safeParse(data).success, `the sample ${type} is a valid event`).toBe(true);
      personalFields += info.definition.personalPaths.length;
      const event = toIntegrationEvent(recorded(type, data));
      expect(JSON.stringify(event ?? {}), type).not.toContain(MARK);
      // and it is no empty shell: every allow-listed field of the sample is there
      if (PUBLICATION[type as keyof typeof PUBLICATION].publish) {
        expect(Object.keys(event?.detail ?? {})).toEqual(expect.arrayContaining(Object.keys(publishedFields(type))));
      } else expect(event).toBeNull();
    }
    expect(personalFields).toBeGreaterThanOrEqual(20);
  });

  it('holds no free text either: only the envelope and the allow-listed fields leave', () => {
    for (const [type, info] of domainEvents()) {
      const allowed = new Set(Object.values(publishedFields(type)).map((f) => f.from));
      const data = sampleOf(info.json, (path) => {
        const field = path.replace(/\.\d+$/, '');
        return allowed.has(field) ? plainFor(type)(path) : marker(type, path);
      });
      const event = toIntegrationEvent(recorded(type, data));
      expect(JSON.stringify(event ?? {}), type).not.toContain(MARK);
      const names = [...ENVELOPE_FIELDS, ...Object.keys(publishedFields(type))];
      expect(names).toEqual(expect.arrayContaining(Object.keys(event?.detail ?? {})));
    }
  });

  it('would show the marker if a personal field were allow-listed (the check above can fail)', () => {
    const contactAdded = PUBLICATION.ContactAdded as Published;
    const leaky: PublicationTable = {
      ...PUBLICATION,
      ContactAdded: {
        ...contactAdded,
        fields: { ...contactAdded.fields, name: { from: 'name', kind: 'id', about: '' } },
      },
      InterviewPlanned: {
        publish: true,
        about: '',
        fields: { goals: { from: 'goals', kind: 'ids', about: '' } },
      },
    };
    expect(leaks(PUBLICATION)).toEqual([]);
    expect(leaks(leaky)).toEqual(['ContactAdded', 'InterviewPlanned']);
  });

  it('is the envelope and the public fields, exactly', () => {
    const event = recorded(
      'OutreachSent',
      {
        channel: 'EMAIL',
        message: 'Dear Pat, …',
        proposedTimes: ['2026-09-03T15:00:00.000Z'],
        mentionedReferrer: null,
        statedPurpose: true,
        replyDeadline: { kind: 'FOLLOW_UP_DUE', dueAt: '2026-09-08T09:00:00.000Z' },
        secondContactDueAt: null,
      },
      { streamId: 'int_01HZX3V6N8Q2J4K5M7P9R0S1T4', version: 4, subject: 'usr_ada', cohorts: ['coh_A'] },
    );
    expect(toIntegrationEvent(event)).toEqual({
      source: 'informational-interviews',
      detailType: 'Interview.OutreachSent.v1',
      detail: {
        specVersion: 1,
        eventId: event.meta.eventId,
        tenantId: TENANT,
        streamType: 'Interview',
        streamId: 'int_01HZX3V6N8Q2J4K5M7P9R0S1T4',
        version: 4,
        occurredAt: '2026-09-01T09:00:00.000Z',
        recordedAt: '2026-09-01T09:00:00.250Z',
        studentId: 'usr_ada',
        cohortIds: ['coh_A'],
        channel: 'EMAIL',
        proposedTimes: ['2026-09-03T15:00:00.000Z'],
        mentionedReferrer: null,
        statedPurpose: true,
        replyDeadlineKind: 'FOLLOW_UP_DUE',
        replyDueAt: '2026-09-08T09:00:00.000Z',
        secondContactDueAt: null,
      },
    });
  });

  it('names the student of an enrolment as a field, and gives streams no student owns no student or cohorts', () => {
    const enrolled = toIntegrationEvent(recorded('StudentEnrolled', { studentId: 'usr_ada' }, { subject: 'x' }));
    expect(enrolled?.detailType).toBe('Cohort.StudentEnrolled.v1');
    expect(enrolled?.detail.studentId).toBe('usr_ada');
    expect(enrolled?.detail).not.toHaveProperty('cohortIds');
    const invited = toIntegrationEvent(recorded('MemberInvited', { email: 'a@b.c', name: 'Ada', roles: ['STUDENT'] }));
    expect(invited?.detail).not.toHaveProperty('studentId');
    expect(invited?.detail).not.toHaveProperty('cohortIds');
    expect(invited?.detail.roles).toEqual(['STUDENT']);
  });

  it('is never made for internal event types, nor for the control plane', () => {
    expect(toIntegrationEvent(recorded('NotesRecorded', { notes: 'n', impressions: null, interestLevel: 4 }))).toBe(
      null,
    );
    const platform = { ...recorded('TenantProvisioned', {}), stream: streamRef(PLATFORM, 'Tenant', 'ten_x') };
    expect(toIntegrationEvent(platform)).toBeNull();
    expect(toIntegrationEvent(recorded('TenantProvisioned', {}))?.detailType).toBe('Tenant.TenantProvisioned.v1');
  });

  it('refuses a value that is not of its kind, without quoting it', () => {
    const bad = recorded('ContactAdded', {
      ...(sampleOf(domainEvents().get('ContactAdded')?.json ?? {}, plainFor('ContactAdded')) as object),
      referredByContactId: 'Pat Doe <pat@example.com>',
    });
    expect(() => toIntegrationEvent(bad)).toThrow(IntegrationMappingError);
    expect(() => toIntegrationEvent(bad)).toThrow(/referredByContactId of ContactAdded is not of kind id/);
    expect(() => toIntegrationEvent(bad)).not.toThrow(/Pat/);
  });

  it('refuses a public field that would overwrite the envelope', () => {
    const table: PublicationTable = {
      EntryVoided: { publish: true, about: '', fields: { version: { from: 'version', kind: 'integer', about: '' } } },
    };
    const voided = recorded('EntryVoided', { version: 2, voidedType: 'FollowUpSent', reason: 'oops' });
    expect(() => toIntegrationEvent(voided, table)).toThrow(/version of EntryVoided would overwrite the envelope/);
    expect(toIntegrationEvent(voided)?.detail).toMatchObject({ version: 3, voidedVersion: 2 });
  });
});
