import { join } from 'node:path';
import type { PublishEvent } from '@herald/shared';
import { expect, test, type Relay } from '../fixtures';
import { expectEachOnce, publishJobs } from '../delivery';
import { DOCS_IMG } from '../paths';
import { newTicket, ticketMove } from '@herald/testkit/upstreams';
import { jobEvent, relayMetric } from '../upstream-events';

const publisher = (relay: Relay) => (events: PublishEvent | PublishEvent[]) =>
  relay.publish(relay.publisherToken, events);

test('6. kill -9 of the relay while events flow: each event listed once, none toasted twice', async ({
  signedIn,
  relay,
  toasts,
}) => {
  const seqs = await publishJobs(publisher(relay), 'r6', 1, 8);
  // Right after the 8th is committed, some of them are still on their way to the ext.
  await relay.kill9();
  await expect(signedIn.status).not.toHaveText('Connected');
  await expect(
    relay.publish(relay.publisherToken, jobEvent('r6', 9)),
    'a producer cannot reach a dead relay',
  ).rejects.toThrow();

  await relay.restart();
  seqs.push(...(await publishJobs(publisher(relay), 'r6', 9, 20)));
  await expect(signedIn.status).toHaveText('Connected', { timeout: 30_000 });
  await expectEachOnce(signedIn, toasts, seqs);
});

test('7. a worker stopped mid-stream comes back by itself and resumes where it was', async ({
  ext,
  signedIn,
  relay,
  toasts,
}) => {
  // Chrome's watchdog alarm fires at most once a minute; the worker may wait that long.
  test.setTimeout(180_000);
  const seqs = await publishJobs(publisher(relay), 'r7', 1, 5);
  const cursor = async () => ((await ext.storageLocal())['cursor'] as { since?: number })?.since;
  await expect.poll(cursor, { message: 'the first five fully processed' }).toBe(seqs[4]);

  await ext.stopWorker();
  seqs.push(...(await publishJobs(publisher(relay), 'r7', 6, 12)));

  await ext.waitForWorkerRunning(90_000);
  await expectEachOnce(signedIn, toasts, seqs);
  expect(await cursor(), 'resumed up to the newest event').toBe(Math.max(...seqs));
  for (let n = 1; n <= 5; n++) expect(toasts.about(`r7 #${n} passed`)).toHaveLength(1);
  // Resumed after the fifth: the seven it missed, and only those, are summed up.
  await expect
    .poll(() => toasts.about('updates while you were away').map((t) => t.summary))
    .toEqual(['7 updates while you were away']);
});

test('8. ten events while the browser was closed: one summary toast, ten more items listed', async ({
  ext,
  signedIn,
  tracker,
  relay,
  toasts,
}) => {
  const first = newTicket('Add browser notifications to /tickets page');
  tracker.push(ticketMove(first, 'in_progress'));
  await expect(signedIn.recentItems).toHaveCount(1);
  await expect.poll(() => toasts.about(first.title)).toHaveLength(1);

  await ext.close();
  const missed = Array.from({ length: 10 }, (_, i) => newTicket(`Offline ticket ${i + 1}`));
  for (const ticket of missed) tracker.push(ticketMove(ticket, 'in_progress'));
  await expect.poll(() => relayMetric(relay.url, 'herald_log_head')).toBe(11);

  await ext.launch();
  const popup = await ext.openPopup();
  await expect(popup.recentItems).toHaveCount(11);
  await expect.poll(() => toasts.about('10 updates while you were away')).toHaveLength(1);
  for (const ticket of missed) expect(toasts.about(ticket.title)).toHaveLength(0);
  expect(toasts.shown()).toHaveLength(2);
  await popup.page.screenshot({ path: join(DOCS_IMG, 'popup-signed-in.png') });
});
