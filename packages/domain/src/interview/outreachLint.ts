import type { Advice } from '@app/core';
import type { Policy } from '../policy/policy.ts';
import { advise } from '../rules/rules.ts';
import { lintQuestion } from './questionLint.ts';

/** What the outreach linter needs besides the message. */
export interface OutreachContext {
  readonly policy: Pick<Policy, 'maxOutreachWords' | 'minProposedTimes'>;
  /** The name of whoever referred the student to this contact, when the contact came by referral. */
  readonly referrerName?: string | null | undefined;
  /** How many specific times the outreach proposes. */
  readonly proposedTimes: number;
  /** What the student says they did, when the message itself is not given (or to overrule the reading of it). */
  readonly mentionedReferrer?: boolean | null | undefined;
  readonly statedPurpose?: boolean | null | undefined;
}

const TITLE = /^(mr|mrs|ms|mx|miss|dr|prof|professor|dean|judge|rev|sir|madam)\b\.?/i;
const SALUTATION = /^(dear|hi|hello|hey|good (morning|afternoon|evening)|greetings)\b[ \t,]*/i;
const PURPOSE =
  /\b(learn|learning|advice|insight|insights|your (experience|path|career|perspective|work)|career path|informational|hear (about|how)|questions about|curious about|how you got|explore|exploring)\b/i;

const words = (text: string) => text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
const sentences = (text: string) => text.split(/(?<=[.!?])\s+|\n+/).filter((s) => s.trim());

/**
 * Advice on an outreach message (RULES.md "Reaching out"): short, a question, no job talk,
 * the referrer named, the purpose stated, specific times proposed, a formal salutation.
 * Without the message (`null`), only what the student reports (referrer, purpose, times) is judged.
 */
export const lintOutreach = (message: string | null, ctx: OutreachContext): Advice[] => {
  const advice = message === null ? [] : lintText(message, ctx);
  const referrer = ctx.referrerName?.trim();
  if (referrer && ctx.mentionedReferrer !== true) {
    const names = referrer.split(/\s+/).filter((n) => n.length >= 2 && !TITLE.test(n));
    const lower = message?.toLowerCase();
    if (ctx.mentionedReferrer === false || !lower || !names.some((n) => lower.includes(n.toLowerCase()))) {
      advice.push(
        // never the referrer's name: advice is kept in plain text (the event's meta, for a retry's answer)
        advise('MENTION_REFERRER', 'Say who suggested you get in touch, by name: it is why they will answer.'),
      );
    }
  }
  if (ctx.statedPurpose !== true && (ctx.statedPurpose === false || message === null || !PURPOSE.test(message))) {
    advice.push(
      advise('STATE_PURPOSE', 'Say why you want to meet: to learn from their experience, not to ask for a job.'),
    );
  }
  if (ctx.proposedTimes < ctx.policy.minProposedTimes) {
    advice.push(
      advise(
        'PROPOSE_TIMES',
        `Propose ${ctx.policy.minProposedTimes} or more specific times rather than asking them to find one.`,
      ),
    );
  }
  return advice;
};

/** What only the text can tell: length, a question, job talk, the salutation. */
const lintText = (message: string, ctx: OutreachContext): Advice[] => {
  const advice: Advice[] = [];
  const count = words(message).length;
  const max = ctx.policy.maxOutreachWords;
  if (count > max) {
    advice.push(
      advise(
        'OUTREACH_TOO_LONG',
        `Your message has ${count} words; keep it under ${max}: busy people answer short notes.`,
      ),
    );
  }
  if (!message.includes('?')) {
    advice.push(
      advise(
        'OUTREACH_NO_QUESTION',
        'Phrase your request as a question ("Would you have 20 minutes…?"): a question invites a reply.',
      ),
    );
  }
  if (sentences(message).some((s) => lintQuestion(s).includes('ASKS_FOR_JOB'))) {
    advice.push(advise('OUTREACH_MENTIONS_JOB', 'Leave jobs out: ask for their insight, not for a position.'));
  }
  const opening = message.trimStart().split('\n')[0] ?? '';
  const salutation = SALUTATION.exec(opening);
  if (!salutation || !TITLE.test(opening.slice(salutation[0].length))) {
    advice.push(
      advise('FORMAL_SALUTATION', 'Address them formally ("Dear Dr. Okafor"), never by first name until invited to.'),
    );
  }
  return advice;
};
