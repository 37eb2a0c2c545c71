import { HTTP_ERRORS, type ErrorBody, type HttpErrorCode } from '@herald/shared';
import type { Response } from 'express';

/** An error that becomes `{error:{code,message}}` with the code's HTTP status. */
export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly extra: {
      issues?: unknown[];
      retryAfterSeconds?: number;
      cause?: unknown;
      /** `already_decided`: the upstream's current status and who decided, when it said. */
      decided?: { status?: string; by?: string };
    } = {},
  ) {
    super(message, { cause: extra.cause });
    this.status = HTTP_ERRORS[code];
  }
}

/** The one error body shape (shared's `ErrorBody`): every HTTP error answer is built here. */
export function errorBody(e: HttpError): ErrorBody {
  return {
    error: {
      code: e.code,
      message: e.message,
      ...(e.extra.issues && { issues: e.extra.issues }),
      ...e.extra.decided,
    },
  };
}

/**
 * Answers with `e`: its `Retry-After`, status and body. A response already under way cannot
 * change its status any more, so it is cut instead: the client sees a failure, never a
 * truncated success.
 */
export function sendHttpError(res: Response, e: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (e.extra.retryAfterSeconds !== undefined)
    res.setHeader('Retry-After', String(e.extra.retryAfterSeconds));
  res.status(e.status).json(errorBody(e));
}
