import type { Advice } from '@app/core';
import type { Policy, TopicSet } from '../policy/policy.ts';
import { advise } from '../rules/rules.ts';

/** What preparation advice is computed from: the interview's goals, research and questions. */
export interface Preparation {
  readonly goals: readonly string[];
  readonly researchNotes: number;
  readonly questions: readonly { readonly text: string }[];
}

type Topics = Readonly<Record<string, RegExp>>;

/** The basics a student should cover (001), and the TIARA topics of the 2-Hour Job Search. */
export const TOPICS: Readonly<Record<TopicSet, Topics>> = {
  BASIC: {
    'how they started':
      /\b(start|started|begin|began|get into|got into|first job|break into|entered|path into|how did you (get|become|end up))\b/i,
    'career paths':
      /\b(career path|paths?|progression|advance|advancement|promot\w*|move up|next step|trajector\w*|long[- ]term)\b/i,
    lifestyle: /\b(lifestyle|work[- ]life|balance|hours|travel|schedule|flexib\w*|stress)\b/i,
    qualifications:
      /\b(qualifications?|skills?|degree|background|certifica\w*|experience (do|does|is) (you|one) need|prepare|training)\b/i,
    advice: /\b(advice|recommend|suggest|wish you had known|would you tell|tips?)\b/i,
    'daily workload':
      /\b(typical (day|week)|day[- ]to[- ]day|daily|workload|responsibilit\w*|spend (most of )?your time)\b/i,
  },
  TIARA: {
    trends: /\b(trends?|future|changing|changes|next (five|5|ten|10) years|going|emerging|shaping)\b/i,
    insights: /\b(surpris\w*|insights?|challeng\w*|enjoy|like most|rewarding|wish|misconceptions?)\b/i,
    advice: /\b(advice|recommend|suggest|would you tell|tips?|if you were (me|starting))\b/i,
    resources:
      /\b(resources?|read|books?|newsletters?|podcasts?|associations?|conferences?|websites?|who else|whom else|people should i)\b/i,
    assignments: /\b(assignments?|projects?|take on|tasks?|work on|problems? (are|is) you)\b/i,
  },
};

const ROLE = /\b(role|job|position|day|days|responsibilit\w*|skills?|work you|your work|tasks?|projects?)\b/i;
const ORG = /\b(company|organi[sz]ation|firm|team|culture|employer|department|office|agency|industry|field|sector)\b/i;

/** Preparation advice (RULES.md "Preparing"): count, topics, role and organization, research, goals. */
export const prepAdvice = (
  prep: Preparation,
  policy: Pick<Policy, 'minQuestions' | 'maxQuestions' | 'topics'>,
): Advice[] => {
  const advice: Advice[] = [];
  const texts = prep.questions.map((q) => q.text);
  const count = texts.length;
  const { minQuestions: min, maxQuestions: max } = policy;
  if (count < min || count > max) {
    advice.push(
      advise(
        'QUESTION_COUNT',
        `You have ${count} question${count === 1 ? '' : 's'}; prepare ${min} to ${max} so the time is well used.`,
      ),
    );
  }
  const missing = Object.entries(TOPICS[policy.topics])
    .filter(([, pattern]) => !texts.some((text) => pattern.test(text)))
    .map(([topic]) => topic);
  if (missing.length > 0) {
    advice.push(advise('BASIC_TOPICS', `No question yet covers: ${missing.join(', ')}.`));
  }
  const aboutRole = texts.some((t) => ROLE.test(t));
  const aboutOrg = texts.some((t) => ORG.test(t));
  if (!aboutRole || !aboutOrg) {
    advice.push(
      advise(
        'ROLE_AND_ORG',
        `Ask some questions about ${!aboutRole && !aboutOrg ? 'the role and some about the organization' : aboutRole ? 'the organization too' : 'the role itself too'}.`,
      ),
    );
  }
  if (prep.researchNotes === 0) {
    advice.push(advise('RESEARCH_FIRST', 'Research the person and the organization first, and note what you found.'));
  }
  if (prep.goals.length === 0) {
    advice.push(advise('DEFINE_GOALS', 'Write down what you want from the meeting.'));
  }
  return advice;
};
