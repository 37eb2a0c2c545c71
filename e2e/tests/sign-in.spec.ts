import { join } from 'node:path';
import { CLOSE } from '@herald/shared';
import { connect } from '@herald/testkit/ws-client';
import { ALICE, expect, test } from '../fixtures';
import { DOCS_IMG } from '../paths';

test('1. signs in once from the popup and is still signed in after a browser restart', async ({
  ext,
  relay,
}) => {
  const popup = await ext.openPopup();
  await popup.expectSignedOut();
  await expect(popup.status).toHaveText('Signed out');
  await popup.page.screenshot({ path: join(DOCS_IMG, 'popup-signed-out.png') });

  await popup.signIn(relay.url, ALICE.name, ALICE.password);
  await popup.expectConnected();

  await ext.close();
  await ext.launch();
  const again = await ext.openPopup();
  await again.expectConnected();
  await expect(again.relayUrl).toBeHidden();
  await expect(again.password).toBeHidden();
});

test('9. signing out revokes the token at the relay and brings back the sign-in form', async ({
  ext,
  relay,
  signedIn,
}) => {
  const stored = (await ext.storageLocal())['auth'] as { token: string } | undefined;
  const token = stored?.token;
  expect(token, 'the extension keeps its token while signed in').toBeTruthy();

  await signedIn.signOutButton.click();
  await signedIn.expectSignedOut();
  await expect(signedIn.status).toHaveText('Signed out');
  expect((await ext.storageLocal())['auth']).toBeUndefined();

  const client = await connect(relay.url);
  client.send({ type: 'hello', token });
  expect((await client.closed).code).toBe(CLOSE.UNAUTHORIZED);
});

test('10. the popup says in words what went wrong: password, unreachable relay, bad URL', async ({
  ext,
  relay,
}) => {
  const popup = await ext.openPopup();

  await popup.signIn(relay.url, ALICE.name, 'not the password');
  await expect(popup.alert).toHaveText(/wrong username or password/i);
  await popup.expectSignedOut();

  await popup.signIn('relay at home', ALICE.name, ALICE.password);
  await expect(popup.alert).toHaveText(/not a valid url/i);
  await popup.expectSignedOut();

  await relay.stop();
  await popup.signIn(relay.url, ALICE.name, ALICE.password);
  await expect(popup.alert).toHaveText(/relay not reachable/i);
  await popup.expectSignedOut();
});

test('25. a relay that stops accepting the extension: the popup says so in words, and signing in again once it accepts reconnects', async ({
  relay,
  signedIn,
}) => {
  // The operator restarts the relay with an allow-list that leaves this extension out.
  await relay.stop();
  await relay.restart({ HERALD_ALLOWED_ORIGINS: 'chrome-extension://some-other-extension' });
  await expect(signedIn.status).toHaveText('Refused by the relay');
  const detail = signedIn.page.locator('#detail');
  await expect(detail).toContainText('The relay does not accept this extension');
  await expect(detail).toContainText('Sign out and in again once the relay allows it.');

  // Allowed again (the default list): a fresh sign-in connects.
  await relay.stop();
  await relay.restart({ HERALD_ALLOWED_ORIGINS: undefined });
  await signedIn.signOutButton.click();
  await signedIn.expectSignedOut();
  await signedIn.signIn(relay.url, ALICE.name, ALICE.password);
  await signedIn.expectConnected();
});
