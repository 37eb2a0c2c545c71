import { personSettingsSchema } from '@herald/shared';
import { z } from 'zod';
import { browser } from 'wxt/browser';

/** What the popup (or options page) asks the background worker to do. */
export const workerRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('signIn'),
    relayUrl: z.string().max(2000),
    username: z.string().max(100),
    password: z.string().max(1000),
  }),
  z.object({ type: z.literal('signOut') }),
  /** Same as clicking the toast with this tag: open its page, clear the toast, mark it read. */
  z.object({ type: z.literal('open'), tag: z.string().max(200) }),
  z.object({ type: z.literal('markAllRead') }),
  z.object({ type: z.literal('mute'), choice: z.enum(['hour', 'tomorrow', 'off']) }),
  /**
   * Puts the item's toast away in every browser of the person: for an hour, until 08:00 tomorrow
   * (their time zone), or until the item changes; `off` ends it. `ms` is for tests only (the
   * end-to-end suite needs seconds, not an hour): the snooze ends `ms` from now.
   */
  z.object({
    type: z.literal('snooze'),
    tag: z.string().max(200),
    choice: z.enum(['hour', 'tomorrow', 'change', 'off']),
    ms: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 3600_000)
      .optional(),
  }),
  /**
   * Changes to the person's settings document (toggles, quiet hours, reminder interval, mute),
   * merged over it and sent to the relay, which gives them to the person's other browsers. Also
   * how tests set a short reminder interval (`remindAfterMs: 3000`).
   */
  z.object({ type: z.literal('settings'), settings: personSettingsSchema }),
  /** Skip the rest of the backoff wait. */
  z.object({ type: z.literal('reconnect') }),
  /** Answer the item with this tag from the popup: `value` is the typed text or the picks. */
  z.object({
    type: z.literal('act'),
    tag: z.string().max(200),
    action: z.string().max(40),
    value: z.union([z.string().max(2000), z.array(z.string().max(200)).max(20)]).optional(),
  }),
]);
export type WorkerRequest = z.infer<typeof workerRequestSchema>;

export const replySchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    code: z.string(),
    retryAfter: z.number().optional(),
    /** The failure in words, when the worker has more to say than the code (a failed answer). */
    message: z.string().optional(),
  }),
]);
export type Reply = z.infer<typeof replySchema>;

/** Sends a request to the worker; a missing or malformed reply becomes an error code. */
export async function askWorker(request: WorkerRequest): Promise<Reply> {
  try {
    const parsed = replySchema.safeParse(await browser.runtime.sendMessage(request));
    return parsed.success ? parsed.data : { ok: false, code: 'unexpected_response' };
  } catch {
    return { ok: false, code: 'worker_unavailable' };
  }
}
