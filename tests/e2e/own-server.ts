// A server process of the spec's own, to stop and start again mid-page (the shared one that
// playwright.config.ts starts must stay up for the other specs).
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MASTER_KEY } from './ui-helpers';

export class OwnServer {
  private process: ChildProcess | null = null;
  readonly database = join(tmpdir(), `routing-groups-own-${Date.now()}.db`);

  constructor(
    readonly port: number,
    private readonly repoRoot: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = spawn(
      resolve(this.repoRoot, '.venv/bin/python'),
      ['-m', 'gql_server', '--port', String(this.port), '--config', 'examples/demo-config.yaml'],
      {
        cwd: this.repoRoot,
        stdio: 'ignore',
        env: {
          ...process.env,
          DATABASE_URL: `sqlite+aiosqlite:///${this.database}`,
          MASTER_KEY,
          LITELLM_LOCAL_MODEL_COST_MAP: 'True',
          SHUTDOWN_TIMEOUT_SECONDS: '5',
        },
      },
    );
    const until = Date.now() + 120_000;
    while (Date.now() < until) {
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the server on port ${this.port} did not start`);
  }

  /** SIGKILL: the server vanishes (a crash); SIGTERM: it shuts down the way it is told to. */
  async stop(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }
}
