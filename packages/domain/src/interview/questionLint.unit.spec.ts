import { describe, expect, it } from 'vitest';
import { lintQuestion, stem } from './questionLint.ts';

const asksForJob = [
  'Are you hiring right now?',
  'Is your company currently hiring interns?',
  'Do you have any openings on your team?',
  'Could you hire me for the summer?',
  'Would you be able to refer me for a position at your firm?',
  'Can you pass my resume along to your manager?',
  'Would you put in a good word for me with HR?',
  'Is there a job available for someone with my background?',
  "I'm looking for a job in consulting — do you know of anything?",
  'How can I apply to your team?',
  'Could you keep me in mind if something opens up?',
  'Are there any internships available at your company this spring?',
  'Do you offer positions for new graduates?',
  'What are the chances I could work for your company after graduation?',
  'Are any positions on your team vacant at the moment?',
  'Is the marketing department hiring?',
] as const;

const asksAboutPay = [
  'How much do you make a year?',
  'What is the starting salary for an analyst?',
  'What does an associate pay at your firm?',
  'How much money can I expect to earn in my first year?',
  'Is the pay good in this field?',
  'What is the pay range for this role?',
  'Do you get a big bonus at the end of the year?',
  'Does the company give stock options to new hires?',
  'What kind of compensation do engineers receive?',
] as const;

const lazy = [
  'What does your company do?',
  'Where is your company located?',
  'Where are your offices?',
  'How many employees work at your firm?',
  'When was the company founded?',
  'Who founded the company?',
  'What products does your company sell?',
  'What industry is your firm in?',
  'Is your company publicly traded?',
  "What is the company's mission?",
] as const;

const good = [
  'How did you get your first job in this field?',
  'What does a typical day look like in your role?',
  'What do you enjoy most about your job?',
  'How did you land your current position?',
  'What skills matter most for someone starting out in this industry?',
  'What do you wish you had known when you were hired?',
  'How has your role changed since you joined?',
  'What trends do you see shaping this field over the next five years?',
  'Which professional associations would you recommend joining?',
  'What advice would you give someone who wants to enter this field?',
  'What resources do you read to keep up with the industry?',
  'Is there an assignment or project I could take on to learn more about this work?',
  'Whom else would you suggest I talk to?',
  'What do you find most challenging about the work?',
  'How do people in your position usually advance?',
  'What qualifications are most valued on your team?',
  'How would you describe the culture of your organization?',
  'What do you pay attention to when you review a junior colleague’s work?',
  'Did your graduate degree pay off in your career?',
  'How did you decide to apply to graduate school?',
  'What does your team look for in the people it works with?',
  'How do you balance work and life in this line of work?',
  'Are hiring managers impressed by side projects?',
  'What made you choose this company over the others you considered?',
] as const;

describe('the question linter', () => {
  it.each(asksForJob)('flags a request for a job: %s', (question) => {
    expect(lintQuestion(question)).toContain('ASKS_FOR_JOB');
  });

  it.each(asksAboutPay)('flags a question about pay: %s', (question) => {
    expect(lintQuestion(question)).toContain('ASKS_ABOUT_PAY');
  });

  it.each(lazy)('flags what a web search answers: %s', (question) => {
    expect(lintQuestion(question)).toContain('LAZY_QUESTION');
  });

  it.each(good)('leaves a good question alone: %s', (question) => {
    expect(lintQuestion(question)).toEqual([]);
  });

  it('stems the forms of a word together', () => {
    expect(new Set(['hiring', 'hire', 'hired', 'hires'].map(stem)).size).toBe(1);
    expect(new Set(['openings', 'opening', 'open'].map(stem)).size).toBe(1);
    expect(stem('salaries')).toBe(stem('salary'));
    expect(stem('internships')).toBe(stem('internship'));
  });

  it('can raise several flags at once', () => {
    expect(lintQuestion('Are you hiring, and what is the starting salary?')).toEqual([
      'ASKS_FOR_JOB',
      'ASKS_ABOUT_PAY',
    ]);
  });
});
