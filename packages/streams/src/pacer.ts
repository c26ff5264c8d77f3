interface Sleeper {
  readonly timer: NodeJS.Timeout;
  readonly resolve: (awake: boolean) => void;
  /** A poll interval (a drain may cut it short), not a retry backoff. */
  readonly poll: boolean;
}

interface DrainWaiter {
  /** The cycle under way when the drain was asked for: a later idle cycle settles it. */
  readonly after: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * The runner's waits and drains: one wait at a time, which a stop cuts short (so a stop never
 * sits out a backoff) and a drain shortens when it is only a poll interval; and the drains,
 * settled by the first idle read cycle that began after they were asked for.
 */
export class Pacer {
  private stopping = false;
  private sleeper: Sleeper | undefined;
  private cycle = 0;
  private waiters: DrainWaiter[] = [];

  get stopped(): boolean {
    return this.stopping;
  }

  /** Begins a run (after a stop, a start begins another). */
  reset(): void {
    this.stopping = false;
  }

  /** Waits; false when the runner is stopping. */
  pause(ms: number, poll: boolean): Promise<boolean> {
    if (this.stopping) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeper = undefined;
        resolve(!this.stopping);
      }, ms);
      this.sleeper = { timer, resolve, poll };
    });
  }

  /** Cuts the wait short and refuses further ones. */
  stop(): void {
    this.stopping = true;
    this.wake(false);
  }

  /** Drains still waiting when the runner has stopped are refused: what they waited for will not happen. */
  rejectDrains(): void {
    for (const waiter of this.waiters.splice(0))
      waiter.reject(new Error('the stream runner stopped before it was idle'));
  }

  /** A promise settled by the next idle cycle that begins after this call. */
  drain(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ after: this.cycle, resolve, reject });
      if (this.sleeper?.poll) this.wake(true);
    });
  }

  /** Numbers a read cycle as it begins. */
  beginCycle(): number {
    this.cycle += 1;
    return this.cycle;
  }

  /** The cycle numbered `ticket` found nothing to read: the drains asked for before it began are settled. */
  idle(ticket: number): void {
    const ready = this.waiters.filter((waiter) => waiter.after < ticket);
    this.waiters = this.waiters.filter((waiter) => waiter.after >= ticket);
    for (const waiter of ready) waiter.resolve();
  }

  private wake(awake: boolean): void {
    if (!this.sleeper) return;
    clearTimeout(this.sleeper.timer);
    this.sleeper.resolve(awake);
    this.sleeper = undefined;
  }
}
