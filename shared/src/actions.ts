import { z } from 'zod';
import { actionIdSchema, producerIdSchema, type Action } from './event';

/**
 * `POST /v1/actions`: a signed-in person answers an event. `requestId` is the client's own
 * (a UUID); the same one again is answered from memory, never performed twice.
 */
export const actionRequestSchema = z
  .object({
    requestId: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'requestId: 8-100 of [A-Za-z0-9_-]'),
    /** The event answered: its seq, and its id as a check that the seq means what it meant. */
    seq: z.number().int().positive(),
    eventId: producerIdSchema,
    action: actionIdSchema,
    /** The typed text (`input: text`) or the options picked (`input: choices`). */
    value: z
      .union([z.string().min(1).max(2000), z.array(z.string().min(1).max(200)).min(1).max(20)])
      .optional(),
    note: z.string().max(500).optional(),
  })
  .strict();
export type ActionRequest = z.infer<typeof actionRequestSchema>;

/** The answer to a performed action (200). Failures are error bodies with their own codes. */
export const actionResultSchema = z.object({
  requestId: z.string(),
  action: actionIdSchema,
  /** In words, for the toast that replaces the sticky one: "Approved: Bump zod to 4.6". */
  message: z.string(),
  /** Who decided: the signed-in person. */
  by: z.string(),
  /** The upstream's status afterwards, when it says (`resolved`, `approved`). */
  status: z.string().optional(),
  at: z.string(),
});
export type ActionResult = z.infer<typeof actionResultSchema>;

/** What `already_decided` (409) adds to its error body, when the upstream says. */
export const decidedDetailSchema = z.object({
  status: z.string().optional(),
  by: z.string().optional(),
});

/**
 * Whether an answer's value is what the action takes: nothing for `none`, text that is not blank
 * for `text`, one or more of its options for `choices`. The relay refuses anything else; the
 * extension sends nothing else.
 */
export function answerFits(action: Action, value: string | readonly string[] | undefined): boolean {
  switch (action.input) {
    case 'none':
      return value === undefined;
    case 'text':
      return typeof value === 'string' && value.trim() !== '';
    case 'choices':
      return (
        Array.isArray(value) && value.length > 0 && value.every((v) => action.options?.includes(v))
      );
  }
}
