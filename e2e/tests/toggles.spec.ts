import { expectTogglesObeyed } from '../event-types';
import { expect, test } from '../fixtures';
import { newTicket, ticketMove } from '@herald/testkit/upstreams';

test('5. event-type toggles decide what the relay sends and what is toasted', async ({
  signedIn,
  tracker,
  dashboard,
  relay,
  toasts,
}) => {
  const before = newTicket('Rotate signing keys for the build farm');
  tracker.push(ticketMove(before, 'in_progress'));
  await expect.poll(() => toasts.about(before.title), { message: 'on by default' }).toHaveLength(1);

  await expectTogglesObeyed(signedIn, { tracker, dashboard, relay, toasts });
});
