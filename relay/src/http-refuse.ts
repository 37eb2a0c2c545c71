import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { HTTP_ERRORS, type HttpErrorCode } from '@herald/shared';
import { STATUS_CODES } from 'node:http';
import { errorBody, HttpError } from './errors';

/**
 * The path of a request target, or undefined when it does not parse: `GET http://[ HTTP/1.1`
 * reaches the server intact, and `new URL` throws on it.
 */
export function requestPath(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://relay').pathname;
  } catch {
    return undefined;
  }
}

/** `{error:{code,message}}` as a string, for answers written outside express. */
export function rawErrorBody(code: HttpErrorCode, message: string): string {
  return JSON.stringify(errorBody(new HttpError(code, message)));
}

/**
 * A complete HTTP/1.1 error response in our `{error:{code,message}}` shape, for the places that
 * answer on a raw socket (refused upgrades, requests Node's parser rejected) instead of express.
 */
export function rawErrorResponse(code: HttpErrorCode, message: string): string {
  const status = HTTP_ERRORS[code];
  const body = rawErrorBody(code, message);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/** Answers an upgrade we will not take, then closes the socket. */
export function refuseUpgrade(socket: Duplex, code: HttpErrorCode, message: string): void {
  if (socket.writable) socket.end(rawErrorResponse(code, message));
  else socket.destroy();
}

/** Answers on a response express never saw (or gave back), in the same shape. */
export function writeError(res: ServerResponse, code: HttpErrorCode, message: string): void {
  if (res.headersSent) return void res.destroy();
  const body = rawErrorBody(code, message);
  res
    .writeHead(HTTP_ERRORS[code], {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    })
    .end(body);
}
