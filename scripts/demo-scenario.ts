import { randomUUID } from 'node:crypto';
import type { FakeDashboard, FakeRpcDaemon, FakeTracker } from '@herald/testkit/upstreams';

/** Paced, believable upstream traffic for `npm run demo`: a few things a minute, some waiting on you. */
export interface Upstreams {
  tracker: FakeTracker;
  dashboard: FakeDashboard;
  rpc: FakeRpcDaemon;
  /** Posts a signed job-runner delivery to the relay's webhook. */
  postJob(job: Record<string, unknown>): Promise<void>;
  say(line: string): void;
}

const TICKETS = [
  'Add browser notifications to /tickets page',
  'Rotate signing keys for the build farm',
  'Flaky login test on CI',
  'Dark mode for the dashboard',
  'Export tickets as CSV',
  'Search ignores accents',
];
const PEOPLE = ['alice', 'bob', 'handler'];
const AGENTS = ['alpha', 'beta', 'gamma'];
const JOBS = ['nightly backup', 'deploy web', 'rebuild search index'];
const FILES = ['debian-13.iso', 'dataset-2026-04.parquet', 'release-notes.pdf'];

const pick = <T>(items: readonly T[], i: number): T => items[i % items.length]!;
const iso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const unix = () => Math.floor(Date.now() / 1000);

export function runScenario(up: Upstreams): () => void {
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const status = new Map<string, string>();
  const ids = TICKETS.map(() => randomUUID());
  let step = 0;
  let approvalId = 100;
  let questionId = 10;

  const moveTicket = (i: number, to: string, by: string) => {
    const id = ids[i]!;
    const before = status.get(id) ?? 'open';
    status.set(id, to);
    const priority = `P${(i % 4) + 1}`;
    up.tracker.push({
      ticket_id: id,
      title: TICKETS[i],
      status_before: before,
      status_after: to,
      by,
      action: to,
      at: iso(),
      priority,
      labels: [],
    });
    up.say(`tracker   ${TICKETS[i]}: ${before} → ${to}`);
  };

  const actions: Array<(n: number) => void> = [
    (n) => {
      const i = n % TICKETS.length;
      moveTicket(i, 'in_progress', pick(PEOPLE, n));
      later(8_000, () => moveTicket(i, 'proposed_resolution', 'handler'));
      later(30_000, () =>
        moveTicket(i, n % 3 === 0 ? 'rejected' : 'resolved', pick(PEOPLE, n + 1)),
      );
    },
    (n) => {
      const id = approvalId++;
      const agent = pick(AGENTS, n);
      const sha = randomUUID().slice(0, 7);
      const description = pick(
        ['Fix off-by-one in pager', 'Bump zod to 4.6', 'Retry uploads on 503'],
        n,
      );
      up.dashboard.emit({
        kind: 'approval_added',
        id,
        agent,
        approval_kind: 'apply_commit',
        sha_short: sha,
        description,
      });
      up.say(`dashboard approval ${id} from ${agent}: ${description}`);
      later(20_000, () => {
        const st = n % 4 === 0 ? 'denied' : 'approved';
        up.dashboard.emit({
          kind: 'approval_resolved',
          id,
          agent,
          approval_kind: 'apply_commit',
          sha_short: sha,
          status: st,
          resolved_at: unix(),
          note: null,
          description,
        });
        up.say(`dashboard approval ${id} ${st}`);
      });
    },
    (n) => {
      const job = { job_id: `run-${n}`, name: pick(JOBS, n) };
      void up.postJob({ event: 'job.started', ...job, at: iso() });
      up.say(`jobs      ${job.name} started`);
      later(12_000, () => {
        const failed = n % 3 === 2;
        void up.postJob(
          failed
            ? {
                event: 'job.failed',
                ...job,
                at: iso(),
                error: 'exit status 1: disk quota exceeded',
              }
            : { event: 'job.completed', ...job, at: iso(), duration_s: 15 },
        );
        up.say(`jobs      ${job.name} ${failed ? 'failed' : 'completed'}`);
      });
    },
    (n) => {
      const id = questionId++;
      const asker = pick(AGENTS, n + 1);
      up.dashboard.emit({
        kind: 'question_added',
        id,
        asker,
        question: pick(
          ['Deploy to staging now or wait for the nightly?', 'Which branch should I rebase on?'],
          n,
        ),
        options: n % 2 ? ['main', 'next'] : ['now', 'nightly'],
        multi: false,
        asked_at: unix(),
      });
      up.say(`dashboard question ${id} from ${asker}`);
      later(25_000, () => {
        up.dashboard.emit({
          kind: 'question_resolved',
          id,
          answer: n % 2 ? 'main' : 'nightly',
          answerer: 'operator',
          answered_at: unix(),
          cancelled: false,
        });
        up.say(`dashboard question ${id} answered`);
      });
    },
    (n) => {
      const gid = `dl-${n}`;
      const name = pick(FILES, n);
      up.rpc.notify('download.started', { id: gid, name, size: 734_003_200 });
      for (let p = 10; p <= 90; p += 10)
        later(p * 100, () => up.rpc.notify('download.progress', { id: gid, progress: p }));
      later(10_000, () => up.rpc.notify('download.complete', { id: gid, name, size: 734_003_200 }));
      up.say(`downloads ${name} started`);
    },
    (n) => {
      const from = pick(AGENTS, n);
      const to = pick(AGENTS, n + 1);
      up.dashboard.emit({
        kind: 'sent',
        from,
        to,
        body: 'can you review my last commit?',
        at: unix(),
      });
      up.dashboard.emit({
        kind: 'transient_set',
        name: to,
        transient_kind: 'rebuilding',
        since_unix: unix(),
      });
      later(5_000, () => up.dashboard.emit({ kind: 'transient_cleared', name: to }));
    },
  ];

  const tick = () => {
    const n = step++;
    pick(actions, n)(Math.floor(n / actions.length) + n);
    later(3_000 + Math.floor(Math.random() * 3_000), tick);
  };
  later(500, tick);
  return () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
}
