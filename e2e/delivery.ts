// What "nothing lost, nothing shown twice" means to a person, checked the same way everywhere.
import type { PublishEvent, PublishResponse } from '@herald/shared';
import { expect } from '@playwright/test';
import type { Toasts } from './dunst';
import type { Popup } from './pages/popup';
import { jobEvent } from './upstream-events';

export type Publish = (events: PublishEvent | PublishEvent[]) => Promise<PublishResponse>;

/** Publishes job events `from..to` one after the other; returns the seq the relay gave each. */
export async function publishJobs(
  publish: Publish,
  run: string,
  from: number,
  to: number,
): Promise<number[]> {
  const seqs: number[] = [];
  for (let n = from; n <= to; n++) {
    const { results } = await publish(jobEvent(run, n));
    seqs.push(...results.map((r) => r.seq));
  }
  return seqs;
}

/** Every published event is in the recent list exactly once, and no toast was shown twice. */
export async function expectEachOnce(popup: Popup, toasts: Toasts, seqs: number[]): Promise<void> {
  const want = [...seqs].sort((a, b) => a - b);
  await expect
    .poll(async () => (await popup.recentSeqs()).sort((a, b) => a - b), { timeout: 30_000 })
    .toEqual(want);
  expect(toasts.shownTwice(), 'toasts shown twice').toEqual([]);
}
