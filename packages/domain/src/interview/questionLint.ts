/**
 * The question linter (RULES.md `ASKS_FOR_JOB`, `ASKS_ABOUT_PAY`, `LAZY_QUESTION`). An
 * informational interview is never a request for a job, pay is researched rather than asked,
 * and what a quick web search answers is not worth a professional's time (000–004).
 *
 * Text is normalised (case, apostrophes, punctuation), words are stemmed so that "hiring",
 * "hire" and "hired" meet, and each flag is a set of phrase patterns plus word pairs that
 * must occur together — one keyword alone flags nothing ("How did you get your first job?"
 * is a good question).
 */
export type QuestionFlag = 'ASKS_FOR_JOB' | 'ASKS_ABOUT_PAY' | 'LAZY_QUESTION';

const normalise = (text: string): string =>
  ` ${text
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^a-z0-9'\s-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;

/** A light suffix stemmer: enough for "openings" ~ "open", "hiring" ~ "hire", "salaries" ~ "salary". */
export const stem = (word: string): string => {
  let w = word.replace(/'s$/, '');
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  if (w.length > 3 && /([bdgklmnprt])\1$/.test(w)) w = w.slice(0, -1);
  return w;
};

const stems = (text: string): Set<string> => new Set(normalise(text).trim().split(' ').filter(Boolean).map(stem));
const stemAll = (words: string[]) => new Set(words.map(stem));

/** Phrases that flag on their own (matched on the normalised text). */
const PHRASES: Record<QuestionFlag, RegExp[]> = {
  ASKS_FOR_JOB: [
    / (is|are) ([a-z']+ ){0,4}hiring(?! (managers?|process|decisions?|committees?|practices|criteria|seasons?|cycles?))/,
    / any (job |open |current )?(openings|vacancies|open positions|positions open|opportunities for me|internships available) /,
    / (hire|employ|recruit|take on) (me|someone like me) /,
    / (refer|recommend) me (for|to) /,
    / (pass|forward|send|give|hand) (along |on )?my (resume|cv|application) /,
    / put in a (good )?word /,
    / get (me )?(a|an) (job|interview|position|internship|offer) /,
    / (i am|i'm|im) (currently )?(looking|searching|hoping|applying) for (a |an )?(job|position|internship|role|work) /,
    / (work|intern) for (you|your (company|team|firm)) /,
    / how (can|do|could|should) i apply /,
    / (consider|keep) me (for|in mind) /,
    / (apply|applying) (for|to) (a |an |the |your )?(job|position|role|opening|internship|company|team) /,
    / (job|internship|position) (openings|vacancies|offers?) (at|in|on) (your|the) /,
    / is there (a|an) (job|position|opening|internship|spot) (for me|available|open) /,
    / (do|does|could|can|would) (you|your (company|team)) (have|offer) (any |a |an )?(jobs|positions|openings|internships|roles) /,
  ],
  ASKS_ABOUT_PAY: [
    / how much (do|does|did|would|could|can|will|might) (you|they|people|someone|a|an|one|i|entry|new|junior|grads?|graduates) .*(make|earn|paid|pay|get paid|bring home) /,
    / how much money /,
    / what (do|does|would|will) (it|this job|this role|the job|the role|the position|an? [a-z]+) pay /,
    / (starting|entry level|entry-level|average|typical|base|annual) (salary|salaries|pay|compensation|wage|income) /,
    / pay (range|scale|band|well|grade) /,
    / (is|are) the pay /,
    / the pay (like|good) /,
    / stock options /,
    / benefits package /,
  ],
  LAZY_QUESTION: [
    / what (does|do) (your|the|this) (company|firm|organi[sz]ation|business|employer|startup|agency|bank|lab) (do|make|sell) /,
    / what (does|do) [a-z]+ (inc|corp|co|llc|ltd) do /,
    / what (is|'s) (your|the) (company|firm|organi[sz]ation)('s)? (mission|main product|business|website|name) /,
    / where (is|are) (your|the) (company|firm|organi[sz]ation|office|offices|headquarters|hq)( located| based| headquartered)? /,
    / where are you (located|based|headquartered) /,
    / how (many|big|large) .*(employees|people work|people does|is (your|the) (company|firm|organi[sz]ation)) /,
    / when was (your|the) (company|firm|organi[sz]ation|business) (founded|started|established|created) /,
    / who (founded|started|owns|runs) (your|the) (company|firm|organi[sz]ation|business) /,
    / what (products|services) (do|does) (you|your (company|firm)|the (company|firm)) (offer|sell|make|provide) /,
    / what (industry|sector) (is|are) (your|the) (company|firm|organi[sz]ation|you) in /,
    / (is|are) (your|the) (company|firm) (public|publicly traded|private) /,
  ],
};

/** Word pairs that flag when both occur (after stemming) and nothing says it is about the contact's own path. */
const JOB_NOUNS = stemAll([
  'job',
  'jobs',
  'position',
  'positions',
  'opening',
  'openings',
  'vacancy',
  'vacancies',
  'internship',
  'internships',
]);
const JOB_ASKS = stemAll([
  'hiring',
  'hire',
  'available',
  'availability',
  'vacant',
  'recruit',
  'recruiting',
  'apply',
  'application',
]);
const PAY_WORDS = stemAll([
  'salary',
  'salaries',
  'compensation',
  'wage',
  'wages',
  'earnings',
  'paycheck',
  'bonus',
  'bonuses',
  'income',
]);
/** "How did you get your first job?" asks about their path, which the practice encourages. */
const ABOUT_THEIR_PATH =
  / (did you|when you|you first|your first|you got|you landed|you were hired|you applied|you chose|you decided) /;

/** The flags a prepared question raises; empty for a good question. */
export const lintQuestion = (text: string): QuestionFlag[] => {
  const normalised = normalise(text);
  const words = stems(text);
  const has = (set: Set<string>) => [...set].some((w) => words.has(w));
  const flags = new Set<QuestionFlag>();
  for (const [flag, patterns] of Object.entries(PHRASES) as [QuestionFlag, RegExp[]][]) {
    if (patterns.some((pattern) => pattern.test(normalised))) flags.add(flag);
  }
  const theirPath = ABOUT_THEIR_PATH.test(normalised);
  if (!theirPath && has(JOB_NOUNS) && has(JOB_ASKS)) flags.add('ASKS_FOR_JOB');
  if (has(PAY_WORDS)) flags.add('ASKS_ABOUT_PAY');
  return (['ASKS_FOR_JOB', 'ASKS_ABOUT_PAY', 'LAZY_QUESTION'] as const).filter((flag) => flags.has(flag));
};
