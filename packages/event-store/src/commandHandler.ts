import { createHash } from 'node:crypto';
import type { Advice, DecidedEvent, Decider, VersionedEvent } from '@app/core';
import { isAppError } from '@app/core';
import { ConcurrencyError, IdempotencyConflictError } from './errors.ts';
import type { EventStore, GuardChange } from './eventStore.ts';
import { addIdempotency } from './idempotency.ts';
import type { StreamRef } from './keys.ts';
import type { Actor, CommandMeta, IdempotencyRecord, LoadedStream, RecordedEvent } from './types.ts';

/**
 * How a stream type is snapshotted: every `every` events, with the folded state's own version.
 * The state must survive JSON (no Dates, Maps or class instances): that is how it is kept.
 */
export interface SnapshotPolicy<State> {
  readonly every: number;
  /** Bump when the shape of the folded state changes: older snapshots are then ignored. */
  readonly stateVersion: number;
  /** Whose key seals the snapshot, when the state holds personal data. */
  readonly subject?: (state: State) => string | undefined;
}

export interface Command<State, C, Event extends DecidedEvent, Context> {
  readonly stream: StreamRef;
  readonly decider: Decider<State, C, Event, Context>;
  /** The command's name, part of the request hash and of derived stream ids. */
  readonly commandType: string;
  readonly command: C;
  /**
   * Checks the caller may act on the stream as loaded, before anything else is answered (a
   * repeated key, a stale version): throw to refuse. What a stream's owner check belongs in.
   */
  readonly authorize?: (state: State) => void | Promise<void>;
  /** Builds the decision context from the loaded state (policy, clock, counts read from views…). */
  readonly context: (state: State) => Context | Promise<Context>;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly idempotencyKey?: string;
  /** The version the client last saw: a mismatch is a conflict, returned rather than retried. */
  readonly expectedVersion?: number;
  readonly snapshot?: SnapshotPolicy<State>;
  /** Extra meta stamped on each event (cohorts, policy version), read when the command runs. */
  readonly stamp?: (
    state: State,
  ) => Pick<CommandMeta, 'cohorts' | 'policyVersion'> | Promise<Pick<CommandMeta, 'cohorts' | 'policyVersion'>>;
  /** Guards to claim or release in the same transaction, from the decision. */
  readonly guards?: (events: readonly Event[], state: State) => readonly GuardChange[];
}

export interface CommandResult<State, Event extends DecidedEvent> {
  readonly state: State;
  readonly version: number;
  /** The events this command recorded (on a repeat, those the first call recorded). */
  readonly events: readonly RecordedEvent<Event>[];
  readonly advice: readonly Advice[];
  /** True when the idempotency key had been seen and nothing was appended. */
  readonly repeated: boolean;
  /**
   * The stream's whole history after the command (what was loaded, then what was appended), so a
   * caller can show the stream without loading it again; `undefined` when a snapshot stood in for
   * its beginning.
   */
  readonly history: readonly RecordedEvent<Event>[] | undefined;
}

export interface CommandHandlerOptions {
  /** How many times to load, decide and append before giving up on a contended stream. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Told of each retry after a lost race (for metrics and logs). */
  readonly onRetry?: (attempt: number, error: unknown) => void;
}

const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;
const SNAPSHOT_KEYS_LIMIT = 1_000;

/** A stable hash of a request: the same input in any key order hashes alike. */
export const requestHash = (commandType: string, input: unknown): string => {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([, v]) => v !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify([commandType, canonical(input)]))
    .digest('base64url');
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Every write goes through here: load → fold → decide → append, retried when another writer wins. */
export class CommandHandler {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly onRetry: (attempt: number, error: unknown) => void;

  constructor(
    private readonly store: EventStore,
    options: CommandHandlerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 30;
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 200;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.onRetry = options.onRetry ?? (() => {});
  }

  async handle<State, C, Event extends DecidedEvent, Context>(
    cmd: Command<State, C, Event, Context>,
  ): Promise<CommandResult<State, Event>> {
    const hash = cmd.idempotencyKey === undefined ? undefined : requestHash(cmd.commandType, cmd.command);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(cmd, hash);
      } catch (error) {
        const retriable = isAppError(error, 'CONCURRENCY') && cmd.expectedVersion === undefined;
        if (!retriable || attempt >= this.maxAttempts) throw error;
        this.onRetry(attempt, error);
        // Full jitter: contenders spread out instead of colliding again in lockstep.
        await sleep(this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt));
      }
    }
  }

  private async attempt<State, C, Event extends DecidedEvent, Context>(
    cmd: Command<State, C, Event, Context>,
    hash: string | undefined,
  ): Promise<CommandResult<State, Event>> {
    const { decider, snapshot } = cmd;
    const loaded = await this.store.load(cmd.stream, snapshot ? { snapshot } : {});
    const state = this.fold(
      decider,
      (loaded.snapshot?.state as State | undefined) ?? decider.initialState,
      loaded.events,
    );

    await cmd.authorize?.(state);
    const whole = loaded.snapshot ? undefined : (loaded.events as unknown as readonly RecordedEvent<Event>[]);
    const seen = cmd.idempotencyKey === undefined ? undefined : loaded.idempotency.get(cmd.idempotencyKey);
    if (seen) return { ...(await this.repeat(cmd, loaded, seen, hash, state)), history: whole };

    if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== loaded.position.version) {
      throw new ConcurrencyError(
        `${cmd.stream.type}/${cmd.stream.id}`,
        'the client expected another version',
        cmd.expectedVersion,
      );
    }
    const decision = decider.decide(cmd.command, state, await cmd.context(state));
    if (decision.events.length === 0) {
      return {
        state,
        version: loaded.position.version,
        events: [],
        advice: decision.advice,
        repeated: false,
        history: whole,
      };
    }
    const meta: CommandMeta = {
      actor: cmd.actor,
      correlationId: cmd.correlationId,
      ...(cmd.causationId !== undefined && { causationId: cmd.causationId }),
      ...(cmd.idempotencyKey !== undefined &&
        hash !== undefined && { idempotencyKey: cmd.idempotencyKey, requestHash: hash }),
      advice: decision.advice,
      ...(cmd.stamp && (await cmd.stamp(state))),
    };
    const guards = cmd.guards?.(decision.events, state) ?? [];
    const [appended] = await this.store.appendMany(
      [{ position: loaded.position, events: decision.events, meta }],
      guards,
    );
    const { position, events } = appended as NonNullable<typeof appended>;
    const recorded = events as unknown as readonly RecordedEvent<Event>[];
    const next = this.fold(decider, state, recorded);
    if (
      snapshot &&
      Math.floor(position.version / snapshot.every) > Math.floor(loaded.position.version / snapshot.every)
    ) {
      await this.snapshot(cmd, loaded, recorded, next, position);
    }
    return {
      state: next,
      version: position.version,
      events: recorded,
      advice: decision.advice,
      repeated: false,
      history: whole && [...whole, ...recorded],
    };
  }

  private fold<State, Event extends DecidedEvent>(
    decider: Decider<State, unknown, Event, never>,
    initial: State,
    events: readonly RecordedEvent[],
  ): State {
    return events.reduce((state, event) => decider.evolve(state, event as unknown as VersionedEvent<Event>), initial);
  }

  private async repeat<State, C, Event extends DecidedEvent, Context>(
    cmd: Command<State, C, Event, Context>,
    loaded: LoadedStream,
    seen: IdempotencyRecord,
    hash: string | undefined,
    state: State,
  ): Promise<Omit<CommandResult<State, Event>, 'history'>> {
    if (seen.requestHash !== hash) throw new IdempotencyConflictError(cmd.idempotencyKey as string);
    const inMemory = loaded.events.filter((e) => e.version >= seen.fromVersion && e.version <= seen.toVersion);
    const events =
      inMemory.length === seen.toVersion - seen.fromVersion + 1
        ? inMemory
        : await this.store.readStream(cmd.stream, { fromVersion: seen.fromVersion, toVersion: seen.toVersion });
    return {
      state,
      version: loaded.position.version,
      events: events as unknown as readonly RecordedEvent<Event>[],
      advice: seen.advice,
      repeated: true,
    };
  }

  private async snapshot<State, C, Event extends DecidedEvent, Context>(
    cmd: Command<State, C, Event, Context>,
    loaded: LoadedStream,
    appended: readonly RecordedEvent[],
    state: State,
    position: LoadedStream['position'],
  ) {
    const policy = cmd.snapshot as SnapshotPolicy<State>;
    const since = new Date(this.now() - IDEMPOTENCY_WINDOW_MS).toISOString();
    const keys = new Map(loaded.idempotency);
    for (const event of appended) addIdempotency(keys, event);
    const recent = [...keys].filter(([, record]) => record.recordedAt >= since).slice(-SNAPSHOT_KEYS_LIMIT);
    try {
      await this.store.writeSnapshot(
        position,
        { stateVersion: policy.stateVersion, state, idempotency: recent },
        policy.subject?.(state),
      );
    } catch {
      // Best effort: the append has landed; a missing snapshot only makes the next load longer.
    }
  }
}
