import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A benchmark's server in a process of its own (its memory and CPU its own), bundled by run.mjs as
 * the benchmark is (`entry` relative to test/bench), without inline source maps; answers once it
 * has printed its first line, a JSON object of where it listens.
 */
export const startChild = async <T>(entry: string, env: Record<string, string>, nodeArgs: readonly string[] = []) => {
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'test/bench/run.mjs'), entry], {
    cwd: root,
    env: { ...process.env, ...env, BENCH_SOURCEMAP: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  const first = await new Promise<string>((done, fail) => {
    lines.once('line', done);
    child.once('exit', (code) => fail(new Error(`${entry} exited (${code}) before it was ready`)));
  });
  return { child, ...(JSON.parse(first) as T) };
};
