/** Exact percentiles of a sample (nearest rank). */
export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
};

/** Times one call in milliseconds. */
export const timed = async (run: () => Promise<unknown>): Promise<number> => {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

/** Fisher–Yates, in place. */
export const shuffle = <T>(items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
};

/** Runs `op` with `concurrency` workers for `seconds`; answers what the ops counted (operations, items) per second. */
export const throughput = async (seconds: number, concurrency: number, op: (i: number) => Promise<number>) => {
  const until = performance.now() + seconds * 1_000;
  let done = 0;
  let i = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        // not `done += await op()`: that reads `done` before the await, and concurrent workers' counts are lost
        const n = await op(i++);
        done += n;
      }
    }),
  );
  return done / ((performance.now() - started) / 1_000);
};
