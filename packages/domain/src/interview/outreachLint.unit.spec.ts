import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, PRESETS } from '../policy/policy.ts';
import { lintOutreach } from './outreachLint.ts';

const good = `Dear Dr. Okafor,

Professor Lee suggested I reach out. I am a junior in chemical engineering and would like to learn how you moved into process safety.
Would you have 20 minutes for a call on Tuesday at 3 pm or Thursday at 10 am?

Thank you, Ada Park`;

const codes = (message: string | null, ctx: Partial<Parameters<typeof lintOutreach>[1]> = {}) =>
  lintOutreach(message, { policy: DEFAULT_POLICY, proposedTimes: 2, referrerName: 'Professor Lee', ...ctx }).map(
    (a) => a.code,
  );

describe('the outreach linter', () => {
  it('has nothing to say about a short, polite, specific request', () => {
    expect(codes(good)).toEqual([]);
  });

  it('advises a shorter message over the policy’s word limit (75 in the 2-Hour Job Search preset)', () => {
    const padded = `${good} ${'I have always admired the work your team does in this area. '.repeat(5)}`;
    expect(codes(padded)).toContain('OUTREACH_TOO_LONG');
    expect(codes(good, { policy: PRESETS.TWO_HOUR_JOB_SEARCH })).toEqual([]);
    const advice = lintOutreach(padded, { policy: DEFAULT_POLICY, proposedTimes: 2 });
    expect(advice.find((a) => a.code === 'OUTREACH_TOO_LONG')).toMatchObject({
      source: '002 ("don\'t babble"), 3B7',
      message: expect.stringMatching(/has \d+ words; keep it under 100/),
    });
  });

  it('advises asking a question', () => {
    expect(codes(good.replace('?', '.'))).toContain('OUTREACH_NO_QUESTION');
  });

  it('advises leaving jobs out', () => {
    expect(codes(good.replace('Would you have', 'Is your team hiring? Would you have'))).toContain(
      'OUTREACH_MENTIONS_JOB',
    );
    expect(codes(`${good} I am looking for a job in process safety.`)).toContain('OUTREACH_MENTIONS_JOB');
  });

  it('advises naming the referrer when the contact came by referral, and only then', () => {
    const unnamed = good.replace('Professor Lee suggested I reach out. ', '');
    expect(codes(unnamed)).toContain('MENTION_REFERRER');
    expect(codes(unnamed, { referrerName: undefined })).not.toContain('MENTION_REFERRER');
    expect(codes(good, { referrerName: 'Dr. Min-jun Lee' })).not.toContain('MENTION_REFERRER');
  });

  it('never names the referrer in its advice: advice is kept in plain text, where an erasure cannot reach it', () => {
    const advice = lintOutreach(null, { policy: DEFAULT_POLICY, proposedTimes: 2, referrerName: 'Professor Lee' });
    expect(advice.map((a) => a.code)).toContain('MENTION_REFERRER');
    expect(JSON.stringify(advice)).not.toMatch(/Lee/);
  });

  it('advises stating the purpose', () => {
    expect(codes(good.replace('would like to learn how you moved into process safety', 'saw your profile'))).toContain(
      'STATE_PURPOSE',
    );
  });

  it('advises proposing specific times', () => {
    expect(codes(good, { proposedTimes: 1 })).toContain('PROPOSE_TIMES');
    expect(codes(good, { proposedTimes: 3 })).not.toContain('PROPOSE_TIMES');
  });

  it('advises a formal salutation', () => {
    for (const opening of ['Dear Chidi,', 'Hi Chidi!', 'Hey there,', 'Good morning,']) {
      expect(codes(good.replace('Dear Dr. Okafor,', opening)), opening).toContain('FORMAL_SALUTATION');
    }
    expect(codes(good.replace('Dear Dr. Okafor,', 'I hope this finds you well.'))).toContain('FORMAL_SALUTATION');
    for (const opening of ['Dear Ms. Okafor,', 'Hello Professor Okafor,', 'Dear Mr Okafor,']) {
      expect(codes(good.replace('Dear Dr. Okafor,', opening)), opening).not.toContain('FORMAL_SALUTATION');
    }
  });

  it('judges what the student reports when the message is not given, and lets a report overrule the reading', () => {
    expect(codes(null)).toEqual(['MENTION_REFERRER', 'STATE_PURPOSE']);
    expect(codes(null, { mentionedReferrer: true, statedPurpose: true })).toEqual([]);
    expect(codes(null, { mentionedReferrer: true, statedPurpose: true, proposedTimes: 1 })).toEqual(['PROPOSE_TIMES']);
    expect(codes(null, { referrerName: undefined, statedPurpose: true })).toEqual([]);
    expect(codes(good, { mentionedReferrer: false })).toEqual(['MENTION_REFERRER']);
    expect(codes(good.replace('Professor Lee suggested I reach out. ', ''), { mentionedReferrer: true })).toEqual([]);
  });
});
