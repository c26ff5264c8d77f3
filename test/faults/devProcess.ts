import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';

// `pnpm dev` as a process of its own, in a process group of its own, so that one signal reaches
// the server and DynamoDB Local (its Java child) at once, as a crash of the machine's session
// or `kill -9` of the group would.

const root = resolve(import.meta.dirname, '../..');

export interface Listed {
  readonly pid: number;
  readonly pgid: number;
  readonly args: string;
}

/** The processes running now (zombies left out: they run nothing and hold no port). */
const listProcesses = (): Listed[] =>
  execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && !m[3]?.startsWith('Z'))
    .map((m) => ({ pid: Number(m[1]), pgid: Number(m[2]), args: m[4] as string }));

/** Which of `pids` still run. */
export const running = (pids: readonly number[]): number[] => {
  const live = new Set(listProcesses().map((p) => p.pid));
  return pids.filter((pid) => live.has(pid));
};

export class DevProcess {
  private readonly child: ChildProcess;
  private output = '';
  private readonly exited: Promise<void>;

  /** `pnpm dev --no-seed` on a data folder and ports of the caller's choosing. */
  constructor(
    dataDir: string,
    private readonly ports: { readonly api: number; readonly dynamo: number },
  ) {
    const args = [
      '--data-dir',
      dataDir,
      '--no-seed',
      '--port',
      String(ports.api),
      '--dynamo-port',
      String(ports.dynamo),
    ];
    this.child = spawn(process.execPath, ['--import', 'tsx', 'packages/dev/src/dev.ts', ...args], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((done) => this.child.once('exit', () => done()));
  }

  /** Resolves once `GET /health` answers 200; fails if the process exits first or the time runs out. */
  async healthy(healthUrl: string, timeoutMs: number): Promise<number> {
    const started = Date.now();
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (Date.now() - started < timeoutMs) {
      if (gone) throw new Error(`pnpm dev exited before it was healthy:\n${this.output}`);
      const status = await fetch(healthUrl).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return Date.now() - started;
      await new Promise((done) => setTimeout(done, 200));
    }
    throw new Error(`pnpm dev was not healthy within ${timeoutMs} ms:\n${this.output}`);
  }

  /**
   * The processes it runs, wherever they are: its group (the server, any helper of its own),
   * DynamoDB Local on its port, and the watchdog packages/local starts beside DynamoDB
   * Local (in a group of its own, named by both pids).
   */
  processes(): (Listed & { readonly kind: 'server' | 'dynamodb' | 'watchdog' | 'other' })[] {
    const all = listProcesses();
    const dynamo = all.filter(
      (p) => p.args.includes('DynamoDBLocal.jar') && p.args.includes(`-port ${this.ports.dynamo} `),
    );
    const watchdogs = all.filter((p) => dynamo.some((d) => p.args.endsWith(` ${this.child.pid} ${d.pid}`)));
    const others = all.filter((p) => p.pgid === this.child.pid && !dynamo.includes(p));
    return [
      ...others.map((p) => ({ ...p, kind: p.pid === this.child.pid ? ('server' as const) : ('other' as const) })),
      ...dynamo.map((p) => ({ ...p, kind: 'dynamodb' as const })),
      ...watchdogs.map((p) => ({ ...p, kind: 'watchdog' as const })),
    ];
  }

  /** SIGKILL to the whole group: nothing gets to clean up. */
  kill(): void {
    try {
      process.kill(-(this.child.pid as number), 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }

  /** Its own shutdown (SIGTERM: DynamoDB Local stopped, then exit), a SIGKILL to the group after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
