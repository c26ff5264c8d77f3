import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, PRESETS } from '../policy/policy.ts';
import { prepAdvice } from './prepAdvice.ts';

const basics = [
  'How did you get into process safety?',
  'What career paths do people in your role usually follow?',
  'How do you balance work and life with the hours this job asks?',
  'Which skills or qualifications matter most here?',
  'What advice would you give someone starting out?',
  'What does a typical day look like for you?',
  'How would you describe the culture of your team?',
  'What do you enjoy most about your work?',
  'What has surprised you about the industry?',
  'Which associations would you recommend joining?',
  'What project could I take on to learn more?',
  'Where do you see the field going in the next five years?',
].map((text) => ({ text }));

const ready = { goals: ['understand the path into process safety'], researchNotes: 2, questions: basics };
const codes = (prep = ready, policy = DEFAULT_POLICY) => prepAdvice(prep, policy).map((a) => a.code);

describe('preparation advice', () => {
  it('is silent when the student is ready', () => {
    expect(codes()).toEqual([]);
  });

  it('asks for 12 to 14 questions', () => {
    expect(codes({ ...ready, questions: basics.slice(0, 9) })).toContain('QUESTION_COUNT');
    expect(codes({ ...ready, questions: [...basics, ...basics.slice(0, 3)] })).toContain('QUESTION_COUNT');
    const advice = prepAdvice({ ...ready, questions: basics.slice(0, 1) }, DEFAULT_POLICY);
    expect(advice.find((a) => a.code === 'QUESTION_COUNT')?.message).toBe(
      'You have 1 question; prepare 12 to 14 so the time is well used.',
    );
  });

  it('names the basic topics no question covers', () => {
    const noLifestyle = basics.filter((q) => !/balance/.test(q.text));
    const advice = prepAdvice(
      { ...ready, questions: [...noLifestyle, { text: 'Anything else I should know?' }] },
      DEFAULT_POLICY,
    );
    expect(advice.find((a) => a.code === 'BASIC_TOPICS')?.message).toBe('No question yet covers: lifestyle.');
  });

  it('uses the TIARA topics in the 2-Hour Job Search preset', () => {
    const tiaraOnly = { ...ready, questions: basics.filter((q) => !/associations|project/.test(q.text)) };
    const advice = prepAdvice(tiaraOnly, PRESETS.TWO_HOUR_JOB_SEARCH);
    expect(advice.find((a) => a.code === 'BASIC_TOPICS')?.message).toBe(
      'No question yet covers: resources, assignments.',
    );
  });

  it('asks for questions on both the role and the organization', () => {
    const roleOnly = basics.filter((q) => !/culture|industry|field/.test(q.text));
    expect(codes({ ...ready, questions: roleOnly })).toContain('ROLE_AND_ORG');
  });

  it('asks for research and goals', () => {
    expect(codes({ ...ready, researchNotes: 0 })).toContain('RESEARCH_FIRST');
    expect(codes({ ...ready, goals: [] })).toContain('DEFINE_GOALS');
  });
});
