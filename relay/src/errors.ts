import { HTTP_ERRORS, type HttpErrorCode } from '@herald/shared';

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
