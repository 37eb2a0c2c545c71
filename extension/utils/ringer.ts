import { deviceId } from './device-id';
import { dueWork } from './due';
import { ALARM_MIN_MS } from './due-scheduler';
import type { Notifier } from './notifier';
import type { PersonSync } from './person-sync';
import { getLocal } from './storage';

/**
 * Snoozes that ran out and reminders that are due: each rings in the one browser whose claim of
 * its slot the relay applied; the others stay quiet. Returns when to look again (soon when the
 * relay could not be asked: the slot is still unclaimed).
 */
export function createRinger(sync: PersonSync, notifier: Notifier) {
  return async function check(): Promise<number | undefined> {
    await sync.ready();
    if (!(await getLocal('auth'))) return undefined;
    await notifier.applyState(); // a snooze that ran out: the item counts on the badge again
    const now = Date.now();
    const { ring, next } = dueWork(await getLocal('recent'), sync.view(), sync.settings(), now);
    let failed = false;
    const by = await deviceId();
    for (const r of ring) {
      const claim = await sync.claimRing(r.tag, { seq: r.seq, slot: r.slot, by }, r.ifRev);
      if (claim === 'won') await notifier.ring(r.tag);
      failed ||= claim === 'failed';
    }
    const retry = now + ALARM_MIN_MS;
    return failed ? Math.min(next ?? retry, retry) : next;
  };
}
