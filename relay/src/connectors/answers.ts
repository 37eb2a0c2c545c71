import { HttpError } from '../errors';
import { joinUrl, readCredential, type CredentialRef } from './config-common';
import type { Answer, AnswerCall } from './types';

/** `ticket:6fb3…` → `6fb3…`: the upstream's own id, from the tag the connector gave the event. */
export function upstreamId(answer: Answer, prefix: string): string {
  const { tag } = answer.event;
  if (!tag.startsWith(`${prefix}:`) || tag.length === prefix.length + 1) {
    throw new HttpError('invalid_action', `event ${answer.event.id} names no ${prefix}`);
  }
  return tag.slice(prefix.length + 1);
}

/** `Approval needed: bump zod` → `bump zod`: what the event is about, for the outcome's words. */
export function subjectOf(answer: Answer): string {
  const { title } = answer.event;
  const colon = title.indexOf(': ');
  return colon >= 0 ? title.slice(colon + 2) : title;
}

/** `api/approvals/{id}/approve` with the id filled in, under the upstream's base URL. */
export function answerUrl(base: string, pathTemplate: string, id: string): string {
  return joinUrl(base, pathTemplate.replace('{id}', encodeURIComponent(id)));
}

/** The relay's own credential for the upstream, read at the time of the call. */
export function bearerHeaders(ref: CredentialRef): () => Record<string, string> {
  return () => ({ authorization: `Bearer ${readCredential(ref)}` });
}

/**
 * The upstream call for a ticket's proposed resolution: accept or reject
 * (docs/upstreams.md#answers-the-upstreams-write-side).
 */
export function ticketAnswer(
  answer: Answer,
  base: string,
  path: string,
  token: CredentialRef,
): AnswerCall {
  const accept = answer.action.id === 'accept';
  return {
    url: answerUrl(base, path, upstreamId(answer, 'ticket')),
    headers: bearerHeaders(token),
    body: {
      decision: accept ? 'accept' : 'reject',
      by: answer.by,
      ...(answer.note && { note: answer.note }),
    },
    expect: accept ? 'resolved' : 'in_progress',
    done: `${accept ? 'Accepted' : 'Rejected'}: ${subjectOf(answer)}`,
  };
}

export interface AgentPaths {
  approve: string;
  deny: string;
  answer: string;
}

/** The dashboard call for an approval (approve, deny) or a question (an option, picks, text). */
export function agentAnswer(
  answer: Answer,
  base: string,
  paths: AgentPaths,
  token: CredentialRef,
): AnswerCall {
  const headers = bearerHeaders(token);
  const note = answer.note ? { note: answer.note } : {};
  const { action } = answer;
  if (action.id === 'approve' || action.id === 'deny') {
    const approve = action.id === 'approve';
    return {
      url: answerUrl(base, approve ? paths.approve : paths.deny, upstreamId(answer, 'approval')),
      headers,
      body: { by: answer.by, ...note },
      expect: approve ? 'approved' : 'denied',
      done: `${approve ? 'Approved' : 'Denied'}: ${subjectOf(answer)}`,
    };
  }
  // A question: the option's own text, the picks joined with ", ", or text
  // (docs/upstreams.md#answers-the-upstreams-write-side).
  const text =
    action.input === 'none'
      ? action.title
      : Array.isArray(answer.value)
        ? answer.value.join(', ')
        : (answer.value ?? '');
  const question = upstreamId(answer, 'question');
  const options = (answer.event.data as { options?: unknown } | undefined)?.options;
  const option = /^option-(\d+)$/.exec(action.id);
  const full =
    option && Array.isArray(options) ? String(options[Number(option[1]) - 1] ?? text) : text;
  return {
    url: answerUrl(base, paths.answer, question),
    headers,
    body: { answer: full, by: answer.by },
    done: `Answered “${full}”: ${subjectOf(answer)}`,
  };
}
