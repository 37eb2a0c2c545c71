import { stateKey } from '@herald/shared';
import { muteUntilFor, type MuteChoice } from './mute';
import type { PersonSync } from './person-sync';
import { markAllRead, updateRecent } from './recent';
import type { WorkerRequest, Reply } from './worker-requests';
import { zoneOf } from './settings';
import { snoozeValue } from './snooze';
import { getLocal } from './storage';

const OK: Reply = { ok: true };

/**
 * The popup's requests that change the person's state: each is applied here at once and sent to
 * the relay, which hands it to the person's other browsers (person-sync.ts).
 */
export function createPersonRequests(sync: PersonSync) {
  return {
    /** Every item read, in one request to the relay (the outbox sends the marks together). */
    async markAllRead(): Promise<Reply> {
      const list = await getLocal('recent');
      await sync.markRead(list.map((i) => ({ tag: i.tag, seq: i.seq })));
      await updateRecent(markAllRead);
      return OK;
    },

    async mute(choice: MuteChoice): Promise<Reply> {
      await sync.ready();
      const until = muteUntilFor(choice, Date.now(), zoneOf(sync.settings()));
      await sync.updateSettings({ muteUntil: until });
      return OK;
    },

    /** The snooze covers the item as listed now (its newest seq). */
    async snooze(request: Extract<WorkerRequest, { type: 'snooze' }>): Promise<Reply> {
      const item = (await getLocal('recent')).find((i) => i.tag === request.tag);
      if (!item) return { ok: false, code: 'not_found' };
      await sync.ready();
      const zone = zoneOf(sync.settings());
      const value = snoozeValue(request.choice, item.seq, Date.now(), zone, request.ms);
      await sync.change([{ key: stateKey('snooze', item.tag), value }]);
      return OK;
    },

    async settings(
      patch: Extract<WorkerRequest, { type: 'settings' }>['settings'],
    ): Promise<Reply> {
      return (await sync.updateSettings(patch)) ? OK : { ok: false, code: 'invalid_request' };
    },
  };
}
