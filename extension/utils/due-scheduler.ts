import { browser } from 'wxt/browser';
import { coalesced } from './coalesced';

export const DUE_ALARM = 'herald:due';
/** Chrome fires an alarm no sooner than 30 s after it is set. */
export const ALARM_MIN_MS = 30_000;
/** setTimeout overflows past 2^31 ms; a far-off time is looked at again after a day. */
const MAX_TIMER_MS = 24 * 60 * 60 * 1000;

/**
 * Runs `check` when the next snooze end or reminder is due. A timer while the worker lives (to
 * the second), and an alarm as a backstop for a worker the browser stopped (the alarm wakes it;
 * at least 30 s away, Chrome's minimum). `check` does what is due and says when to look next.
 */
export function createDueScheduler(
  check: () => Promise<number | undefined>,
  now: () => number = Date.now,
) {
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function schedule(at: number | undefined): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    // Only our own alarm is replaced: the watchdog keeps its period.
    if (at === undefined) {
      await browser.alarms.clear(DUE_ALARM);
      return;
    }
    const wait = Math.min(Math.max(0, at - now()), MAX_TIMER_MS);
    timer = setTimeout(() => void run(), wait);
    await browser.alarms.create(DUE_ALARM, { when: Math.max(at, now() + ALARM_MIN_MS) });
  }

  /** One check at a time; a request meanwhile runs one more after it (state changed since). */
  const run = coalesced(async () => schedule(await check().catch(() => now() + ALARM_MIN_MS)));

  return {
    run,
    onAlarm: (name: string) => (name === DUE_ALARM ? run() : Promise.resolve()),
    stop: () => {
      clearTimeout(timer);
      timer = undefined;
      return browser.alarms.clear(DUE_ALARM).then(() => undefined);
    },
  };
}
