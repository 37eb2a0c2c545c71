import { PERSON_STATE_MAX_PUTS, statePutSchema, type StatePutResult } from '@herald/shared';
import { coalesced } from './coalesced';
import { postState, type Put } from './state-api';
import type { Auth, Outbox } from './storage';

/**
 * Changes made in this browser wait in the outbox (storage.local) until the relay takes them, so
 * a read mark made offline or in a worker the browser then stopped still reaches the others.
 * Only the latest change of each key is kept: the relay keeps only the latest too.
 */
export function queuePuts(outbox: Outbox, puts: readonly Pick<Put, 'key' | 'value'>[]): Outbox {
  const next = { ...outbox };
  for (const put of puts) {
    // Moved to the end: the relay applies puts in order, and this one is the newest.
    delete next[put.key];
    next[put.key] = put.value;
  }
  return next;
}

/** What is left once the relay answered for `sent`: a key changed again meanwhile stays. */
export function withoutSent(outbox: Outbox, sent: Outbox): Outbox {
  const left: Outbox = {};
  for (const [key, value] of Object.entries(outbox)) {
    if (!(key in sent) || JSON.stringify(sent[key]) !== JSON.stringify(value)) left[key] = value;
  }
  return left;
}

/** Without a Retry-After, another try this long after a failure (a reconnect tries sooner). */
export const RETRY_MS = 30_000;

export interface FlusherDeps {
  fetchFn: typeof fetch;
  auth: () => Promise<Auth | undefined>;
  pending: () => Outbox;
  /**
   * The relay answered for `sent` (`results`), or refused it as malformed (`dropped`): either way
   * those values leave the outbox. `stale` (the relay knows a newer event of the item) and a lost
   * `conflict` are final too: the mirror takes the relay's value.
   */
  settle: (sent: Outbox, results: StatePutResult[] | 'dropped') => Promise<void>;
}

export interface Flusher {
  /** Sends what waits; at most one flush at a time, and one more if changes came meanwhile. */
  flush(): Promise<void>;
  /** A new sign-in: the old token's refusal no longer holds. */
  reset(): void;
}

export function createFlusher(deps: FlusherDeps): Flusher {
  /** The relay refused the token: nothing is sent until the next sign-in. */
  let halted = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by `reset`: an answer for the previous person's puts is not settled. */
  let epoch = 0;

  async function sendAll(): Promise<void> {
    const auth = await deps.auth();
    const started = epoch;
    if (!auth) return;
    for (;;) {
      const batch = Object.entries(deps.pending()).slice(0, PERSON_STATE_MAX_PUTS);
      if (batch.length === 0 || halted) return;
      // A value that no longer fits the protocol could never be taken: it leaves unsent.
      const bad = batch.filter(([key, value]) => !statePutSchema.safeParse({ key, value }).success);
      if (bad.length) await deps.settle(Object.fromEntries(bad), 'dropped');
      const good = batch.filter((e) => !bad.includes(e));
      if (good.length === 0) continue;
      const sent = Object.fromEntries(good);
      const puts = good.map(([key, value]) => ({ key, value }));
      const outcome = await postState(auth.relayUrl, auth.token, puts, deps.fetchFn);
      if (started !== epoch) return;
      if (outcome.ok) {
        await deps.settle(sent, outcome.response.results);
        continue;
      }
      if (outcome.kind === 'retry') {
        // Offline or busy: the next `state` snapshot (reconnect) sends it, or this timer, after
        // the wait the relay asked for.
        retryAfter(outcome.retryAfterMs ?? RETRY_MS);
        return;
      }
      if (outcome.kind === 'unauthorized') {
        halted = true;
        return;
      }
      await deps.settle(sent, 'dropped');
    }
  }

  function retryAfter(ms: number): void {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void flush(), ms);
  }

  /** One flush at a time; changes made during it go in one more. */
  const flush = coalesced(sendAll);

  return {
    flush,
    reset: () => {
      epoch++;
      halted = false;
      clearTimeout(retryTimer);
    },
  };
}
