import { localClientConfig } from '@app/local';
import { seededRandom } from '@app/views/fixtures';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

// Failures DynamoDB Local never produces, injected into a DynamoDB client of the test's own: an
// SDK middleware at the deserialize step, below the SDK's retry middleware (finalizeRequest),
// so each attempt, retries included, meets its own fate, and the SDK's own deserializer and
// retry strategy see what DynamoDB would have sent. Fates are drawn from a seeded sequence: the
// n-th attempt always meets the same one (which call is n-th depends on the interleaving).

export type FaultKind = 'throttled' | 'serverError' | 'answerLost';

/** The share of attempts (0 to 1) that meet each fault. */
export type FaultRates = Readonly<Record<FaultKind, number>>;

/** What DynamoDB answers when it throttles a request or fails on its side: status, error type, message. */
const ANSWERS: Readonly<Record<Exclude<FaultKind, 'answerLost'>, readonly [number, string, string][]>> = {
  throttled: [
    [400, 'ThrottlingException', 'Rate of requests exceeds the allowed throughput.'],
    [400, 'ProvisionedThroughputExceededException', 'The level of configured provisioned throughput was exceeded.'],
  ],
  // a 503 from the front door carries no error type: the SDK goes by the status
  serverError: [
    [500, 'InternalServerError', 'Internal server error'],
    [503, '', ''],
  ],
};

const httpAnswer = ([statusCode, type, message]: readonly [number, string, string], requestId: string) => ({
  statusCode,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
  body: new TextEncoder().encode(
    type ? JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }) : '',
  ),
});

/** The error Node's HTTP client throws when the connection drops before the answer is read. */
const connectionReset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

export class FaultInjector {
  /** Off until armed: a test sets up its world without faults, then loads it with them. */
  armed = false;
  readonly counts: Record<FaultKind, number> = { throttled: 0, serverError: 0, answerLost: 0 };
  /** `kind command` → how many, e.g. `answerLost PutItemCommand`. */
  readonly byCommand = new Map<string, number>();
  attempts = 0;
  private readonly random: () => number;

  constructor(
    private readonly rates: FaultRates,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** Adds the injection to a client's middleware stack; answers the client. */
  attach(client: DynamoDBClient): DynamoDBClient {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const kind = this.draw();
        if (!kind) return next(args);
        this.count(kind, String(context.commandName));
        if (kind === 'answerLost') {
          // DynamoDB did it; the answer never arrives, so the SDK sends the request again
          await next(args);
          throw connectionReset();
        }
        const choices = ANSWERS[kind];
        const answer = choices[this.counts[kind] % choices.length] as (typeof choices)[number];
        // the raw HTTP answer, for the SDK's deserializer to turn into the error DynamoDB means
        return { response: httpAnswer(answer, `injected-${this.attempts}`), output: {} as never };
      },
      { step: 'deserialize', priority: 'low', name: 'injectFaults' },
    );
    return client;
  }

  /** One line per kind and command, for the test's report. */
  summary(): string {
    const lines = [...this.byCommand].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k}: ${n}`);
    return `${this.attempts} attempts, faults ${JSON.stringify(this.counts)}\n${lines.join('\n')}`;
  }

  private draw(): FaultKind | undefined {
    if (!this.armed) return undefined;
    this.attempts++;
    let roll = this.random();
    for (const kind of ['throttled', 'serverError', 'answerLost'] as const) {
      if (roll < this.rates[kind]) return kind;
      roll -= this.rates[kind];
    }
    return undefined;
  }

  private count(kind: FaultKind, command: string) {
    this.counts[kind]++;
    const key = `${kind} ${command}`;
    this.byCommand.set(key, (this.byCommand.get(key) ?? 0) + 1);
  }
}

/** A client of DynamoDB Local at `endpoint` with the injector's faults (SDK settings as every local client has them). */
export const faultyClient = (endpoint: string, faults: FaultInjector): DynamoDBClient =>
  faults.attach(new DynamoDBClient(localClientConfig(endpoint)));
