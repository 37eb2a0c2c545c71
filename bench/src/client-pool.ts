import { fork, type ChildProcess } from 'node:child_process';
import type {
  ClientCommand,
  ClientProgress,
  ClientReply,
  ClientSetup,
  ClientStats,
  StormResult,
} from './ipc';
import type { Target } from './targets';

type Cmd = ClientCommand extends infer C
  ? C extends { id: number }
    ? Omit<C, 'id'>
    : never
  : never;

interface Proc {
  child: ChildProcess;
  progress: number;
  waiting: Map<number, (r: ClientReply) => void>;
}

// 64 source addresses keep each under Herald's per-address connect burst (200), as real clients
// from many addresses would be, and far from running out of ports.
const LOCAL_ADDRESSES = Array.from({ length: 64 }, (_, i) => `127.0.1.${i + 1}`);

/** The orchestrator's handle on 1-2 client processes (clients.ts). */
export class ClientPool {
  private procs: Proc[] = [];
  private nextId = 1;
  private progressWaiters: (() => void)[] = [];

  static async start(processes: number, setup: ClientSetup): Promise<ClientPool> {
    const pool = new ClientPool();
    for (let i = 0; i < processes; i++) {
      const child = fork(new URL('./clients.ts', import.meta.url), [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const proc: Proc = { child, progress: 0, waiting: new Map() };
      child.on('message', (m: ClientReply | ClientProgress) => {
        if ('progress' in m) {
          proc.progress = m.received;
          for (const w of pool.progressWaiters.splice(0)) w();
          return;
        }
        proc.waiting.get(m.id)?.(m);
        proc.waiting.delete(m.id);
      });
      pool.procs.push(proc);
    }
    await pool.all({ cmd: 'setup', setup });
    return pool;
  }

  /**
   * Client processes for `clients` connections to `target`: spread over 64 source addresses,
   * and about 100 of them (1 in 10 at 1k) sampling latency.
   */
  static for(target: Target, clients: number, processes: number): Promise<ClientPool> {
    return ClientPool.start(processes, {
      protocol: target.protocol,
      url: target.wsUrl,
      token: target.userToken,
      localAddresses: LOCAL_ADDRESSES,
      sampleEvery: Math.max(1, Math.round(clients / 100)),
    });
  }

  get pids(): number[] {
    return this.procs.map((p) => p.child.pid ?? 0);
  }

  /** Events received by all clients, as last reported (every 25 ms). */
  get progress(): number {
    return this.procs.reduce((s, p) => s + p.progress, 0);
  }

  /** Resolves at the next progress report, or after `ms`. */
  nextProgress(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.progressWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private ask(proc: Proc, cmd: Cmd, timeoutMs = 120_000): Promise<ClientReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`client ${cmd.cmd} timed out`)), timeoutMs);
      proc.waiting.set(id, (r) => {
        clearTimeout(t);
        if (r.ok) resolve(r);
        else reject(new Error(r.error));
      });
      proc.child.send({ ...cmd, id } as ClientCommand);
    });
  }

  private all(cmd: Cmd): Promise<ClientReply[]> {
    return Promise.all(this.procs.map((p) => this.ask(p, cmd)));
  }

  /** Opens `count` connections spread evenly over the processes; returns how many are ready. */
  async connect(count: number, timeoutMs: number): Promise<number> {
    const n = this.procs.length;
    const replies = await Promise.all(
      this.procs.map((p, i) =>
        this.ask(
          p,
          { cmd: 'connect', count: Math.floor(count / n) + (i < count % n ? 1 : 0), timeoutMs },
          timeoutMs + 10_000,
        ),
      ),
    );
    return replies.reduce((s, r) => s + (r.ok ? (r.connected ?? 0) : 0), 0);
  }

  async reset(): Promise<void> {
    await this.all({ cmd: 'reset' });
    for (const p of this.procs) p.progress = 0;
  }

  /** Stats of every process, one entry per process. */
  async stats(): Promise<ClientStats[]> {
    const replies = await this.all({ cmd: 'stats' });
    return replies.map((r) => (r.ok && r.stats ? r.stats : failed()));
  }

  /** Drops `count` clients and brings them back with `since`, at `url` if given. */
  async storm(count: number, timeoutMs: number, url?: string): Promise<StormResult[]> {
    const n = this.procs.length;
    const replies = await Promise.all(
      this.procs.map((p) =>
        this.ask(p, { cmd: 'storm', count: Math.ceil(count / n), timeoutMs, url }),
      ),
    );
    return replies.map((r) => (r.ok && r.storm ? r.storm : failed()));
  }

  async stop(): Promise<void> {
    await this.all({ cmd: 'close' }).catch(() => undefined);
    for (const p of this.procs) p.child.disconnect();
    this.procs = [];
  }
}

function failed(): never {
  throw new Error('client process returned no data');
}
