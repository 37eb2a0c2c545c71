import type { PublishEvent } from '@herald/shared';
import { expectEachOnce, publishJobs, type Publish } from '../delivery';
import { STICKY, stickiness, type Toasts } from '../dunst';
import { ALICE, expect, test as base } from '../fixtures';
import type { PopupPage } from '../pages/popup';
import { startTeam, type Team } from '../team';
import { jobEvent } from '../upstream-events';
import { readStream } from '@herald/testkit/stream-client';

// A team's deployment (docs/deploy.md): two relays on one Redis behind HAProxy with TLS, the
// browser told only the proxy's https:// URL. The proxy's certificate is the suite's own, so the
// browser runs with --ignore-certificate-errors; everything else is as a team runs it. The
// proxy's idle timeouts are cut to 3 s and the relays beat every second.

const test = base.extend<{ team: Team; popup: PopupPage }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads dependencies from this pattern
  team: async ({}, use) => {
    const team = await startTeam({ heartbeatSeconds: 1, proxyIdleSeconds: 3 });
    try {
      await team.relays[0].addUser(ALICE.name, ALICE.password, ['tickets', 'jobs/**']);
      await use(team);
    } finally {
      await team.stop();
    }
  },
  popup: async ({ ext, team, toasts }, use) => {
    void toasts; // counting from before sign-in
    const popup = await ext.openPopup();
    await popup.signIn(team.url, ALICE.name, ALICE.password);
    await popup.expectConnected();
    await use(popup);
  },
});
test.use({ ignoreCertificateErrors: true });

const PROPOSED: PublishEvent = {
  id: 'deploy-t1-proposed',
  topic: 'tickets',
  kind: 'ticket.proposed_resolution',
  tag: 'ticket:deploy-t1',
  title: 'Resolution proposed: Put Herald behind the proxy',
  sticky: true,
  url: 'https://tracker.example/tickets/deploy-t1',
};

/** The sticky toast for a proposed resolution is up: the thing that must survive what follows. */
async function stickyShown(team: Team, toasts: Toasts): Promise<number> {
  const { results } = await team.publish(PROPOSED);
  await expect.poll(() => toasts.about(PROPOSED.title)).toHaveLength(1);
  expect(stickiness(toasts.about(PROPOSED.title)[0])).toEqual(STICKY);
  return results[0]!.seq;
}

/** Connected again, every event listed once, no toast twice, the sticky one still up. */
async function expectAllThere(popup: PopupPage, toasts: Toasts, seqs: number[]): Promise<void> {
  await expect(popup.status).toContainText('Connected');
  await expectEachOnce(popup, toasts, seqs);
  expect(toasts.about(PROPOSED.title), 'the proposal toasted once').toHaveLength(1);
  expect(await toasts.onScreen(PROPOSED.title), 'the sticky toast still on screen').toBe(true);
}

/** A producer publishing through the proxy every `everyMs` until stopped (at most `max`). */
function producer(publish: Publish, run: string, everyMs: number, max: number) {
  const seqs: number[] = [];
  let stopped = false;
  const done = (async () => {
    for (let n = 1; n <= max && !stopped; n++) {
      seqs.push(...(await publishJobs(publish, run, n, n)));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    /** Resolves once `count` events have been acknowledged. */
    acknowledged: (count: number) =>
      expect.poll(() => seqs.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(count),
    /** Stops, and returns every seq acknowledged; rejects if any publish was refused. */
    stop: async () => {
      stopped = true;
      await done;
      return seqs;
    },
  };
}

test('11. kill -9 of the relay holding the socket: the extension fails over through the proxy, each event once, the sticky toast stays', async ({
  team,
  popup,
  toasts,
}) => {
  const seqs = [await stickyShown(team, toasts)];
  const holder = await team.holder(ALICE.name);
  const other = team.relays.find((r) => r !== holder)!;

  // A producer publishing through the proxy all along: every publish must be acknowledged.
  const jobs = producer(team.publish, 'f11', 100, 40);
  await jobs.acknowledged(8);
  // Some of those are still on their way to the extension when its relay dies.
  await holder.kill9();
  await jobs.acknowledged(25);
  seqs.push(...(await jobs.stop()));

  expect(await team.holder(ALICE.name, [other]), 'reconnected to the other relay').toBe(other);
  await expectAllThere(popup, toasts, seqs);
});

test('12. a rolling restart of both relays while a producer publishes: each event once, the sticky toast stays', async ({
  team,
  popup,
  toasts,
}) => {
  test.setTimeout(120_000);
  const seqs = [await stickyShown(team, toasts)];
  const probeToken = await team.login(ALICE.name, ALICE.password);
  // The recent list keeps 50: the producer stops at 45 whatever happens.
  const jobs = producer(team.publish, 'r12', 200, 45);
  // The relay holding the socket first, so the extension moves twice.
  const first = await team.holder(ALICE.name);
  for (const relay of [first, team.relays.find((r) => r !== first)!]) {
    expect(await relay.stop(), 'a graceful stop').toBe(0);
    await relay.restart();
    await team.waitUntilProxied(relay, probeToken);
  }
  seqs.push(...(await jobs.stop()));
  await expectAllThere(popup, toasts, seqs);
});

test('13. an idle connection outlives the proxy idle timeout: the relay heartbeats keep it open', async ({
  team,
  popup,
  toasts,
}) => {
  const holder = await team.holder(ALICE.name);
  const opened = holder.logs.filter((l) => l.msg === 'connection open' && l.user === ALICE.name);
  // A clock made of heartbeats: a witness reader through the same proxy hears nine of them,
  // three proxy idle timeouts, while the extension's socket carries nothing but beats.
  const witness = await readStream(team.url, await team.login(ALICE.name, ALICE.password), {
    ca: team.proxy.ca,
  });
  await witness.waitForKeepAlives(9, 20_000);
  witness.abort();
  const all = team.relays.flatMap((r) => r.logs);
  expect(
    all.filter(
      (l) => l.msg === 'connection close' && l.user === ALICE.name && l.transport === 'ws',
    ),
    'the extension socket never closed',
  ).toEqual([]);
  expect(
    all.filter((l) => l.msg === 'connection open' && l.user === ALICE.name && l.transport === 'ws'),
  ).toEqual(opened);

  const { results } = await team.publish(jobEvent('i13', 1));
  await expect.poll(() => toasts.about('i13 #1 passed')).toHaveLength(1);
  await expectEachOnce(
    popup,
    toasts,
    results.map((r) => r.seq),
  );
});
