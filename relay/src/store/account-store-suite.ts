import { waitFor } from '@herald/testkit/wait';
import { describe, expect, it } from 'vitest';
import { AccountExistsError, AccountMissingError, type AccountStore } from './accounts';

/** A fresh, empty store per call; the suite closes what it opens. */
export type StoreFactory = () => Promise<AccountStore>;

/** The contract every account store keeps, run against each backend. */
export function describeAccountStore(name: string, create: StoreFactory): void {
  describe(`AccountStore contract: ${name}`, () => {
    it('users: add once, list, sign in with the right password only, authenticate the token', async () => {
      const store = await create();
      await store.addUser('alice', 'alice-password', ['tickets', 'agents/*']);
      await expect(store.addUser('alice', 'other-password', ['x'])).rejects.toThrow(
        AccountExistsError,
      );
      expect((await store.listUsers()).map((u) => [u.name, u.topics])).toEqual([
        ['alice', ['tickets', 'agents/*']],
      ]);
      expect(await store.login('alice', 'wrong-password')).toBeNull();
      expect(await store.login('nobody', 'alice-password')).toBeNull();
      const session = await store.login('alice', 'alice-password');
      expect(session?.topics).toEqual(['tickets', 'agents/*']);
      const principal = await store.authenticate(session!.token);
      expect(principal).toMatchObject({
        kind: 'session',
        name: 'alice',
        topics: ['tickets', 'agents/*'],
      });
      expect(await store.authenticate('hrd_not-a-token')).toBeNull();
      await store.close();
    });

    it('publishers: the token is shown once and authenticates as a publisher', async () => {
      const store = await create();
      const token = await store.addPublisher('tracker', ['tickets']);
      await expect(store.addPublisher('tracker', ['tickets'])).rejects.toThrow(AccountExistsError);
      expect(await store.authenticate(token)).toMatchObject({ kind: 'publisher', name: 'tracker' });
      expect((await store.listPublishers()).map((p) => p.name)).toEqual(['tracker']);
      await store.removePublisher('tracker');
      expect(await store.authenticate(token)).toBeNull();
      await expect(store.removePublisher('tracker')).rejects.toThrow(AccountMissingError);
      await store.close();
    });

    it('act grants: none unless given; carried by list, login and every token', async () => {
      const store = await create();
      await store.addUser('reader', 'reader-password', ['**']);
      await store.addUser('lead', 'lead-password', ['**'], ['tickets', 'agents/*']);
      expect((await store.listUsers()).map((u) => [u.name, u.act])).toEqual([
        ['lead', ['tickets', 'agents/*']],
        ['reader', []],
      ]);
      const lead = await store.login('lead', 'lead-password');
      expect(lead?.act).toEqual(['tickets', 'agents/*']);
      expect(await store.authenticate(lead!.token)).toMatchObject({ act: ['tickets', 'agents/*'] });
      const reader = await store.login('reader', 'reader-password');
      expect(reader?.act).toEqual([]);
      expect(await store.authenticate(reader!.token)).toMatchObject({ act: [] });
      await store.close();
    });

    it("a publisher's action URL, signed with the hash of its token", async () => {
      const store = await create();
      const token = await store.addPublisher('ci', ['jobs/**'], 'https://ci.example/herald');
      await store.addPublisher('plain', ['jobs/**']);
      const principal = await store.authenticate(token);
      expect(principal).toMatchObject({ actionUrl: 'https://ci.example/herald' });
      expect(await store.actionTarget('ci')).toEqual({
        url: 'https://ci.example/herald',
        key: principal!.tokenHash,
      });
      expect(await store.actionTarget('plain')).toBeNull();
      expect(await store.actionTarget('nobody')).toBeNull();
      expect((await store.listPublishers()).map((p) => p.actionUrl)).toEqual([
        'https://ci.example/herald',
        undefined,
      ]);
      await store.close();
    });

    it('revoking and removing end tokens and are announced', async () => {
      const store = await create();
      const heard: string[] = [];
      await store.onRevoked((hashes) => heard.push(...hashes));
      await store.addUser('bob', 'bob-password', ['**']);
      const one = await store.login('bob', 'bob-password');
      const two = await store.login('bob', 'bob-password');
      const [p1, p2] = [await store.authenticate(one!.token), await store.authenticate(two!.token)];
      const both = [p1!.tokenHash, p2!.tokenHash];
      expect(await store.liveTokens([...both, 'f'.repeat(64)])).toEqual(new Set(both));
      await store.revoke(p1!.tokenHash);
      await waitFor(() => heard.includes(p1!.tokenHash), 'the revoke heard', { timeoutMs: 3000 });
      expect(await store.authenticate(one!.token)).toBeNull();
      expect(await store.liveTokens(both)).toEqual(new Set([p2!.tokenHash]));
      await store.removeUser('bob');
      await waitFor(() => heard.includes(p2!.tokenHash), 'the removal heard', { timeoutMs: 3000 });
      expect(await store.liveTokens(both)).toEqual(new Set());
      expect(await store.login('bob', 'bob-password')).toBeNull();
      await expect(store.removeUser('bob')).rejects.toThrow(AccountMissingError);
      await store.close();
    });
  });
}
