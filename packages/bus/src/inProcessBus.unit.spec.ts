import { describe, expect, it } from 'vitest';
import { integrationEvent } from './fixtures.ts';
import { type DeliveredEvent, detailTypeMatcher, InProcessBus } from './inProcessBus.ts';
import type { IntegrationEvent } from './integration.ts';

const ofType = (n: number, detailType: string): IntegrationEvent => ({ ...integrationEvent(n), detailType });

describe('the in-process bus', () => {
  it('delivers the envelope an EventBridge rule hands its targets', async () => {
    const bus = new InProcessBus({ account: '123456789012', region: 'eu-west-1' });
    const got: DeliveredEvent[] = [];
    bus.subscribe('Interview.OutreachSent.v1', (e) => {
      got.push(e);
    });
    const event = integrationEvent(1);
    await bus.publish([event]);
    expect(got).toEqual([
      {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Interview.OutreachSent.v1',
        source: 'informational-interviews',
        account: '123456789012',
        time: '2026-09-01T09:00:00Z',
        region: 'eu-west-1',
        resources: [],
        detail: event.detail,
      },
    ]);
    expect(bus.published).toEqual([event]);
  });

  it('matches detail-types by pattern, `*` standing for any characters', async () => {
    const bus = new InProcessBus();
    const seen = new Map<string, string[]>();
    for (const pattern of ['*', 'Interview.*', '*.v1', 'Cohort.StudentEnrolled.v1', 'Interview.Meeting*.v1']) {
      seen.set(pattern, []);
      bus.subscribe(pattern, (e) => {
        seen.get(pattern)?.push(e['detail-type']);
      });
    }
    const types = ['Interview.OutreachSent.v1', 'Cohort.StudentEnrolled.v1', 'Interview.MeetingHeld.v2', 'InterviewX'];
    await bus.publish(types.map((t, i) => ofType(i, t)));
    expect(Object.fromEntries(seen)).toEqual({
      '*': types,
      'Interview.*': ['Interview.OutreachSent.v1', 'Interview.MeetingHeld.v2'],
      '*.v1': ['Interview.OutreachSent.v1', 'Cohort.StudentEnrolled.v1'],
      'Cohort.StudentEnrolled.v1': ['Cohort.StudentEnrolled.v1'],
      'Interview.Meeting*.v1': [],
    });
    expect(detailTypeMatcher('Interview.OutreachSent.v1').test('InterviewXOutreachSentXv1')).toBe(false);
  });

  it('delivers in order, waiting for each subscriber, and stops delivering once unsubscribed', async () => {
    const bus = new InProcessBus();
    const log: string[] = [];
    const stop = bus.subscribe('*', async (e) => {
      await new Promise((done) => setTimeout(done, 5 - Number(e.detail.version)));
      log.push(`a${e.detail.version}`);
    });
    bus.subscribe('*', (e) => {
      log.push(`b${e.detail.version}`);
    });
    await bus.publish([integrationEvent(1), integrationEvent(2)]);
    expect(log).toEqual(['a1', 'b1', 'a2', 'b2']);
    stop();
    await bus.publish([integrationEvent(3)]);
    expect(log).toEqual(['a1', 'b1', 'a2', 'b2', 'b3']);
    expect(bus.published.map((e) => e.detail.version)).toEqual([1, 2, 3]);
  });

  it('gives every target the same id and a copy of its own', async () => {
    const bus = new InProcessBus();
    const got: DeliveredEvent[] = [];
    bus.subscribe('*', (e) => {
      got.push(e);
      (e.detail as { version: number }).version = 99;
    });
    bus.subscribe('*', (e) => {
      got.push(e);
    });
    await bus.publish([integrationEvent(1)]);
    expect(got[0]?.id).toBe(got[1]?.id);
    expect(got[1]?.detail.version).toBe(1);
    expect(bus.published[0]?.detail.version).toBe(1);
  });

  it('reports a failing subscriber and goes on, as EventBridge does with a failing target', async () => {
    const errors: [unknown, string, string][] = [];
    const bus = new InProcessBus({ onError: (error, e, pattern) => errors.push([error, e['detail-type'], pattern]) });
    const got: number[] = [];
    const boom = new Error('subscriber down');
    bus.subscribe('Interview.*', () => {
      throw boom;
    });
    bus.subscribe('*', (e) => {
      got.push(e.detail.version);
    });
    await expect(bus.publish([integrationEvent(1), integrationEvent(2)])).resolves.toBeUndefined();
    expect(got).toEqual([1, 2]);
    expect(errors).toEqual([
      [boom, 'Interview.OutreachSent.v1', 'Interview.*'],
      [boom, 'Interview.OutreachSent.v1', 'Interview.*'],
    ]);
  });
});
