import { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../connectors/webhook-signature';
import type { Answer, AnswerCall } from '../connectors/types';
import type { ActionTarget } from '../store/accounts';

/**
 * An answer to a publisher's event, POSTed to the URL it registered and signed like Herald's
 * inbound webhooks (`x-herald-timestamp`, `x-herald-signature: sha256=HMAC(key, "<ts>.<body>")`)
 * with the SHA-256 of its token as the key. Its status code is the outcome: 2xx done (a
 * `message` in the reply is shown), 409 already decided, 5xx or silence retried.
 */
export function publisherCall(answer: Answer, requestId: string, target: ActionTarget): AnswerCall {
  const { event, action } = answer;
  return {
    url: target.url,
    headers: (body) => {
      const timestamp = Math.floor(Date.now() / 1000);
      return {
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhook(target.key, timestamp, body),
      };
    },
    body: {
      requestId,
      event: { id: event.id, seq: event.seq, topic: event.topic, tag: event.tag },
      action: action.id,
      ...(answer.value !== undefined && { value: answer.value }),
      ...(answer.note && { note: answer.note }),
      by: answer.by,
    },
    done: `${action.title}: ${event.title}`,
  };
}
